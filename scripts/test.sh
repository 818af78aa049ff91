#!/usr/bin/env bash
# Set up, then run the whole test suite (including the real-model tests on small inputs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
. .venv/bin/activate
export HF_HUB_OFFLINE=1
python -m pytest "$@"
