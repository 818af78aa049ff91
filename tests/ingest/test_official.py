"""Commentary and a web page's introduction: marked at ingest, stored, labelled, left out of ask and quotes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import tracuu
from tracuu.citation import cite
from tracuu.cli import main
from tracuu.ingest.furniture import introduction_end, passage_kinds
from tracuu.ingest.splitter import PassageSpan
from tracuu.results import DocumentInfo, Passage

# A web copy of NQ 57 (the page's own introduction above the body) and the transcriber's commentary after the
# signature block, in one file, as in the shared corpus's nq57_kl69_nq20-2012_bangoc.md.
WEB_NQ = ("# Nghị quyết số 57-NQ/TW\n\n"
          "**Thay mặt Bộ Chính trị, Tổng Bí thư Tô Lâm đã ký ban hành Nghị quyết số 57-NQ/TW (ngày 22/12/2024) "
          "của Bộ Chính trị về đột phá phát triển khoa học, công nghệ.**\n\n"
          "*Trân trọng giới thiệu toàn văn Nghị quyết số 57-NQ/TW:*\n\n"
          "Phát triển khoa học, công nghệ là yếu tố quyết định phát triển của các quốc gia.\n\n"
          "**II- MỤC TIÊU**\n\n"
          "Đến năm 2045, khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số phát triển vững chắc, góp phần "
          "đưa Việt Nam trở thành nước phát triển, thu nhập cao.\n\n"
          "Nghị quyết này phổ biến đến chi bộ.\n\n"
          "| | T/M BỘ CHÍNH TRỊ *(Đã ký)* Tô Lâm |\n\n")
COMMENTARY = ("# So sánh Nghị quyết 57 với Nghị quyết 20\n\n"
              "**1\\. Tầm nhìn đến năm 2045**\n\n"
              "Theo người biên soạn, tầm nhìn đến năm 2045 của Nghị quyết 57 là đưa Việt Nam trở thành nước phát "
              "triển, thu nhập cao nhờ khoa học và công nghệ.\n")
LABEL = "Bình luận của người biên soạn, không phải văn bản chính thức"
QUESTION = "tầm nhìn đến năm 2045 của Nghị quyết 57"
THEME = "khoa học, công nghệ đến năm 2045"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> tracuu.Index:
    docs = tmp_path_factory.mktemp("docs")
    (docs / "tuyen-tap.md").write_text(WEB_NQ + COMMENTARY, encoding="utf-8")
    root = tmp_path_factory.mktemp("idx") / "idx"
    tracuu.build([docs], root, encoder="hashing")
    return tracuu.open_index(root)


def _passages(index: tracuu.Index, document_id: str) -> list[Passage]:
    return index.neighbours(index._backend.passages_of(document_id)[0].id, 0, 1000)


def test_introduction_ends_where_the_body_begins():
    text = ("Nghị quyết số 57-NQ/TW\n\nThay mặt Bộ Chính trị, Tổng Bí thư Tô Lâm đã ký ban hành Nghị quyết.\n\n"
            "Trân trọng giới thiệu toàn văn Nghị quyết số 57-NQ/TW:\n\nPhát triển khoa học là đột phá.\n")
    end = introduction_end(text)
    assert text[:end].endswith("Nghị quyết số 57-NQ/TW:") and text[end:].strip().startswith("Phát triển")
    # A plan that recalls the resolution in its body ("đã ban hành") has no introduction.
    assert introduction_end("KẾ HOẠCH\n\nNgày 22/12/2024, Bộ Chính trị đã ban hành Nghị quyết số 57-NQ/TW.\n") == 0
    # A passage across the boundary is cut there: the page's words never share a passage with the document's.
    kinds = passage_kinds(text, [PassageSpan(0, len(text), ("Nghị quyết số 57-NQ/TW",))], {"kind": "official"})
    assert [k for _, k in kinds] == ["page", "body"]
    assert text[kinds[1][0].start:kinds[1][0].end] == "Phát triển khoa học là đột phá."
    commentary = {"kind": "commentary", "official": False}  # split off after a signature block (multidoc.py)
    assert [k for _, k in passage_kinds(text, [PassageSpan(0, 5, ())], commentary)] == ["commentary"]
    assert [k for _, k in passage_kinds(text, [PassageSpan(0, 5, ())], {"kind": "news"})] == ["body"]
    # A text with no marks at all is not known to be commentary: nothing is marked.
    assert [k for _, k in passage_kinds(text, [PassageSpan(0, 5, ())], {"kind": "commentary"})] == ["body"]


def test_kinds_are_stored_and_offsets_still_hold(index):
    web, notes = (f"tuyen-tap.md#{n}" for n in (1, 2))
    assert not index.document(notes).official and index.document(web).official
    page = [p for p in _passages(index, web) if p.kind == "page"]
    assert page and all(not p.official for p in page)
    assert any("Thay mặt Bộ Chính trị" in p.text for p in page)
    assert not any("Phát triển khoa học, công nghệ là yếu tố" in p.text for p in page)
    assert all(p.kind == "commentary" for p in _passages(index, notes))
    for p in _passages(index, web):
        assert index.passage(p.id).kind == p.kind  # read back from the store
        source = index.document_text(web)[p.char_start:p.char_end]
        assert p.text.split()[0] in source and p.text.split()[-1].strip("*") in source


def test_citations_say_what_the_text_is():
    doc = DocumentInfo("tuyen-tap.md#2", "/data/tuyen-tap.md", "So sánh Nghị quyết 57 với Nghị quyết 20", "md", "h",
                       metadata={"kind": "commentary", "official": False,
                                 "title": "So sánh Nghị quyết 57 với Nghị quyết 20"})
    p = Passage("p1", doc.id, 0, "Theo người biên soạn…", ("1. Tầm nhìn",), "", 10, 40, kind="commentary")
    c = cite(doc, p)
    assert c.text == "Bình luận của người biên soạn (kèm tệp tuyen-tap.md), mục 1"
    assert not c.official and c.to_dict()["note"] == LABEL
    official = DocumentInfo("tuyen-tap.md#1", "/data/tuyen-tap.md", "Nghị quyết số 57-NQ/TW", "md", "h",
                            metadata={"kind": "official", "number": "57-NQ/TW", "doc_type_name": "Nghị quyết",
                                      "date": "2024-12-22", "issuer": "Bộ Chính trị"})
    intro = cite(official, Passage("p2", official.id, 0, "Thay mặt…", ("Nghị quyết số 57-NQ/TW",), "", 0, 9,
                                   kind="page"))
    assert "57-NQ/TW" not in intro.text and intro.text.startswith("Lời giới thiệu của trang đăng tải")
    body = cite(official, Passage("p3", official.id, 1, "Đến năm 2045…", ("II- MỤC TIÊU",), "", 9, 30))
    assert body.text == "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, mục II" and body.official


def test_ask_and_quotes_leave_commentary_out_unless_asked(index):
    answer = index.ask(QUESTION)
    assert answer.citations and all(q.citation.official and q.document.official for q in answer.citations)
    assert not any("Theo người biên soạn" in q.text for q in answer.citations)
    # Quotes carry their theme: the resolution's own sentences say "khoa học, công nghệ … 2045", not "tầm nhìn".
    assert index.quotes(QUESTION, 5) == []
    found = index.quotes(THEME, 5)
    assert found and all(q.citation.official for q in found)
    assert not any("Thay mặt Bộ Chính trị" in q.text for q in found)

    included = index.ask(QUESTION, include_commentary=True)
    notes = [q for q in included.citations if not q.citation.official]
    assert notes and all(q.citation.text.startswith("Bình luận của người biên soạn (kèm tệp tuyen-tap.md)")
                         for q in notes)
    d = notes[0].to_dict()
    assert d["official"] is False and d["note"] == LABEL and "57-NQ/TW" not in d["citation"]
    quoted = index.quotes(THEME, 5, include_commentary=True)
    assert any(not q.citation.official and q.to_dict()["note"] == LABEL for q in quoted)


def test_search_keeps_them_and_labels_them(index):
    hits = index.search("Tổng Bí thư Tô Lâm đã ký ban hành", 10)
    page = [h for h in hits if h.passage.kind == "page"]
    assert page and page[0].to_dict()["official"] is False
    assert page[0].to_dict()["note"].startswith("Lời giới thiệu của trang đăng tải")
    assert all(h.passage.official for h in index.search("Tổng Bí thư Tô Lâm đã ký ban hành", 10,
                                                        official_only=True))


def test_cli_flag_includes_and_labels_commentary(index, capsys):
    assert main(["ask", QUESTION, "--index", str(index.path)]) == 0
    assert LABEL not in capsys.readouterr().out
    assert main(["ask", QUESTION, "--index", str(index.path), "--include-commentary"]) == 0
    out = capsys.readouterr().out
    assert f"[{LABEL}]" in out and "Bình luận của người biên soạn (kèm tệp tuyen-tap.md)" in out
    assert main(["quotes", QUESTION, "--index", str(index.path), "--include-commentary", "--json"]) == 0
    quotes = json.loads(capsys.readouterr().out)["quotes"]
    assert any(q["official"] is False and q["note"] == LABEL for q in quotes)


def test_api_passes_the_option_through(index):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from tracuu_api.app import create_app

    client = TestClient(create_app(Path(index.path), token="bi-mat"))
    plain = client.post("/ask", json={"question": QUESTION}).json()
    assert all(c["official"] for c in plain["citations"])
    mixed = client.post("/ask", json={"question": QUESTION, "include_commentary": True}).json()
    assert any(c["official"] is False and c["note"] == LABEL for c in mixed["citations"])
    quotes = client.get("/quotes", params={"topic": QUESTION, "include_commentary": "true"}).json()["quotes"]
    assert any(q["official"] is False for q in quotes)


def test_shared_corpus_2045_cites_no_commentary(shared_index):
    notes = "nq57_kl69_nq20-2012_bangoc.md#4"
    assert not shared_index.document(notes).official
    intro = [h for h in shared_index.search("Thay mặt Bộ Chính trị, Tổng Bí thư Tô Lâm đã ký ban hành", 5)
             if "Thay mặt Bộ Chính trị" in h.passage.text]
    assert intro and intro[0].passage.kind == "page" and "57-NQ/TW" not in intro[0].citation.text
    for question in ("năm 2045", "vai trò của khoa học công nghệ"):
        cited = list(shared_index.ask(question).citations) + shared_index.quotes(question, 5)
        assert cited and all(q.document.id != notes and q.citation.official for q in cited), question
