"""The image's entry script, run here without Docker: build, serve (building a missing index first), health; and
the Dockerfile's promises (non-root, corpus indexed at build time, health check) checked on its text."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from helpers import ROOT, free_port

ENTRY = ROOT / "scripts" / "docker-entry.sh"


def entry_env(**settings: str) -> dict[str, str]:
    env = dict(os.environ, PYTHON=sys.executable, TRACUU_ENCODER="hashing", TRACUU_HOST="127.0.0.1")
    env.pop("TRACUU_API_TOKEN", None)
    env.update(settings)
    return env


def run_entry(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(ENTRY), *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_build_then_the_passthrough_searches_it(tmp_path, docs_dir):
    env = entry_env(TRACUU_INDEX=str(tmp_path / "idx"), TRACUU_CORPUS=str(docs_dir))
    built = run_entry("build", env=env)
    assert built.returncode == 0, built.stderr
    assert "2 văn bản" in built.stdout
    found = run_entry("search", "tuổi thọ trung bình", "--json", env=env)
    assert found.returncode == 0, found.stderr
    assert "74,5 tuổi" in json.loads(found.stdout)["hits"][0]["text"]


def test_serve_builds_a_missing_index_and_reports_healthy_until_stopped(tmp_path, docs_dir):
    pytest.importorskip("uvicorn")
    port = free_port()
    env = entry_env(TRACUU_INDEX=str(tmp_path / "moi"), TRACUU_CORPUS=str(docs_dir), TRACUU_PORT=str(port))
    assert run_entry("health", env=env).returncode == 1  # nothing listening yet
    server = subprocess.Popen(["sh", str(ENTRY), "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        deadline = time.monotonic() + 120
        while run_entry("health", env=env).returncode != 0:
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "the server did not become healthy"
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=tuoi+tho&k=1", timeout=10) as r:
            assert "74,5 tuổi" in json.loads(r.read())["hits"][0]["text"]
    finally:
        server.terminate()
        server.wait(20)
    assert (tmp_path / "moi" / "CURRENT").is_file()  # built on the way up
    assert run_entry("health", env=env).returncode == 1


def test_dockerfile_runs_as_a_user_indexes_the_corpus_and_checks_health():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    steps = [line.split(None, 1) for line in text.splitlines() if line and not line.startswith(("#", " "))]
    names = [s[0] for s in steps]
    user = names.index("USER")
    assert steps[user][1].strip() not in ("root", "0") and names.index("ENTRYPOINT") > user
    assert ["RUN", "tracuu-entry build"] in steps and names.index("RUN", user) > user  # indexed as the user
    assert any(s[0] == "HEALTHCHECK" and "tracuu-entry" in s[1] and "health" in s[1] for s in steps)
    for source in re.findall(r"^COPY (\S+) ", text, re.M):
        assert (ROOT / source).exists(), source
    assert not [s for s in steps if s[0] == "RUN" and "torch" in s[1]]  # the light install: core + [api]


def test_compose_runs_milvus_standalone_and_points_the_service_at_it():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    for service in ("etcd:", "minio:", "milvus:", "tracuu:"):
        assert re.search(rf"^  {service}$", text, re.M), service
    assert "milvus run standalone" in text.replace('", "', " ").replace('["', "").replace('"]', "")
    assert "TRACUU_INDEX: milvus://milvus:19530/" in text and "condition: service_healthy" in text
