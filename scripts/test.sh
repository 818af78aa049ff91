#!/usr/bin/env bash
# Set up everything the tests need (scripts/setup.sh --test), then run the whole suite, real-model tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
. .venv/bin/activate
export HF_HUB_OFFLINE=1
python -m pytest "$@"
