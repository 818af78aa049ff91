"""Reliability of the HTTP API: schema-driven fuzzing finds no 5xx, and a server killed mid-upload loses nothing."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

import tracuu  # noqa: E402
from tracuu_api.app import create_app  # noqa: E402

from helpers import DOCS, free_port, write_docs  # noqa: E402

TOKEN = "bi-mat-fuzz"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NESTED = {"dang/nq#57.txt": "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi "
                            "số quốc gia. Hạ tầng số là nền tảng."}
QUERY = "ty le lao dong qua dao tao"
FUZZ_EXAMPLES = 40  # per operation and mode: all eleven operations take about 4 s per mode here
SERVER_START_S = 60.0


def _build(tmp: Path) -> Path:
    docs = write_docs(tmp / "docs")
    (docs / "dang").mkdir()
    write_docs(docs, NESTED)
    root = tmp / "idx"
    tracuu.build([docs], root, encoder="hashing")
    return root


# -- fuzzing from the OpenAPI schema ---------------------------------------------------------------------------
@pytest.fixture
def fuzz_index(tmp_path: Path) -> Path:
    return _build(tmp_path)


@pytest.fixture
def real_ids(fuzz_index: Path) -> dict[str, list[str]]:
    index = tracuu.open_index(fuzz_index)
    docs = [d.id for d in index.documents()]
    passages = [h.passage.id for h in index.search("phát triển khoa học, tỉ lệ lao động, hội nghị", 20)]
    return {"document_id": docs, "passage_id": passages}


def _use_real_ids(case: Any, real: dict[str, list[str]]) -> None:
    """Point about half the path parameters at ids that exist, so the fuzzer gets past the 404s.

    The choice hangs on a checksum of the generated value (not on a random draw), so Hypothesis sees a
    deterministic test.
    """
    for name, value in (case.path_parameters or {}).items():
        pool = real.get(name)
        pick = zlib.crc32(str(value).encode())
        if pool and pick % 2:  # generated values arrive percent-encoded; ids hold '/' and '#'
            case.path_parameters[name] = quote(pool[pick // 2 % len(pool)], safe="")


def _fuzz(operation: Any, mode: Any, real: dict[str, list[str]]) -> str | None:
    """Hypothesis over one operation; the shrunk failure as text, or None."""

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def run(case: Any) -> None:
        _use_real_ids(case, real)
        case.call_and_validate(headers=AUTH, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        return None  # nothing to make invalid (GET /health has no parameters)
    except Exception as exc:  # noqa: BLE001 - every failure is collected, then reported together
        return f"{operation.label}: {exc}"
    return None


# schemathesis' own pytest integration (`from_fixture(...).parametrize()`) breaks on pytest 9 (it sets the
# removed Node._nodeid), so each operation runs as a plain Hypothesis test over schemathesis' strategy.
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_fuzzed_requests_never_get_a_server_error(fuzz_index: Path, real_ids: dict[str, list[str]],
                                                  mode: str) -> None:
    # The token on, so uploads and deletions are fuzzed too; read_token "" whatever the environment says.
    app = create_app(fuzz_index, token=TOKEN, read_token="")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, [op.label for op in operations]
    failures = [f for op in operations if (f := _fuzz(op, GenerationMode(mode), real_ids))]
    assert not failures, "\n\n".join(failures)


_SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".pdf", ".docx", ".jsonl", ".TXT", ".exe", ""])
_STEMS = st.sampled_from(["van-ban", "Nghị quyết số 57", "../../etc/passwd", "a\\b", ".an", "x" * 300])
_NAMES = st.one_of(st.builds(lambda stem, suffix: stem + suffix, _STEMS, _SUFFIXES),
                   st.builds(lambda stem, suffix: stem + suffix, st.text(min_size=1, max_size=40), _SUFFIXES),
                   st.text())
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                         st.sampled_from(["_id", "id", "title", "text", "x"]), inner, max_size=4), max_leaves=8)
_CONTENT = st.one_of(
    st.binary(max_size=2048),
    st.text(max_size=2000).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=512).map(lambda tail: b"%PDF-1.4\n" + tail),  # passes a sniff, breaks the parser
    st.binary(max_size=512).map(lambda tail: b"PK\x03\x04" + tail),  # a .docx is a zip
    st.lists(_JSON, max_size=4).map(lambda rows: "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()),
)


def test_fuzzed_uploads_never_get_a_server_error(fuzz_index: Path) -> None:
    """Random names and bytes, shaped to get past the first checks of each reader: 201/200, 409 (a name taken,
    no ?replace=true), 413 or 422."""
    client = TestClient(create_app(fuzz_index, token=TOKEN, read_token=""), raise_server_exceptions=False)

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(name=_NAMES, data=_CONTENT)
    def upload(name: str, data: bytes) -> None:
        response = client.post("/documents", files={"file": (name, data)}, headers=AUTH)
        assert response.status_code in (200, 201, 409, 413, 422), (name, data[:200], response.text)
        if response.status_code >= 400:
            assert set(response.json()) == {"error", "fix"}

    upload()
    assert client.get("/search", params={"q": QUERY}).json()["hits"]


# -- a server killed during an upload --------------------------------------------------------------------------
def _serve(root: Path, port: int) -> subprocess.Popen:
    # The 2 MB upload below must reach its writing stage even on a busy machine: no time or passage budget stops it.
    env = {**os.environ, "TRACUU_API_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1", "TRACUU_UPLOAD_SECONDS": "600",
           "TRACUU_UPLOAD_PASSAGES": "100000"}
    env.pop("TRACUU_API_READ_TOKEN", None)
    server = subprocess.Popen([sys.executable, "-m", "tracuu", "serve", "--index", str(root), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    pytest.fail(f"tracuu serve did not start: {server.communicate()[1].decode(errors='replace')[-2000:]}")


def _big_text(paragraphs: int = 4000) -> bytes:
    """About 2 MB of distinct Vietnamese paragraphs: the hashing encoder takes seconds over them."""
    para = DOCS["nghi-quyet-mau.txt"]
    return "\n\n".join(para.replace("45%", f"{n}%") for n in range(paragraphs)).encode("utf-8")


def _multipart(name: str, data: bytes, halfway: threading.Event,
               paused: threading.Event | None) -> tuple[dict[str, str], Iterator[bytes]]:
    """A chunked multipart body that sets `halfway` once half is sent and, with `paused`, waits there for it."""
    boundary = "tracuu-reliability"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head + data[:len(data) // 2]
        halfway.set()
        if paused is not None:
            paused.wait(SERVER_START_S)
        yield data[len(data) // 2:] + tail

    return {"Content-Type": f"multipart/form-data; boundary={boundary}", **AUTH}, body()


def _new_generation(root: Path, known: set[str]) -> bool:
    return any(p.name.startswith("gen-") and p.name not in known for p in root.iterdir())


def _wait_for(condition: Callable[[], bool], timeout: float, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or server.poll() is not None:
            pytest.fail("the upload never reached the stage at which the server was to be killed")
        time.sleep(0.005)


def _snapshot(root: Path) -> dict[str, Any]:
    """What a reader of the index sees: generation, documents, and the hits of one search."""
    index = tracuu.open_index(root)
    hits = index.search(QUERY, 5)
    return {"generation": index.info()["generation"], "documents": sorted(d.id for d in index.documents()),
            "hits": [h.passage.id for h in hits]}


def _served(base: str) -> dict[str, Any]:
    health = httpx.get(f"{base}/health", timeout=10).json()
    docs = httpx.get(f"{base}/documents", timeout=10).json()["documents"]
    hits = httpx.get(f"{base}/search", params={"q": QUERY, "k": 5}, timeout=30).json()["hits"]
    return {"generation": health["generation"], "documents": sorted(d["id"] for d in docs),
            "hits": [h["passage"]["id"] for h in hits]}


@pytest.mark.parametrize("stage", ["receiving", "indexing", "writing"])
def test_server_killed_during_an_upload_keeps_the_previous_index(tmp_path: Path, stage: str) -> None:
    """SIGKILL while the body arrives, while the staged file is encoded, or while the next generation is
    written: the index still opens at the generation before the upload, and a restarted server serves it."""
    root = _build(tmp_path)
    before = _snapshot(root)
    assert before["hits"], "the search must find something for the comparison to mean anything"
    known = {p.name for p in root.iterdir()}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(root, port)
    paused = threading.Event() if stage == "receiving" else None
    halfway = threading.Event()
    headers, body = _multipart("van-ban-lon.txt", _big_text(), halfway, paused)
    upload = threading.Thread(target=_post_quietly, args=(f"{base}/documents", headers, body), daemon=True)
    try:
        upload.start()
        if stage == "receiving":
            _wait_for(halfway.is_set, 30, server)
            time.sleep(0.3)  # the first half of the body is in the server's spool file by now
        elif stage == "indexing":
            _wait_for(lambda: (root / "uploads" / "van-ban-lon.txt").exists(), 60, server)
        else:
            _wait_for(lambda: _new_generation(root, known), 120, server)
        live_at_kill = (root / "CURRENT").read_text(encoding="utf-8").strip()
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    finally:
        if paused is not None:
            paused.set()
        if server.poll() is None:
            server.kill()
            server.wait(10)
    upload.join(30)
    assert live_at_kill == before["generation"], "the write finished before the kill; nothing was tested"
    if stage == "writing":
        assert _new_generation(root, known), "the half-written generation is left for the next writer to prune"
    assert _snapshot(root) == before
    server = _serve(root, port)
    try:
        assert _served(base) == before
        # Writes work again: the dead writer's lock went with it, and its half-written generation is pruned.
        added = httpx.post(f"{base}/documents", files={"file": ("sau-khi-khoi-dong.txt", NESTED["dang/nq#57.txt"])},
                           headers=AUTH, timeout=60)
        assert added.status_code == 201, added.text
        live = (root / "CURRENT").read_text(encoding="utf-8").strip()
        assert {p.name for p in root.iterdir() if p.name.startswith("gen-")} == {before["generation"], live}
    finally:
        server.kill()
        server.wait(10)


def _post_quietly(url: str, headers: dict[str, str], body: Iterator[bytes]) -> None:
    try:
        httpx.post(url, headers=headers, content=body, timeout=120)
    except httpx.HTTPError:
        pass  # the server was killed under this request: that is the point

