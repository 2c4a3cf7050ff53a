#!/usr/bin/env bash
# Installs the Debian packages the tests and peer benchmarks need (Tesseract, ffmpeg, docker-compose to validate the Compose file, the fonts rendered plates are drawn in).
# Runs apt-get only when something is missing and we are root; otherwise says what to install.
set -euo pipefail
need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v docker-compose >/dev/null || need+=(docker-compose)
# the typefaces rendered Ukrainian plates are drawn in (recognizers/synth/plate.py FONTS)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf ] || need+=(fonts-dejavu-extra)
[ -f /usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf ] || need+=(fonts-roboto-unhinted)
[ -f /usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf ] || need+=(fonts-liberation)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Please install: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
