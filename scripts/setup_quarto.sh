#!/usr/bin/env bash
# Make a real Quarto available to the tests (and to `ranpasti build` run through make).
#
#   1. a `quarto` already on PATH is used as it is (users install Quarto the usual way);
#   2. otherwise the one installed earlier in .tools/quarto/ is reused when it is the kit's version;
#   3. otherwise, where the offline Quarto kit exists (../shared/tools/quarto, or $QUARTO_KIT), it is
#      installed into .tools/quarto/ (about 15 s: PyPI and npm packages plus the kit's tarball).
# Without any of these the Quarto tests skip and say why. Never fails the setup.
set -uo pipefail
cd "$(dirname "$0")/.."
DEST=.tools/quarto
KIT=${QUARTO_KIT:-../shared/tools/quarto}
WANT=1.9.38

if command -v quarto >/dev/null 2>&1; then
  echo "Quarto: $(command -v quarto) ($(quarto --version 2>/dev/null))"
  exit 0
fi
if [ -x "$DEST/bin/quarto" ] && [ "$("$DEST/bin/quarto" --version 2>/dev/null)" = "$WANT" ]; then
  echo "Quarto: $DEST/bin/quarto ($WANT, sudah terpasang)"
  exit 0
fi
if [ -f "$KIT/install-quarto.sh" ]; then
  echo "Memasang Quarto $WANT dari $KIT ke $DEST/"
  mkdir -p .tools
  if bash "$KIT/install-quarto.sh" "$DEST" > "$DEST.log" 2>&1; then
    echo "Quarto: $DEST/bin/quarto ($("$DEST/bin/quarto" --version))"
  else
    echo "Quarto tidak bisa dipasang dari $KIT (lihat $DEST.log); uji Quarto akan dilewati." >&2
    tail -n 20 "$DEST.log" >&2 || true
  fi
  exit 0
fi
echo "Quarto tidak ada di PATH dan kit $KIT tidak ada: uji Quarto akan dilewati (renderer bawaan tetap diuji)."
