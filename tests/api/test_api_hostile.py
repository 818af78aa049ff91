"""Hostile requests against the HTTP app are refused early and cheaply, as JSON, and change nothing.

Most go through TestClient; what depends on the wire (bytes a server reads before refusing, slow headers, idle
connections, a client that hangs up, uvicorn's own 400) goes to a real uvicorn in a thread on loopback.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

pytest.importorskip("fastapi")
import uvicorn  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

import tracuu  # noqa: E402
from tracuu.retrieval.encoders import HashingEncoder, clip_query, load_encoder  # noqa: E402
from tracuu_api import server as served  # noqa: E402
from tracuu_api.app import create_app  # noqa: E402
from tracuu_api.limits import Budgets  # noqa: E402

from helpers import free_port  # noqa: E402
from helpers import bomb_xml, docx_bytes  # noqa: E402

TOKEN = "bi-mat-456"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = "Kế hoạch phát triển hạ tầng số hiện đại, đồng bộ, an toàn đến năm 2030.".encode()


@pytest.fixture
def index_path(tmp_path: Path, docs_dir: Path) -> Path:
    root = tmp_path / "idx"
    tracuu.build([docs_dir], root, encoder="hashing")
    return root


def _client(index_path: Path, **kwargs) -> TestClient:
    return TestClient(create_app(index_path, token=TOKEN, read_token="", **kwargs), raise_server_exceptions=False)


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "fix"} and body["error"] and body["fix"]
    return body


def _state(index_path: Path) -> tuple[str, list[str]]:
    """What a refused request must leave as it was: the live generation and the files in uploads/ (hidden too)."""
    uploads = index_path / "uploads"
    files = sorted(p.name for p in uploads.iterdir()) if uploads.is_dir() else []
    return (index_path / "CURRENT").read_text(encoding="utf-8").strip(), files


def _upload(client: TestClient, name: str, data: bytes, replace: bool = False):
    return client.post("/documents" + ("?replace=true" if replace else ""), files={"file": (name, data)},
                       headers=AUTH)


# -- a real server on loopback -------------------------------------------------------------------------------------
@contextmanager
def serving(app, **config) -> Iterator[int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           http=served.GuardedH11Protocol, **config))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def _response(sock: socket.socket, timeout: float = 10) -> bytes:
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data


def _json_body(raw: bytes) -> dict:
    head, _, body = raw.partition(b"\r\n\r\n")
    assert b"application/json" in head.lower(), raw[:300]
    return json.loads(body.decode("utf-8"))


def _push_chunked(port: int, head: bytes, limit: int, first: bytes = b"") -> tuple[int, bytes]:
    """Send `head` and `first` as a chunk, then chunks of zeros until the server stops reading (or `limit`
    bytes); the bytes sent and the server's answer."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(head + (f"{len(first):x}\r\n".encode() + first + b"\r\n" if first else b""))
    sent, block = 0, b"10000\r\n" + b"\0" * 0x10000 + b"\r\n"
    sock.settimeout(2)
    try:
        while sent < limit:
            sent += sock.send(block)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    answer = _response(sock)
    sock.close()
    return sent, answer


def test_no_token_no_body_read_upload_and_json(index_path):
    """A chunked 200 MB upload and a chunked JSON stream without a token: refused from the headers, the server
    stops reading (the client can push only what the socket buffers hold)."""
    app = create_app(index_path, token=TOKEN, read_token="doc", budgets=Budgets(upload_bytes=20 * 1024 * 1024))
    before = _state(index_path)
    with serving(app) as port:
        head = (b"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\n\r\n")
        sent, answer = _push_chunked(port, head, 200 * 1024 * 1024)
        assert answer.startswith(b"HTTP/1.1 401") and "bearer token" in _json_body(answer)["error"]
        assert sent < 20 * 1024 * 1024
        head = b"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        sent, answer = _push_chunked(port, head, 200 * 1024 * 1024)
        assert answer.startswith(b"HTTP/1.1 401") and sent < 20 * 1024 * 1024
    assert _state(index_path) == before


def test_bodies_over_budget_are_cut_while_they_arrive(index_path):
    app = create_app(index_path, token=TOKEN, read_token="", budgets=Budgets(upload_bytes=1024 * 1024))
    before = _state(index_path)
    with serving(app) as port:
        head = (b"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: application/json\r\n\r\n")
        sent, answer = _push_chunked(port, head, 100 * 1024 * 1024)
        assert answer.startswith(b"HTTP/1.1 413") and "64 KB" in _json_body(answer)["error"]
        assert sent < 20 * 1024 * 1024
        head = (b"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                + f"Authorization: Bearer {TOKEN}\r\n".encode()
                + b"Content-Type: multipart/form-data; boundary=x\r\n\r\n")
        part = b'--x\r\nContent-Disposition: form-data; name="file"; filename="lon.txt"\r\n\r\n'
        sent, answer = _push_chunked(port, head, 100 * 1024 * 1024, part)
        assert answer.startswith(b"HTTP/1.1 413") and "lớn hơn 1 MB" in _json_body(answer)["error"]
    assert _state(index_path) == before


def test_json_over_budget_from_content_length_and_bad_json(index_path):
    client = _client(index_path)
    big = json.dumps({"q": "chuyển đổi số", "filler": "x" * 100_000})
    _error(client.post("/search", content=big, headers={"Content-Type": "application/json"}), 413)
    body = _error(client.post("/search", content=b'{"q": "thi', headers={"Content-Type": "application/json"}), 422)
    assert "không phải JSON hợp lệ" in body["error"] and "0: JSON" not in body["error"]


def test_slow_body_is_refused(index_path):
    app = create_app(index_path, token=TOKEN, read_token="", budgets=Budgets(json_body_seconds=0.5))
    with serving(app) as port:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"q\": ")
        answer = _response(sock)
        assert answer.startswith(b"HTTP/1.1 408") and "không đến kịp" in _json_body(answer)["error"]


def test_uvicorn_level_errors_and_timeouts_are_json(index_path, monkeypatch):
    monkeypatch.setattr(served, "HEADERS_S", 0.5)
    app = create_app(index_path, token=TOKEN, read_token="")
    with serving(app, timeout_keep_alive=1) as port:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        answer = _response(sock)
        assert answer.startswith(b"HTTP/1.1 400") and "yêu cầu HTTP không hợp lệ" in _json_body(answer)["error"]
        slow = socket.create_connection(("127.0.0.1", port))
        started = time.monotonic()
        for part in (b"GET /health HTTP/1.1\r\n", b"Host: 127.0.0.1\r\n"):  # slowloris: headers never finish
            slow.sendall(part)
            time.sleep(0.3)
        answer = _response(slow)
        assert answer.startswith(b"HTTP/1.1 400") and time.monotonic() - started < 3
        idle = socket.create_connection(("127.0.0.1", port))  # connects and says nothing
        started = time.monotonic()
        assert _response(idle, timeout=5) == b"" and time.monotonic() - started < 3


def test_500_is_json(index_path, monkeypatch):
    client = _client(index_path)
    index = client.app.state.tracuu.index
    monkeypatch.setattr(index, "search", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    body = _error(client.get("/search", params={"q": "tuổi thọ"}), 500)
    assert "boom" not in body["error"]
    _error(client.get("/khong-co"), 404)
    _error(client.put("/search"), 405)


def test_security_headers(index_path):
    client = _client(index_path)
    answer = client.get("/search", params={"q": "tuổi thọ"})
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["cache-control"] == "no-store"
    error = client.get("/search", params={"q": ""})
    assert error.headers["x-content-type-options"] == "nosniff" and error.headers["cache-control"] == "no-store"
    static = client.get("/static/app.js")
    assert static.headers["x-content-type-options"] == "nosniff" and "no-store" not in static.headers.get(
        "cache-control", "")


def test_allowed_hosts(index_path, monkeypatch):
    client = _client(index_path, allowed_hosts=["localhost", "127.0.0.1"])
    assert client.get("http://localhost:8000/health").status_code == 200
    assert client.get("http://127.0.0.1/health").status_code == 200
    assert "evil.example" in _error(client.get("http://evil.example/health"), 400)["error"]
    monkeypatch.setenv("TRACUU_ALLOWED_HOSTS", "tracuu.example")
    assert _client(index_path).get("http://tracuu.example/health").status_code == 200
    _error(_client(index_path).get("http://localhost/health"), 400)
    assert served.allowed_hosts("0.0.0.0", "tracuu.example") == ["127.0.0.1", "::1", "localhost", "tracuu.example"]
    assert "10.0.0.5" in served.allowed_hosts("10.0.0.5", "")


@pytest.mark.parametrize("value", ["2024-13-45", "2024-02-30", "2024-01-01 hoặc gì đó", "01/13/2024", "hôm qua"])
def test_one_date_parser_for_every_endpoint(index_path, value):
    client = _client(index_path)
    assert "không phải ngày tháng" in _error(client.get("/search", params={"q": "tuổi thọ", "date_from": value}), 422)["error"]
    _error(client.post("/search", json={"q": "tuổi thọ", "date_to": value}), 422)
    _error(client.post("/search", json={"q": "tuổi thọ", "filters": {"date_from": value}}), 422)
    _error(client.get("/quotes", params={"topic": "tuổi thọ", "date_from": value}), 422)


def test_good_dates_still_work(index_path):
    client = _client(index_path)
    for value in ("2021-02-01", "01/02/2021", "1.2.2021"):
        assert client.get("/search", params={"q": "tuổi thọ", "date_from": value}).status_code == 200


# -- uploads ------------------------------------------------------------------------------------------------------
def test_a_docx_bomb_upload_is_refused_quickly_and_changes_nothing(index_path):
    client = _client(index_path)
    before = _state(index_path)
    started = time.perf_counter()
    body = _error(_upload(client, "bom.docx", docx_bytes(bomb_xml(32))), 422)
    assert time.perf_counter() - started < 5 and "bom zip" in body["error"] and "chỉ mục không thay đổi" in body["error"]
    assert _state(index_path) == before


def test_upload_passage_and_time_budgets(index_path, monkeypatch):
    before = _state(index_path)
    many = "\n\n".join(f"Điều {n}. Phát triển hạ tầng số ở tỉnh thứ {n} theo kế hoạch riêng." for n in range(300))
    body = _error(_upload(_client(index_path, budgets=Budgets(upload_passages=5)), "nhieu-doan.txt",
                          many.encode()), 413)
    assert "đoạn, giới hạn là 5" in body["error"]
    assert _state(index_path) == before
    client = _client(index_path, budgets=Budgets(upload_seconds=0.3))
    index = client.app.state.tracuu.index
    slow = index.encoder.encode_passages
    monkeypatch.setattr(index.encoder, "encode_passages", lambda texts: (time.sleep(0.2), slow(texts))[1])
    started = time.perf_counter()
    body = _error(_upload(client, "cham.txt", many.encode()), 413)
    assert "đã mất hơn 0 giây" in body["error"] and time.perf_counter() - started < 5
    assert _state(index_path) == before
    assert not client.app.state.tracuu.write_lock.locked()  # the lock went with the budget


def test_a_client_that_hangs_up_cancels_its_upload(index_path, monkeypatch):
    app = create_app(index_path, token=TOKEN, read_token="")
    index = app.state.tracuu.index
    slow, encoding = index.encoder.encode_passages, threading.Event()

    def crawl(texts):
        encoding.set()
        time.sleep(0.3)
        return slow(texts)

    monkeypatch.setattr(index.encoder, "encode_passages", crawl)
    before = _state(index_path)
    many = "\n\n".join(f"Điều {n}. Phát triển hạ tầng số ở tỉnh thứ {n} theo kế hoạch riêng." for n in range(400))
    data = many.encode()
    part = (b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bo-di.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\n" + data + b"\r\n--x--\r\n")
    with serving(app) as port:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\n" + f"Authorization: Bearer {TOKEN}\r\n"
                     f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {len(part)}\r\n\r\n".encode()
                     + part)
        assert encoding.wait(20)
        sock.close()  # hangs up mid-encoding
        deadline = time.monotonic() + 10
        while app.state.tracuu.write_lock.locked() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not app.state.tracuu.write_lock.locked()
    assert _state(index_path) == before


def test_long_utf8_names_are_trimmed_by_bytes(index_path):
    client = _client(index_path)
    name = "ệ" * 100 + ".txt"  # 300 bytes in UTF-8: over a file system's 255
    response = _upload(client, name, TEXT)
    assert response.status_code == 201, response.text
    saved = response.json()["documents"][0]
    assert saved.endswith(".txt") and len(saved.encode()) <= 200 and saved.startswith("ệ" * 60)
    assert _state(index_path)[1] == [saved]  # nothing else (no .part, no private folder) in uploads/


def test_replacing_needs_replace_true(index_path, docs_dir):
    client = _client(index_path)
    before = _state(index_path)
    assert "'bai-bao.md'" in _error(_upload(client, "bai-bao.md", TEXT), 409)["error"]  # a built document's id
    fake = json.dumps({"_id": "nghi-quyet-mau.txt", "text": "Một đoạn giả mạo."}, ensure_ascii=False)
    assert "'nghi-quyet-mau.txt'" in _error(_upload(client, "gia.jsonl", fake.encode()), 409)["error"]
    assert _state(index_path) == before
    assert "74,5" in client.get("/search", params={"q": "tuổi thọ", "k": 1}).json()["hits"][0]["text"]
    replaced = _upload(client, "gia.jsonl", fake.encode(), replace=True)
    assert replaced.status_code == 201 and replaced.json()["report"]["replaced"] == ["nghi-quyet-mau.txt"]


def test_sniffed_and_empty_uploads(index_path):
    from helpers import tiny_pdf

    client = _client(index_path)
    assert _upload(client, "gia-danh.txt", tiny_pdf("Ke hoach chuyen doi so cua tinh nam 2025")).status_code == 201
    doc = client.get("/documents/gia-danh.txt").json()
    assert doc["format"] == "pdf" and "tên có đuôi .txt nhưng nội dung là PDF: đã đọc như PDF" in doc["warnings"]
    before = _state(index_path)
    assert "không có chữ" in _error(_upload(client, "rong.md", b"   \n\n  "), 422)["error"]
    body = _error(_upload(client, "an.html", "<svg><p>Nghị quyết về chuyển đổi số.</p>".encode()), 422)
    assert "thẻ <svg> không được đóng" in body["error"]
    _error(_upload(client, "hong.pdf", b"%PDF-1.7 hong"), 422)
    assert _state(index_path) == before  # no new generation for a failed upload, nothing left in uploads/


def test_long_cjk_and_emoji_queries_are_cut_to_the_query_window(index_path, monkeypatch):
    e5 = load_encoder("e5-small")  # its tokenizer only (no encoding): a CJK or emoji character is a token or more
    for query in ("中文字符" * 250, "😀🚀" * 500, "phát triển " * 200):
        cut = clip_query(e5, query)
        assert 50 <= e5.count_tokens(cut) <= 64 and query.startswith(cut) and len(cut) < len(query)
    assert clip_query(e5, "tuổi thọ trung bình") == "tuổi thọ trung bình"
    encoder = HashingEncoder()
    client = _client(index_path)
    seen: list[str] = []
    index = client.app.state.tracuu.index
    real = index.encoder.encode_query
    monkeypatch.setattr(index.encoder, "encode_query", lambda text: (seen.append(text), real(text))[1])
    long = ("phát triển khoa học " * 100)[:1000]
    assert client.get("/search", params={"q": long, "mode": "dense"}).status_code == 200
    assert seen and all(encoder.count_tokens(t) <= 64 for t in seen)
