#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing (idempotent).
#   site: python3-venv (to create .venv)
#   test: chromium (headless browser tests), poppler-utils (pdfinfo, pdftotext: reading printed pages) and
#         fonts: DejaVu for text, Liberation (Arial's metrics) for the
#         chart images, which are laid out for that width (what phones draw them with: Roboto, Arial)
# Runs apt-get directly as root, through sudo otherwise. Never downloads a browser build of its own.
set -euo pipefail
want=()
need() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || want+=("$1"); }
have_venv() { python3 -c 'import venv, ensurepip' 2>/dev/null; }

case "${1:-site}" in
  site) have_venv || need python3-venv ;;
  test) have_venv || need python3-venv
        [ -x /usr/bin/chromium ] || need chromium
        need poppler-utils
        need fonts-dejavu-core
        need fonts-liberation ;;
  *) echo "usage: $0 site|test" >&2; exit 2 ;;
esac

[ ${#want[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Paket sistem berikut diperlukan tetapi apt-get tidak ada: ${want[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Memasang paket Debian: ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${want[@]}"
