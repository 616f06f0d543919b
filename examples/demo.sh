#!/bin/sh
# Runs every example end to end and prints a transcript (see README).
# Usage: sh examples/demo.sh BUILD_DIR
set -eu
build=${1:-build}
echo "winipc demo: no examples yet"
