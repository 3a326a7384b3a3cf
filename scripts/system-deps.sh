#!/usr/bin/env bash
# Installs the Debian packages the tests need, if they are missing: Chromium for the browser
# tests, Noto CJK fonts so Chinese renders as text (not boxes), and a Java runtime for the HTML
# validator. Needs root (or sudo); does nothing when everything is already there.
set -euo pipefail
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
installed fonts-noto-cjk || need+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
