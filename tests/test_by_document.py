"""Which documents say X: `Index.search_by_document`, `tracuu search --by-document` and GET /search/documents."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import tracuu
from tracuu.cli import main
from tracuu.results import DocumentHits

DOCS = {
    "nq57.txt": ("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 57-NQ/TW\nHà Nội, ngày 22 tháng 12 năm 2024\n\nNGHỊ QUYẾT\n\n"
                 "I- MỤC TIÊU\n\n1. Đến năm 2030\n\nTiềm lực khoa học, công nghệ đạt mức tiên tiến.\n\n"
                 "2. Tầm nhìn đến năm 2045\n\nĐến năm 2045, Việt Nam trở thành nước phát triển, thu nhập cao.\n\n"
                 "II- NHIỆM VỤ\n\n1. Thể chế\n\nHoàn thiện thể chế để đến năm 2045 khoa học, công nghệ phát triển "
                 "vững chắc.\n\n2. Hạ tầng\n\nĐầu tư hạ tầng số hiện đại, bảo đảm an ninh mạng.\n"),
    "bai-bao.md": ("# Hội nghị quán triệt Nghị quyết 57\n\nSáng 22/4, Thành ủy Hà Nội tổ chức hội nghị. Bí thư nhấn "
                   "mạnh mục tiêu đến năm 2045 trở thành nước phát triển.\n"),
    "ctr03.txt": ("THÀNH ỦY HÀ NỘI\nSố 03-CTr/TU\nHà Nội, ngày 5 tháng 3 năm 2021\n\nCHƯƠNG TRÌNH\n\n"
                  "1. Mục tiêu\n\nXây dựng chính quyền số, đô thị thông minh đến năm 2030.\n"),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> tracuu.Index:
    docs = tmp_path_factory.mktemp("docs")
    for name, text in DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    root = tmp_path_factory.mktemp("idx") / "idx"
    tracuu.build([docs], root, encoder="hashing")
    return tracuu.open_index(root)


def test_documents_with_their_counts_and_best_passages(index):
    groups = index.search_by_document("năm 2045", 10, per_document=2)
    assert all(isinstance(g, DocumentHits) for g in groups)
    by_id = {g.document.id: g for g in groups}
    # Two passages of NQ 57 and one of the article hold "năm" and "2045"; the programme holds only "năm".
    assert by_id["nq57.txt"].count == 2 and by_id["bai-bao.md"].count == 1
    assert by_id.get("ctr03.txt") is None or by_id["ctr03.txt"].count == 0
    assert [g.rank for g in groups] == list(range(1, len(groups) + 1))
    assert groups[0].document.id == "nq57.txt" and len(groups[0].best) == 2
    assert all("2045" in h.passage.text for h in groups[0].best)
    assert groups[0].related >= groups[0].count and groups[0].score == groups[0].best[0].score
    d = groups[0].to_dict()
    assert d["count"] == 2 and d["document"]["id"] == "nq57.txt" and d["best"][0]["citation"]["text"]
    # Typed without diacritics, the same documents say it.
    folded = {g.document.id: g.count for g in index.search_by_document("nam 2045", 10)}
    assert folded["nq57.txt"] == 2 and folded["bai-bao.md"] == 1
    assert len(index.search_by_document("năm 2045", 1)) == 1
    # Documents that say it come before those related by meaning only, whatever their best hit's rank.
    counts = [g.count for g in index.search_by_document("chính quyền số năm 2045", 10)]
    assert counts == sorted(counts, key=lambda c: c == 0)


def test_cli_and_api(index, capsys):
    assert main(["search", "năm 2045", "--by-document", "--index", str(index.path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[1] Nghị quyết số 57-NQ/TW") and "2 đoạn có đủ các từ “năm 2045”" in out
    assert main(["search", "năm 2045", "--by-document", "--json", "-k", "2", "--index", str(index.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["document"]["id"] for g in data["documents"]][0] == "nq57.txt" and len(data["documents"]) <= 2
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from tracuu_api.app import create_app

    client = TestClient(create_app(Path(index.path), token="bi-mat"))
    got = client.get("/search/documents", params={"q": "năm 2045", "k": 10, "per_document": 1}).json()
    assert got["documents"][0]["document"]["id"] == "nq57.txt" and got["documents"][0]["count"] == 2
    assert all(len(g["best"]) == 1 for g in got["documents"])
    assert client.get("/search/documents", params={"q": "", "k": 10}).status_code == 422


def test_shared_corpus_which_texts_mention_2045(shared_index):
    groups = shared_index.search_by_document("2045", 20)
    # The transcriber's commentary says it four times, yet comes after every official text that says it.
    saying = [g for g in groups if g.count]
    assert not saying[-1].document.official and all(g.document.official for g in saying[:-1])
    counted = {g.document.id: g.count for g in groups}
    for doc in shared_index.documents():
        truth = sum("2045" in p.text for p in shared_index._backend.passages_of(doc.id))
        if truth:  # every document that mentions 2045 is listed, with every such passage counted
            assert counted.get(doc.id) == truth, doc.id
        else:
            assert counted.get(doc.id, 0) == 0, doc.id
