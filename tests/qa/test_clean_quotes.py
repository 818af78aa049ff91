"""Quotes from a Markdown source: the exact span for the offsets, and the words without markup to show and paste."""
from __future__ import annotations

import pytest

import tracuu

from helpers import write_docs

NQ_MD = (
    "# Nghị quyết về khoa học, công nghệ\n\n"
    "**II- NHIỆM VỤ, GIẢI PHÁP**\n\n"
    "**1\\.** Thành lập Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi "
    "số, do đồng chí Tổng Bí thư Ban Chấp hành Trung ương Đảng làm Trưởng Ban.\n\n"
    "**2\\.** Thành lập Hội đồng Tư vấn quốc gia **về** phát triển khoa học, công nghệ với sự tham gia của các "
    "chuyên gia trong và ngoài nước, bảo đảm tính độc lập và khách quan.\n\n"
    "**3\\.** *Ban Tuyên giáo Trung ương* chủ trì hướng dẫn việc quán triệt, tuyên truyền sâu rộng các nội dung "
    "của Nghị quyết trong toàn Đảng, toàn dân và toàn quân.\n"
)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> tracuu.Index:
    tmp = tmp_path_factory.mktemp("clean")
    tracuu.build([write_docs(tmp / "docs", {"nq-mau.md": NQ_MD})], tmp / "idx", encoder="hashing")
    return tracuu.open_index(tmp / "idx")


def _no_markup(text: str) -> bool:
    return "**" not in text and "\\" not in text and "*Ban" not in text


def test_ask_shows_the_words_and_keeps_the_exact_span(index):
    answer = index.ask("Ban Chỉ đạo Trung ương do ai làm Trưởng Ban")
    assert answer.answer is not None and answer.citations
    source = index.document_text("nq-mau.md")
    first = answer.citations[0]
    assert first.text == source[first.char_start:first.char_end]  # the offsets still slice the source
    assert "1\\.**" in first.text  # which holds the markup …
    assert first.clean.startswith("1. Thành lập Ban Chỉ đạo Trung ương")  # … that the shown words do not
    assert first.clean.endswith("làm Trưởng Ban.")
    assert _no_markup(answer.answer) and all(_no_markup(c.clean) for c in answer.citations)
    assert first.to_dict()["clean"] == first.clean and first.to_dict()["quote"] == first.text


def test_quotes_paste_without_markup(index):
    quotes = index.quotes("Hội đồng Tư vấn quốc gia về phát triển khoa học", k=3)
    council = next(q for q in quotes if "Hội đồng Tư vấn" in q.text)
    assert "**về**" in council.text
    assert "Hội đồng Tư vấn quốc gia về phát triển khoa học" in council.clean
    assert all(_no_markup(q.shown) for q in quotes)


def test_clean_text_of_a_whole_passage_is_the_passage(index):
    for hit in index.search("Ban Tuyên giáo Trung ương quán triệt nghị quyết", k=10):
        p = hit.passage
        assert index.clean_text(p, p.char_start, p.char_end) == p.text.strip()
        assert index.clean_text(p, p.char_end, p.char_end) == ""


def test_a_span_that_cuts_through_markup_reads_the_whole_characters_inside_it(index):
    source = index.document_text("nq-mau.md")
    at = source.index("**về** phát triển")
    (hit,) = [h for h in index.search("Hội đồng Tư vấn quốc gia", k=5) if "Hội đồng Tư vấn" in h.passage.text]
    # From the second "*" of the opening "**" to just after "phát": the markup's other half is simply left out.
    assert index.clean_text(hit.passage, at + 1, at + len("**về** phát")) == "về phát"
    assert index.clean_text(hit.passage, at, at + len("**về**")) == "về"
