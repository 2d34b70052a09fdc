#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the pipeline needs (Tesseract with fra/eng/osd, poppler, jbig2dec: the
# decoder of the JBIG2 scans office multifunction scanners write, run by pikepdf), PostgreSQL
# (the tests run the Prefect server on it, as production does: tests/postgres.py), and
# Chromium for the review desk's browser tests (driven by Playwright; no browser is ever downloaded),
# only when something is missing. Uses sudo when not root.
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng tesseract-ocr-osd poppler-utils qpdf ghostscript jbig2dec libjbig2dec0
          chromium postgresql)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
