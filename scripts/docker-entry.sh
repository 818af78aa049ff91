#!/bin/sh
# The container's entry point, also run by the tests without Docker (tests/test_docker_entry.py).
#   docker-entry.sh build    index $TRACUU_CORPUS into $TRACUU_INDEX (the image runs this at build time)
#   docker-entry.sh serve    build first if $TRACUU_INDEX holds no index yet (a fresh Milvus), then serve
#   docker-entry.sh health   exit 0 when the server on $TRACUU_PORT answers /health (the image's HEALTHCHECK)
#   anything else            passed to tracuu: docker run IMAGE search "chuyển đổi số"
# Settings: TRACUU_INDEX (default index/default; milvus://host:19530/name for Milvus), TRACUU_CORPUS (corpus/),
# TRACUU_ENCODER (empty: tracuu-e5, the default), TRACUU_HOST (0.0.0.0), TRACUU_PORT (8000), and the server's own
# TRACUU_API_TOKEN / TRACUU_API_READ_TOKEN / TRACUU_UPLOADS_DIR.
set -eu
PYTHON=${PYTHON:-python3}
INDEX=${TRACUU_INDEX:-index/default}
CORPUS=${TRACUU_CORPUS:-corpus/}
HOST=${TRACUU_HOST:-0.0.0.0}
PORT=${TRACUU_PORT:-8000}
export HF_HUB_OFFLINE=1

build() {
  if [ -n "${TRACUU_ENCODER:-}" ]; then
    "$PYTHON" -m tracuu build "$CORPUS" --index "$INDEX" --encoder "$TRACUU_ENCODER"
  else
    "$PYTHON" -m tracuu build "$CORPUS" --index "$INDEX"
  fi
}

case "${1:-serve}" in
  build)
    build ;;
  serve)
    if ! "$PYTHON" -m tracuu info --index "$INDEX" --json >/dev/null 2>&1; then
      echo "docker-entry: chưa có chỉ mục tại $INDEX; đang tạo từ $CORPUS" >&2
      build
    fi
    exec "$PYTHON" -m tracuu serve --index "$INDEX" --host "$HOST" --port "$PORT" ;;
  health)
    exec "$PYTHON" -c "import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$PORT/health', timeout=3).status == 200 else 1)
except Exception as exc:
    print(f'unhealthy: {exc}', file=sys.stderr)
    sys.exit(1)" ;;
  *)
    exec "$PYTHON" -m tracuu "$@" --index "$INDEX" ;;
esac
