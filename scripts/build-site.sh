#!/usr/bin/env bash
# Build the site strictly into a fresh folder beside site/, and put it in site/'s place only
# when the build succeeds: a failed build leaves the previous site untouched (and no half-built
# folder behind).
#
#   scripts/build-site.sh [SITE_DIR]     MKDOCS (default: mkdocs) is the command that builds
set -euo pipefail

site="${1:-site}"
mkdocs="${MKDOCS:-mkdocs}"
fresh="$site.new"
old="$site.old"

rm -rf -- "$fresh" "$old"
if ! $mkdocs build --strict --site-dir "$fresh"; then
  rm -rf -- "$fresh"
  echo "build failed: $site/ is left as it was" >&2
  exit 1
fi
if [ -d "$site" ]; then
  mv -- "$site" "$old"
fi
mv -- "$fresh" "$site"
rm -rf -- "$old"
