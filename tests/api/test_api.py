"""The HTTP API through TestClient over an index built in the test: every endpoint, auth, limits, uploads, errors."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import tracuu  # noqa: E402
from tracuu.backends.embedded import builder  # noqa: E402
from tracuu.cli import main  # noqa: E402
from tracuu_api.errors import UploadRejectedError  # noqa: E402
from tracuu_api.app import create_app  # noqa: E402
from tracuu_api.uploads import safe_name  # noqa: E402

from helpers import tiny_pdf, write_docs  # noqa: E402

TOKEN = "bi-mat-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NESTED = {"dang/nq#57.txt": "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi "
                            "số quốc gia. Hạ tầng số là nền tảng."}


@pytest.fixture
def index_path(tmp_path: Path, docs_dir: Path) -> Path:
    (docs_dir / "dang").mkdir()
    write_docs(docs_dir, NESTED)
    root = tmp_path / "idx"
    tracuu.build([docs_dir], root, encoder="hashing")
    return root


@pytest.fixture
def client(index_path: Path, monkeypatch) -> TestClient:
    monkeypatch.delenv("TRACUU_API_TOKEN", raising=False)
    monkeypatch.delenv("TRACUU_API_READ_TOKEN", raising=False)
    return TestClient(create_app(index_path, token=TOKEN))


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "fix"} and body["error"]
    return body


def _upload(client: TestClient, name: str, data: bytes, headers=AUTH):
    return client.post("/documents", files={"file": (name, data)}, headers=headers)


# -- reads -------------------------------------------------------------------------------------------------------
def test_search_hits_are_exactly_the_cli_json(client, index_path, capsys):
    got = client.get("/search", params={"q": "ty le lao dong qua dao tao", "k": 3}).json()
    assert main(["search", "ty le lao dong qua dao tao", "--index", str(index_path), "-k", "3", "--json"]) == 0
    cli = __import__("json").loads(capsys.readouterr().out)
    assert got["hits"] == cli["hits"] and got["k"] == 3 and got["offset"] == 0
    assert "70%" in got["hits"][0]["text"]


def test_search_offset_pages_and_post_with_filters(client):
    all_hits = client.get("/search", params={"q": "phát triển", "k": 4}).json()["hits"]
    page2 = client.get("/search", params={"q": "phát triển", "k": 2, "offset": 2}).json()["hits"]
    assert [h["passage"]["id"] for h in page2] == [h["passage"]["id"] for h in all_hits[2:4]]
    assert [h["rank"] for h in page2] == [3, 4]
    body = client.post("/search", json={"q": "phat trien", "k": 5, "document": ["dang/nq#57.txt"],
                                        "explain": True}).json()
    assert body["hits"] and {h["document"]["id"] for h in body["hits"]} == {"dang/nq#57.txt"}
    assert "explain" in body["hits"][0]
    none = client.post("/search", json={"q": "phat trien", "filters": {"doc_type_name": "Không có loại này"}})
    assert none.status_code == 200 and none.json()["hits"] == []
    assert client.get("/search", params={"q": "phat trien", "date_from": "01/01/2020"}).status_code == 200


@pytest.mark.parametrize("params, field", [
    ({"q": "x", "k": 0}, "k"), ({"q": "x", "k": 101}, "k"), ({"q": "x" * 1001}, "q"), ({"q": "x", "mode": "bm"}, "mode"),
    ({}, "q"), ({"q": "x", "offset": -1}, "offset"), ({"q": "   "}, "query"), ({"q": "x", "date_to": "hôm qua"}, "date_to"),
])
def test_search_limits_answer_422_with_error_and_fix(client, params, field):
    assert _error(client.get("/search", params=params), 422)["error"].startswith(field)


def test_refusals_are_worded_in_vietnamese(client):
    """Pydantic's and Starlette's own refusals reach the page in its language, fields and values named as sent."""
    assert _error(client.get("/search", params={"q": "x", "k": 0}), 422) == {
        "error": "k: phải lớn hơn hoặc bằng 1", "fix": "xem mô tả yêu cầu tại /docs"}
    assert _error(client.get("/search", params={"q": "x", "mode": "bm"}), 422)["error"] == \
        "mode: phải là một trong: 'hybrid', 'lexical' hoặc 'dense'"
    assert _error(client.get("/search"), 422)["error"] == "q: thiếu (bắt buộc)"
    assert _error(client.get("/khong-co"), 404)["error"] == "không có địa chỉ này"
    assert _error(client.get("/documents/khong-co.txt"), 404)["error"] == "không có văn bản 'khong-co.txt' trong chỉ mục"


def test_documents_paginated_and_ids_with_slash_and_hash(client):
    page = client.get("/documents", params={"limit": 2}).json()
    assert page["total"] == 3 and len(page["documents"]) == 2 and page["offset"] == 0
    rest = client.get("/documents", params={"offset": 2}).json()["documents"]
    assert {d["id"] for d in page["documents"] + rest} == {"bai-bao.md", "dang/nq#57.txt", "nghi-quyet-mau.txt"}
    doc = client.get("/documents/dang/nq%2357.txt")
    assert doc.status_code == 200 and doc.json()["id"] == "dang/nq#57.txt"
    assert "fix" in _error(client.get("/documents/khong-co.txt"), 404)


def test_passage_with_neighbours(client):
    hit = client.get("/search", params={"q": "tuổi thọ", "k": 1}).json()["hits"][0]
    body = client.get(f"/passages/{hit['passage']['id']}").json()
    assert body["passage"] == hit["passage"] and body["document"]["id"] == hit["document"]["id"]
    ids = [p["id"] for p in body["neighbours"]]
    assert hit["passage"]["id"] in ids and 2 <= len(ids) <= 3
    _error(client.get("/passages/0000000000000000"), 404)


def test_info_and_health(client):
    info = client.get("/info").json()
    assert info["documents"] == 3 and info["encoder"]["name"] == "hashing" and "document_list" not in info
    assert info["features"]["writes"] is True and isinstance(info["doc_types"], list)
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["documents"] == 3 and health["generation"].startswith("gen-")


def test_ask_and_quotes(client):
    if not hasattr(tracuu.Index, "ask"):
        _error(client.post("/ask", json={"question": "tuổi thọ"}), 501)
    else:
        body = client.post("/ask", json={"question": "tuổi thọ trung bình đạt bao nhiêu", "k": 3}).json()
        assert {"question", "answer", "confidence", "citations"} <= set(body)
        assert any("74,5" in c["quote"] for c in body["citations"])
        _error(client.post("/ask", json={"question": ""}), 422)
    if not hasattr(tracuu.Index, "quotes"):
        _error(client.get("/quotes", params={"topic": "chuyển đổi số"}), 501)
    else:
        body = client.get("/quotes", params={"topic": "chuyển đổi số", "k": 3}).json()
        assert isinstance(body["quotes"], list)
        assert all({"quote", "citation", "document"} <= set(q) for q in body["quotes"])
        _error(client.get("/quotes", params={"topic": "x", "k": 0}), 422)


def test_ask_and_quotes_answer_501_when_the_library_lacks_them(index_path):
    class WithoutAnswers:
        def __init__(self, index):
            self._index = index

        def __getattr__(self, name):
            if name in ("ask", "quotes"):
                raise AttributeError(name)
            return getattr(self._index, name)

    app = create_app(index_path, token="", index=WithoutAnswers(tracuu.Index.open(index_path)))
    client = TestClient(app)
    assert "chưa có ask" in _error(client.post("/ask", json={"question": "tuổi thọ"}), 501)["error"]
    _error(client.get("/quotes", params={"topic": "chuyển đổi số"}), 501)
    assert client.get("/info").json()["features"] == {"ask": False, "quotes": False, "writes": False}


def test_openapi_docs_and_page(client):
    spec = client.get("/openapi.json").json()
    assert {"/search", "/ask", "/quotes", "/documents", "/documents/{document_id}", "/passages/{passage_id}",
            "/info", "/health"} <= set(spec["paths"])
    assert "nghi quyet dai hoi" in str(spec) and "Không tìm thấy" not in str(spec["info"])
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "Tra cứu" in page.text and "script-src 'self'" in page.headers[
        "content-security-policy"]
    assert client.get("/static/app.js").status_code == 200 and client.get("/static/style.css").status_code == 200


# -- auth --------------------------------------------------------------------------------------------------------
def test_writes_disabled_without_a_token(index_path, monkeypatch):
    monkeypatch.delenv("TRACUU_API_TOKEN", raising=False)
    client = TestClient(create_app(index_path))
    _error(_upload(client, "moi.txt", "Văn bản mới.".encode(), headers=AUTH), 403)
    _error(client.delete("/documents/bai-bao.md", headers=AUTH), 403)
    assert client.get("/search", params={"q": "hoc tap"}).status_code == 200


def test_wrong_or_missing_token_is_401(client):
    missing = _upload(client, "moi.txt", "Văn bản mới.".encode(), headers={})
    _error(missing, 401)
    assert missing.headers["www-authenticate"] == "Bearer"
    _error(_upload(client, "moi.txt", "Văn bản mới.".encode(), headers={"Authorization": "Bearer sai"}), 401)
    _error(client.delete("/documents/bai-bao.md", headers={"Authorization": "Basic eDp5"}), 401)
    assert client.get("/documents/bai-bao.md").status_code == 200


def test_token_from_the_environment_and_read_token(index_path, monkeypatch):
    monkeypatch.setenv("TRACUU_API_TOKEN", "viet")
    monkeypatch.setenv("TRACUU_API_READ_TOKEN", "doc")
    client = TestClient(create_app(index_path))
    _error(client.get("/search", params={"q": "tuổi thọ"}), 401)
    assert client.get("/search", params={"q": "tuổi thọ"}, headers={"Authorization": "Bearer doc"}).status_code == 200
    assert client.get("/info", headers={"Authorization": "Bearer viet"}).status_code == 200
    _error(_upload(client, "moi.txt", b"Van ban.", headers={"Authorization": "Bearer doc"}), 401)
    assert _upload(client, "moi.txt", "Văn bản.".encode(), headers={"Authorization": "Bearer viet"}).status_code == 201
    assert client.get("/health").status_code == 200 and client.get("/").status_code == 200


# -- writes ------------------------------------------------------------------------------------------------------
def test_upload_search_replace_delete(client, index_path):
    text = "Kế hoạch phát triển hạ tầng số hiện đại, đồng bộ, an toàn đến năm 2030.".encode()
    created = _upload(client, "ke-hoach-moi.md", text)
    assert created.status_code == 201 and created.json()["documents"] == ["ke-hoach-moi.md"]
    assert (index_path / "uploads" / "ke-hoach-moi.md").read_bytes() == text
    hits = client.get("/search", params={"q": "ha tang so hien dai", "k": 1}).json()["hits"]
    assert hits[0]["document"]["id"] == "ke-hoach-moi.md"
    assert "ke-hoach-moi.md" in _error(_upload(client, "ke-hoach-moi.md", text), 409)["error"]  # no silent replace
    assert client.post("/documents?replace=true", files={"file": ("ke-hoach-moi.md", text)},
                       headers=AUTH).status_code == 200  # unchanged
    replaced = client.post("/documents?replace=true", headers=AUTH,
                           files={"file": ("ke-hoach-moi.md", "Kế hoạch sửa đổi về chuyển đổi số.".encode())})
    assert replaced.status_code == 201 and replaced.json()["report"]["replaced"] == ["ke-hoach-moi.md"]
    gone = client.delete("/documents/ke-hoach-moi.md", headers=AUTH)
    assert gone.status_code == 200 and gone.json()["report"]["documents"] == 3
    assert not (index_path / "uploads" / "ke-hoach-moi.md").exists()
    _error(client.get("/documents/ke-hoach-moi.md"), 404)
    _error(client.delete("/documents/ke-hoach-moi.md", headers=AUTH), 404)


def test_delete_an_id_with_slash_and_hash_keeps_source_files(client, docs_dir):
    assert client.delete("/documents/dang/nq%2357.txt", headers=AUTH).status_code == 200
    assert client.get("/info").json()["documents"] == 2
    assert (docs_dir / "dang" / "nq#57.txt").exists()  # only files under uploads/ are ever deleted


@pytest.mark.parametrize("name, saved", [
    ("../../etc/passwd.txt", "passwd.txt"), ("..\\..\\windows\\x.md", "x.md"), ("/etc/abs.txt", "abs.txt"),
    ("C:\\evil\\dir\\van-ban.html", "van-ban.html"), (".hidden.txt", "hidden.txt"), ("a b/../c d.txt", "c-d.txt"),
    ("Nghị quyết 57.txt", "Nghị-quyết-57.txt"), ("..%2F..%2Fx.txt", "2F..-2Fx.txt"),
])
def test_upload_names_cannot_escape_the_uploads_folder(client, index_path, tmp_path, name, saved):
    before = {p for p in tmp_path.rglob("*") if "uploads" not in p.parts and "gen-" not in str(p)}
    response = _upload(client, name, "Nội dung văn bản tải lên.".encode())
    assert response.status_code == 201, response.text
    assert response.json()["documents"] == [saved]
    assert [p.name for p in (index_path / "uploads").iterdir()] == [saved]
    after = {p for p in tmp_path.rglob("*") if "uploads" not in p.parts and "gen-" not in str(p)}
    assert after - before <= {index_path / "CURRENT.tmp"}  # nothing written outside uploads/ and the index


@pytest.mark.parametrize("name", ["..", "../", "passwd", "....", "a\x00b", "", "x.exe", "evil.txt.exe", "/"])
def test_unusable_or_unsupported_names_are_422(name):
    with pytest.raises(UploadRejectedError):
        safe_name(name)


def test_nul_and_control_characters_are_dropped():
    assert safe_name("a\x00b\n.txt") == "ab.txt" and safe_name("x\x00/../../y.md") == "y.md"


def test_unsupported_type_and_too_large_uploads(index_path, tmp_path):
    client = TestClient(create_app(index_path, token=TOKEN, max_upload_bytes=1000))
    assert "không hỗ trợ loại tệp .exe" in _error(_upload(client, "virus.exe", b"MZ"), 422)["error"]
    _error(_upload(client, "lon.txt", b"a" * 2000), 413)  # cut while copying
    _error(_upload(client, "rat-lon.txt", b"a" * 200_000), 413)  # refused from Content-Length
    _error(_upload(client, "rong.txt", b""), 422)
    uploads = index_path / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert client.get("/info").json()["documents"] == 3


def test_a_corrupt_upload_loses_nothing(client, index_path):
    body = _error(_upload(client, "bao-cao.pdf", b"%PDF-1.7 garbage"), 422)
    assert "bao-cao.pdf" in body["error"] and "chỉ mục không thay đổi" in body["error"]
    _error(_upload(client, "bao-cao.docx", b"PK\x03\x04 not really a zip"), 422)
    assert client.get("/documents").json()["total"] == 3
    assert not any((index_path / "uploads").iterdir())
    assert "74,5" in client.get("/search", params={"q": "tuổi thọ", "k": 1}).json()["hits"][0]["text"]


def test_a_corrupt_replacement_keeps_the_old_file_and_document(client, index_path):
    good = tiny_pdf("Ke hoach chuyen doi so cua tinh nam 2025")
    assert _upload(client, "ke-hoach.pdf", good).status_code == 201
    before = client.get("/documents/ke-hoach.pdf").json()
    _error(_upload(client, "ke-hoach.pdf", good[:200]), 422)  # truncated: index.add reports it, adds nothing
    assert (index_path / "uploads" / "ke-hoach.pdf").read_bytes() == good
    assert client.get("/documents/ke-hoach.pdf").json() == before
    hits = client.get("/search", params={"q": "chuyen doi so cua tinh", "k": 1}).json()["hits"]
    assert hits[0]["document"]["id"] == "ke-hoach.pdf"
    _error(_upload(client, "ke-hoach.pdf", b""), 422)  # empty: refused before the index is touched
    assert (index_path / "uploads" / "ke-hoach.pdf").read_bytes() == good
    assert sorted(p.name for p in (index_path / "uploads").iterdir()) == ["ke-hoach.pdf"]


def test_searches_are_served_while_a_write_is_in_progress(client, monkeypatch):
    slow_write = builder.write_generation
    writing = threading.Event()

    def slow(*args, **kwargs):
        writing.set()
        time.sleep(0.6)
        return slow_write(*args, **kwargs)

    monkeypatch.setattr(builder, "write_generation", slow)
    results: list[tuple[int, bool]] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            r = client.get("/search", params={"q": "tuoi tho trung binh", "k": 2})
            results.append((r.status_code, writing.is_set()))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    uploads = [threading.Thread(target=lambda n=n: results.append(
        (_upload(client, f"moi-{n}.txt", f"Văn bản mới số {n} về hạ tầng số.".encode()).status_code, True)))
        for n in range(2)]
    for t in uploads:
        t.start()
    for t in uploads:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert {status for status, _ in results} == {200, 201}
    assert sum(1 for status, during in results if during and status == 200) >= 4
    assert client.get("/info").json()["documents"] == 5  # both writes landed, one after the other


def test_a_read_that_loses_its_document_to_a_concurrent_delete_is_retried(index_path, monkeypatch):
    app = create_app(index_path, token=TOKEN)
    index = app.state.tracuu.index
    real, calls = index.passage, []

    def racing(passage_id):  # the first look-up runs while a deletion swaps the generation underneath it
        calls.append(passage_id)
        if len(calls) == 1:
            index.remove(["bai-bao.md"])
            raise tracuu.errors.DocumentNotFoundError("bai-bao.md")
        return real(passage_id)

    hit = index.search("tuổi thọ", 1)[0]
    monkeypatch.setattr(index, "passage", racing)
    response = TestClient(app).get(f"/passages/{hit.passage.id}")
    assert response.status_code == 200 and len(calls) >= 2
    monkeypatch.setattr(index, "passage", lambda pid: (_ for _ in ()).throw(tracuu.errors.PassageNotFoundError(pid)))
    _error(TestClient(app).get(f"/passages/{hit.passage.id}"), 404)  # no swap: a real 404, not retried


def test_serve_verb_runs_uvicorn_with_the_app_factory(index_path, monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: seen.update(app=app, host=host, port=port,
                                                                                  **kw))
    assert main(["serve", "--index", str(index_path), "--port", "8123"]) == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123
    assert seen["timeout_keep_alive"] <= 30 and seen["h11_max_incomplete_event_size"] <= 64 * 1024
    assert TestClient(seen["app"], base_url="http://127.0.0.1:8123").get("/health").json()["documents"] == 3
    assert TestClient(seen["app"], base_url="http://localhost:8123").get("/health").status_code == 200
    # Any other Host (a rebound DNS name) is refused: only the bind address and localhost by default.
    _error(TestClient(seen["app"], base_url="http://attacker.example:8123").get("/health"), 400)


def test_serve_without_an_index_fails_with_a_fix(tmp_path, capsys):
    assert main(["serve", "--index", str(tmp_path / "none")]) == 2
    assert "tracuu build" in capsys.readouterr().err
