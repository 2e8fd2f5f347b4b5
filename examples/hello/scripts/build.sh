#!/bin/sh
# Builds the "app": a greeting in dist/greeting.txt.
set -eu
greeting="${GREETING:-hello}"
echo "build: writing dist/greeting.txt"
mkdir -p dist
echo "$greeting, world" > dist/greeting.txt
echo "build: $(cat dist/greeting.txt)"
echo "build: done"
