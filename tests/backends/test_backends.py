"""The facade behaves the same on every backend: an embedded folder, a milvus-lite .db, and a Milvus server."""
from __future__ import annotations

import importlib.util

import pytest

import tracuu
from tracuu.cli import main
from tracuu.errors import DocumentNotFoundError, PassageNotFoundError

from helpers import DOCS, OFFICIAL_DOCS, milvus_lite_server, write_docs

HAVE_MILVUS = all(importlib.util.find_spec(m) for m in ("pymilvus", "milvus_lite"))
needs_milvus = pytest.mark.skipif(not HAVE_MILVUS, reason="pip install 'tracuu[milvus]' (pymilvus + milvus-lite)")
MILVUS = [pytest.mark.milvus, needs_milvus, pytest.mark.filterwarnings("ignore:pkg_resources is deprecated")]
BACKENDS = [pytest.param("embedded"), pytest.param("lite", marks=MILVUS)]

OFFICIAL = OFFICIAL_DOCS
ALL = {**DOCS, **OFFICIAL}


def location(kind: str, tmp_path) -> str:
    return str(tmp_path / "index") if kind == "embedded" else str(tmp_path / "tracuu.db") + "/party"


def _build(kind: str, folder):
    docs = write_docs(folder / "docs", ALL)
    uri = location(kind, folder)
    report = tracuu.build([docs], uri, encoder="hashing")
    assert report.documents == len(ALL) and set(report.added) == set(ALL)
    return uri, docs


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request, tmp_path_factory):
    """One index per backend for the tests that only read."""
    return _build(request.param, tmp_path_factory.mktemp(request.param))


@pytest.fixture(params=BACKENDS)
def built(request, tmp_path):
    """A fresh index per test, for the tests that write."""
    return _build(request.param, tmp_path)


def _first(index, query, **kwargs):
    hits = index.search(query, 3, **kwargs)
    assert hits, query
    return hits[0]


def test_search_accented_and_folded_finds_the_passage(shared):
    index = tracuu.open_index(shared[0])
    for query, words in [("đột phá quan trọng hàng đầu", "đột phá quan trọng hàng đầu"),
                         ("tuoi tho trung binh", "Tuổi thọ trung bình"),
                         ("Số hoá hồ sơ thủ tục hành chính", "Số hoá hồ sơ"),
                         ("so hoa ho so thu tuc hanh chinh", "Số hoá hồ sơ")]:
        for mode in ("hybrid", "lexical", "dense"):
            if mode == "dense" and query == "tuoi tho trung binh":
                continue
            assert words in _first(index, query, mode=mode).passage.text, (query, mode)


def test_explain_citations_and_sentences(shared):
    index = tracuu.open_index(shared[0])
    hit = _first(index, "đào tạo cán bộ về kỹ năng số", explain=True)
    why = hit.explanation
    assert why.lexical_rank == 1 and why.dense_rank is not None and why.fused_score == hit.score
    assert hit.citation.document_id == "ctr03.txt" and "03-CTr/TU" in hit.citation.text
    assert set(hit.to_dict()) >= {"rank", "score", "text", "document", "citation", "explain"}
    text = index.document_text("ctr03.txt")
    assert text[hit.passage.char_start:hit.passage.char_end] == hit.passage.text
    sentences = index.sentences(hit.passage)
    assert sentences and all(s.text == text[s.char_start:s.char_end] for s in sentences)
    around = index.neighbours(hit.passage.id, 1, 1)
    assert hit.passage in around and all(p.document_id == "ctr03.txt" for p in around)
    assert index.passage(hit.passage.id) == hit.passage
    with pytest.raises(PassageNotFoundError):
        index.passage("0000000000000000")


@pytest.mark.parametrize("documents, filters, allowed", [
    (["ctr03.txt"], None, {"ctr03.txt"}),
    (None, {"doc_type": "nq"}, {"nq57.txt", "nghi-quyet-mau.txt"}),
    (None, {"date_from": "2022-01-01"}, {"nq57.txt"}),
    (None, {"date_to": "2021-03"}, {"ctr03.txt"}),
    (None, {"date_from": "2021-01-01", "date_to": "2024-12-22"}, {"nq57.txt", "ctr03.txt"}),
    ([], None, set()),
])
def test_filters(shared, documents, filters, allowed):
    index = tracuu.open_index(shared[0])
    for mode in ("hybrid", "lexical", "dense"):
        hits = index.search("chuyển đổi số chính quyền số", 10, mode=mode, documents=documents, filters=filters)
        found = {h.document.id for h in hits}
        assert found <= allowed and (found or not allowed), (mode, found)
    assert {d.id for d in index.documents(filters)} >= (allowed if filters else set())


def test_add_replace_remove(built):
    uri, docs = built
    index = tracuu.open_index(uri)
    (docs / "moi.txt").write_text("Phát triển kinh tế biển xanh bền vững.\n", encoding="utf-8")
    report = index.add([docs / "moi.txt"])
    assert report.added == ("moi.txt",) and report.documents == len(ALL) + 1
    assert _first(index, "kinh te bien xanh").document.id == "moi.txt"
    (docs / "ctr03.txt").write_text(OFFICIAL["ctr03.txt"].replace("đô thị thông minh", "kinh tế tuần hoàn"),
                                    encoding="utf-8")
    report = index.add([docs / "ctr03.txt"])
    assert report.replaced == ("ctr03.txt",) and report.encoded >= 1
    assert "kinh tế tuần hoàn" in _first(index, "kinh tế tuần hoàn").passage.text
    assert all("đô thị thông minh" not in h.passage.text for h in index.search("đô thị thông minh", 10))
    again = index.add([docs / "ctr03.txt"])
    assert again.unchanged == ("ctr03.txt",) and again.encoded == 0
    report = index.remove(["moi.txt"])
    assert report.removed == ("moi.txt",) and report.documents == len(ALL)
    with pytest.raises(DocumentNotFoundError):
        index.document("moi.txt")
    assert all(h.document.id != "moi.txt" for h in index.search("kinh te bien xanh", 10))
    reopened = tracuu.open_index(uri)
    assert [d.id for d in reopened.documents()] == [d.id for d in index.documents()]
    assert reopened.info()["passages"] == index.info()["passages"]


def test_reload_sees_another_writer(built):
    uri, docs = built
    reader, writer = tracuu.open_index(uri), tracuu.open_index(uri)
    writer.remove(["bai-bao.md"])
    reader.reload()
    assert "bai-bao.md" not in {d.id for d in reader.documents()}


def test_info_ask_and_quotes(shared):
    index = tracuu.open_index(shared[0])
    info = index.info()
    assert (info["documents"], info["encoder"]["name"]) == (len(ALL), "hashing")
    assert {d["id"] for d in info["document_list"]} == set(ALL) and info["generation"]
    answer = index.ask("Tuổi thọ trung bình đạt bao nhiêu?")
    assert answer.answer and "74,5" in answer.answer and answer.citations
    for c in answer.citations:
        assert c.text == index.document_text(c.document.id)[c.citation.char_start:c.citation.char_end] or \
            c.text in index.document_text(c.document.id)
        assert c.text in answer.answer
    quotes = index.quotes("chuyển đổi số", 3)
    assert quotes and all(q.text in index.document_text(q.document.id) for q in quotes)
    assert index.idf("zzzz") > index.idf("so") > 0


@pytest.mark.milvus
@needs_milvus
@pytest.mark.filterwarnings("ignore:pkg_resources is deprecated")
def test_both_backends_rank_and_cite_alike(tmp_path):
    docs = write_docs(tmp_path / "docs", ALL)
    indexes = []
    for kind in ("embedded", "lite"):
        tracuu.build([docs], location(kind, tmp_path), encoder="hashing")
        indexes.append(tracuu.open_index(location(kind, tmp_path)))
    embedded, lite = indexes
    assert embedded.documents() == lite.documents()
    for query in ["đột phá chuyển đổi số", "tu hoc, tu nghien cuu", "chinh quyen so", "an ninh mạng", "BCĐ"]:
        want, got = embedded.search(query, 5, explain=True), lite.search(query, 5, explain=True)
        assert [h.passage.id for h in got][:1] == [h.passage.id for h in want][:1], query
        assert [h.citation for h in got][:1] == [h.citation for h in want][:1], query
    assert embedded.plan("chinh quyen so").restored == lite.plan("chinh quyen so").restored
    assert lite.idf("so") == pytest.approx(embedded.idf("so"))


@pytest.mark.milvus
@needs_milvus
@pytest.mark.filterwarnings("ignore:pkg_resources is deprecated")
def test_cli_takes_a_milvus_address(tmp_path, capsys):
    import json

    docs = write_docs(tmp_path / "docs", ALL)
    uri = str(tmp_path / "cli.db") + "/party"
    assert main(["build", str(docs), "--index", uri, "--encoder", "hashing"]) == 0
    capsys.readouterr()
    assert main(["search", "ty le lao dong qua dao tao", "--index", uri, "-k", "2", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    assert "70%" in hit["text"] and hit["document"]["id"] == "nghi-quyet-mau.txt"
    assert main(["info", "--index", uri]) == 0
    assert "4 văn bản" in capsys.readouterr().out
    assert main(["remove", "bai-bao.md", "--index", uri]) == 0
    capsys.readouterr()
    assert main(["documents", "--index", uri, "--json"]) == 0
    assert "bai-bao.md" not in capsys.readouterr().out


@pytest.mark.milvus
@needs_milvus
@pytest.mark.filterwarnings("ignore:pkg_resources is deprecated")
def test_a_milvus_server_address(tmp_path):
    with milvus_lite_server(tmp_path) as address:
        docs = write_docs(tmp_path / "docs", ALL)
        uri = f"milvus://{address}/party"
        assert tracuu.build([docs], uri, encoder="hashing").documents == len(ALL)
        index = tracuu.open_index(uri)
        assert "Số hoá hồ sơ" in _first(index, "so hoa ho so thu tuc hanh chinh").passage.text
        assert index.info()["backend"] == "milvus" and index.info()["index"] == uri
        index.remove(["ctr03.txt"])
        assert all(h.document.id != "ctr03.txt" for h in index.search("chinh quyen so", 10))


@pytest.mark.milvus
def test_api_upload_and_delete_on_a_milvus_lite_index(tmp_path, docs_dir, monkeypatch):
    pytest.importorskip("milvus_lite")
    from fastapi.testclient import TestClient
    from tracuu_api.app import create_app

    uri = str(tmp_path / "idx.db")
    tracuu.build([docs_dir], uri, encoder="hashing")
    monkeypatch.setenv("TRACUU_UPLOADS_DIR", str(tmp_path / "uploads"))
    client = TestClient(create_app(uri, token="bi-mat"))
    auth = {"Authorization": "Bearer bi-mat"}
    files = {"file": ("ke-hoach.txt", "Kế hoạch phát triển điện toán đám mây quốc gia.".encode(), "text/plain")}
    assert client.post("/documents", files=files, headers=auth).status_code == 201
    hits = client.get("/search", params={"q": "dien toan dam may", "k": 1}).json()["hits"]
    assert hits[0]["document"]["id"] == "ke-hoach.txt"
    assert (tmp_path / "uploads" / "ke-hoach.txt").is_file()
    assert client.delete("/documents/ke-hoach.txt", headers=auth).status_code == 200
    assert all(h["document"]["id"] != "ke-hoach.txt"
               for h in client.get("/search", params={"q": "dien toan dam may"}).json()["hits"])
