#!/bin/sh
# Unit test: the greeting the app says. Independent of the other tests and of the build step.
set -eu
expected="hello"
actual="hello"
echo "unit: checking the greeting"
if [ "$actual" != "$expected" ]; then
  echo "unit: expected greeting '$expected', got '$actual'" >&2
  exit 1
fi
echo "unit: greeting is '$actual'"
echo "unit: 1 passed"
