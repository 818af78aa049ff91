"""The encoder reads each passage under its heading (document title + innermost sections); BM25 reads the words."""
from __future__ import annotations

import json

import pytest

import tracuu
from tracuu.retrieval.encoders import HashingEncoder
from tracuu.ingest.passage_text import TEXT_ONLY, WITH_HEADING, dense_text, heading, index_text, recipe
from tracuu.results import Passage

from test_backends import BACKENDS, location

ARTICLES = [
    {"_id": "Luật Trọng tài thương mại 2010|18", "law_id": "Luật Trọng tài thương mại 2010", "article_id": "18",
     "title": "Thoả thuận trọng tài vô hiệu",
     "text": "Thoả thuận trọng tài vô hiệu\n\n1. Tranh chấp phát sinh trong các lĩnh vực không thuộc thẩm quyền.\n\n"
             "2. Người xác lập không có năng lực hành vi dân sự theo quy định của Bộ luật dân sự."},
    {"_id": "Luật Trọng tài thương mại 2010|21", "law_id": "Luật Trọng tài thương mại 2010", "article_id": "21",
     "title": "Quyền, nghĩa vụ của Trọng tài viên",
     "text": "Quyền, nghĩa vụ của Trọng tài viên\n\n1. Chấp nhận hoặc từ chối giải quyết tranh chấp.\n\n"
             "2. Độc lập trong việc giải quyết tranh chấp."},
]


def passage(text: str, section: tuple[str, ...] = (), context: str = "") -> Passage:
    return Passage("p", "d", 0, text, section, context, 0, len(text))


class WordEncoder(HashingEncoder):
    """The tests' bag-of-words encoder, made to read headings and to keep what it was given."""

    reads_headings = True

    def __init__(self, max_tokens: int = 256) -> None:
        super().__init__(64)
        self.max_tokens = max_tokens
        self.seen: list[str] = []

    def encode_passages(self, texts):
        self.seen.extend(texts)
        return super().encode_passages(texts)

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def test_heading_is_the_title_and_the_two_innermost_sections():
    p = passage("- Có chương trình tuyên truyền, giáo dục hiệu quả.",
                ("Nghị quyết số 57-NQ/TW", "III- NHIỆM VỤ, GIẢI PHÁP", "1. Nâng cao nhận thức, đột phá về đổi mới tư…"))
    assert heading(p, "Nghị quyết số 57-NQ/TW") == (
        "Nghị quyết số 57-NQ/TW | III- NHIỆM VỤ, GIẢI PHÁP | 1. Nâng cao nhận thức, đột phá về đổi mới tư")
    long_title = " ".join(["Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ ban hành Chương trình hành động"] * 3)
    assert heading(passage("x"), long_title).split() == long_title.split()[:24]
    assert heading(passage("x"), "  ") == ""
    assert heading(passage("x", ("1. Mục tiêu",)), "d") == "1. Mục tiêu"  # "d" is the file's own name: no title


def test_a_passage_that_opens_with_its_title_or_label_does_not_repeat_it():
    clause = passage("1. Chấp nhận hoặc từ chối giải quyết tranh chấp.",
                     ("1. Chấp nhận hoặc từ chối giải quyết tranh chấp.",))
    assert heading(clause, "Quyền, nghĩa vụ của Trọng tài viên") == "Quyền, nghĩa vụ của Trọng tài viên"
    opening = passage("Thoả thuận trọng tài vô hiệu\n\n1. Tranh chấp phát sinh…", ())
    assert heading(opening, "Thoả thuận trọng tài vô hiệu") == ""
    point = passage("b) Giấy tờ, tài liệu chứng minh việc sở hữu chỗ ở hợp pháp.",
                    ("1. Hồ sơ đăng ký thường trú đối với người quy…",))
    assert heading(point, "Hồ sơ đăng ký thường trú") == (
        "Hồ sơ đăng ký thường trú | 1. Hồ sơ đăng ký thường trú đối với người quy")


def test_bm25_reads_the_words_and_the_table_header_only():
    row = passage("1. | Tỉ lệ dân số trưởng thành có kỹ năng số cơ bản | 80%", ("Phụ lục I",), "TT | Chỉ tiêu | Mức")
    assert index_text(row) == "TT | Chỉ tiêu | Mức\n1. | Tỉ lệ dân số trưởng thành có kỹ năng số cơ bản | 80%"
    assert dense_text(row, "Danh mục các chỉ tiêu", WordEncoder()) == \
        f"Danh mục các chỉ tiêu | Phụ lục I\n{index_text(row)}"


def test_a_long_passage_keeps_every_word_and_sheds_its_heading_from_the_outside():
    text = " ".join(["chuyển đổi số"] * 25)  # 75 words
    p = passage(text, ("II- NHIỆM VỤ", "2. Hoàn thiện thể chế"))
    title = "Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học"  # 11 words: 21 with the labels and bars
    # budget = max_tokens - 16 (prefix and special tokens)
    assert dense_text(p, title, WordEncoder(16 + 75 + 21)).startswith(title)
    assert dense_text(p, title, WordEncoder(16 + 75 + 20)) == "II- NHIỆM VỤ | 2. Hoàn thiện thể chế\n" + text
    assert dense_text(p, title, WordEncoder(16 + 75 + 9)) == "II- NHIỆM VỤ | 2. Hoàn thiện thể chế\n" + text
    assert dense_text(p, title, WordEncoder(16 + 75 + 5)) == "2. Hoàn thiện thể chế\n" + text
    assert dense_text(p, title, WordEncoder(16 + 75)) == text


def test_the_tests_bag_of_words_encoder_reads_no_headings():
    assert recipe(HashingEncoder()) == TEXT_ONLY and recipe(WordEncoder()) == WITH_HEADING
    assert dense_text(passage("Xây dựng chính quyền số.", ("1. Mục tiêu",)), "Chương trình", HashingEncoder()) == \
        "Xây dựng chính quyền số."


def write_articles(folder, articles=ARTICLES):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "luat.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


def test_a_clause_is_found_by_its_article_title(tmp_path):
    # "từ chối giải quyết tranh chấp" is in article 21's clause; "Trọng tài viên" only in its title.
    encoder = WordEncoder()
    tracuu.build([write_articles(tmp_path / "docs")], tmp_path / "idx", encoder=encoder)
    assert "Quyền, nghĩa vụ của Trọng tài viên\n1. Chấp nhận hoặc từ chối giải quyết tranh chấp." in encoder.seen
    assert "Thoả thuận trọng tài vô hiệu" in encoder.seen  # the article's opening line: its title, said once
    index = tracuu.open_index(tmp_path / "idx", encoder=encoder)
    assert index.manifest.encoder["passage_text"] == WITH_HEADING
    top = index.search("quyền của trọng tài viên", k=1, mode="dense")[0]
    assert top.document.id == "Luật Trọng tài thương mại 2010|21"


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_new_title_re_encodes_its_passages_and_nothing_else(tmp_path, kind):
    docs, uri = tmp_path / "docs", location(kind, tmp_path)
    first = WordEncoder()
    report = tracuu.build([write_articles(docs)], uri, encoder=first)
    assert report.encoded == report.passages == len(first.seen)

    again = WordEncoder()
    assert tracuu.build([write_articles(docs)], uri, encoder=again).encoded == 0

    renamed = [ARTICLES[0], {**ARTICLES[1], "title": "Quyền của Trọng tài viên"}]
    changed = WordEncoder()
    tracuu.build([write_articles(docs, renamed)], uri, encoder=changed)
    assert changed.seen and all(t.startswith("Quyền của Trọng tài viên") for t in changed.seen)


def test_vectors_made_without_headings_are_encoded_again(tmp_path):
    docs = write_articles(tmp_path / "docs")
    plain = HashingEncoder(64)
    tracuu.build([docs], tmp_path / "idx", encoder=plain)
    assert tracuu.open_index(tmp_path / "idx", encoder=plain).manifest.encoder["passage_text"] == TEXT_ONLY
    headed = WordEncoder()  # same name and size: only the recipe differs
    report = tracuu.build([docs], tmp_path / "idx", encoder=headed)
    assert report.encoded == report.passages
    assert tracuu.open_index(tmp_path / "idx", encoder=headed).manifest.encoder["passage_text"] == WITH_HEADING
