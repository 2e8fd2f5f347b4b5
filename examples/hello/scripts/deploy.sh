#!/bin/sh
# Pretends to deploy: a real pipeline would push an image or call an API here.
set -eu
echo "deploy: branch ${BATON_BRANCH:-unknown}, commit ${BATON_SHA:-unknown}"
echo "deploy: hello is live"
