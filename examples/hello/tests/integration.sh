#!/bin/sh
# Integration test: runs the build in a scratch directory and checks what it wrote.
set -eu
echo "integration: building in a scratch directory"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R scripts "$scratch/"
(cd "$scratch" && sh scripts/build.sh > /dev/null)
greeting=$(cat "$scratch/dist/greeting.txt")
if [ "$greeting" != "${GREETING:-hello}, world" ]; then
  echo "integration: expected '${GREETING:-hello}, world' in dist/greeting.txt, got '$greeting'" >&2
  exit 1
fi
echo "integration: dist/greeting.txt says '$greeting'"
echo "integration: 1 passed"
