#!/usr/bin/env bash
# Installs the Debian packages the tests and peer benchmarks need (Tesseract, ffmpeg, docker-compose to validate the Compose file, DejaVu fonts).
# Runs apt-get only when something is missing and we are root; otherwise says what to install.
set -euo pipefail
need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v docker-compose >/dev/null || need+=(docker-compose)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Please install: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
