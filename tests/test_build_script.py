"""`make build` and the Pages workflow: a failed build leaves the previous site untouched."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_FAKE_MKDOCS = """#!/usr/bin/env bash
# Stands in for mkdocs: writes a page into --site-dir, then fails when FAIL is set.
while [ "$#" -gt 0 ]; do
  if [ "$1" = "--site-dir" ]; then dir="$2"; fi
  shift
done
mkdir -p "$dir/en" && echo new > "$dir/index.html"
[ -z "${FAIL:-}" ]
"""


@pytest.mark.parametrize("fail", [True, False])
def test_build_replaces_the_site_only_on_success(tmp_path: Path, fail: bool) -> None:
    """scripts/build-site.sh (what `make build` and the Pages workflow run): a failing build
    leaves site/ as it was and no half-built folder; a good one replaces site/ whole."""
    fake = tmp_path / "fake-mkdocs"
    fake.write_text(_FAKE_MKDOCS, encoding="utf-8")
    fake.chmod(0o755)
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("old", encoding="utf-8")
    (site / "en" / "index.html").write_text("old", encoding="utf-8")
    env = {**os.environ, "MKDOCS": str(fake), **({"FAIL": "1"} if fail else {})}
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-site.sh"), str(site)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode != 0) == fail, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-mkdocs", "site"]
    assert (site / "index.html").read_text(encoding="utf-8").strip() == ("old" if fail else "new")
    assert (site / "en" / "index.html").exists() == fail  # the old site's file, or none
    if fail:
        assert "left as it was" in proc.stderr


def test_make_build_uses_the_safe_build() -> None:
    """`make build` (which the Pages workflow runs) goes through scripts/build-site.sh."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbuild:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/build-site.sh" in recipe and "mkdocs build" not in recipe
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert "run: make build" in workflow
