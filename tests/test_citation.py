"""Ready-to-paste citation lines: official, news and fallback forms; section numbers from section labels."""
from __future__ import annotations

import pytest

from tracuu.citation import cite, clip, display_title, locator_of, type_name, vn_date
from tracuu.results import DocumentInfo, Passage, Sentence

NQ57 = {"number": "57-NQ/TW", "doc_type": "NQ", "doc_type_name": "Nghị quyết", "issuer": "Bộ Chính trị",
        "date": "2024-12-22", "kind": "official",
        "summary": "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"}


def doc(metadata=None, title="BAN CHẤP HÀNH TRUNG ƯƠNG", source="/data/nq57.md") -> DocumentInfo:
    return DocumentInfo("nq57.md", source, title, "md", "h", 3, metadata or {})


def passage(section=(), page=None) -> Passage:
    return Passage("p1", "nq57.md", 4, "Hoàn thiện thể chế.", tuple(section), "", 100, 140, page)


def test_official_form_with_section_numbers():
    c = cite(doc(NQ57), passage(("về đột phá phát triển khoa học…", "III- NHIỆM VỤ, GIẢI PHÁP",
                                 "2. Khẩn trương, quyết liệt hoàn thiện thể chế…")))
    assert c.text == "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, mục III.2"
    assert c.locator == "mục III.2" and c.section.endswith("hoàn thiện thể chế…")
    assert (c.char_start, c.char_end, c.document_id) == (100, 140, "nq57.md")


def test_state_number_gives_the_type_and_sentence_offsets_win():
    meta = {"number": "03/NQ-CP", "issuer": "Chính phủ", "date": "2025-01-09"}
    s = Sentence("p1", 0, "Hoàn thiện thể chế.", 120, 139)
    c = cite(doc(meta), passage(("II. NHIỆM VỤ CỤ THỂ", "1. Nâng cao nhận thức…", "a) Xây dựng…")), s)
    assert c.text == "Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ, mục II.1, điểm a"
    assert (c.char_start, c.char_end) == (120, 139)


def test_law_articles_and_clauses():
    assert locator_of(("Chương II", "Điều 5. Nguyên tắc", "2. Khoản hai", "a) điểm")) == "Điều 5, khoản 2, điểm a"
    assert locator_of(("Điều 12. Phạm vi",)) == "Điều 12"


@pytest.mark.parametrize("section, expected", [
    (("I- Tán thành những nội dung…", "2. Tầm nhìn và định hướng phát triển"), "mục I.2"),
    (("II. PHÂN CÔNG NHIỆM VỤ", "2. Lãnh đạo…", "2.1. Để thể chế hoá…"), "mục II.2.1"),
    (("II. PHÂN CÔNG NHIỆM VỤ", "2. Lãnh đạo…", "2.2. Tổ đảng…", "c) Tổ đảng ở Thường trực"), "mục II.2.2, điểm c"),
    (("Nghị quyết 20 - 2012", "B- ĐỊNH HƯỚNG PHÁT TRIỂN…", "III- NHIỆM VỤ VÀ GIẢI PHÁP", "2- Tiếp tục…",
      "2.1- Đổi mới mạnh mẽ…"), "phần B, mục III.2.1"),
    (("C- TỔ CHỨC THỰC HIỆN",), "phần C"),
    (("Phần thứ nhất", "I. Quan điểm"), "phần thứ nhất, mục I"),
    (("I Đến năm 2030",), "mục I"),
    (("ĐẢNG CỘNG SẢN VIỆT NAM", "BAN CHẤP HÀNH TRUNG ƯƠNG"), ""),
    ((), ""),
])
def test_locators(section, expected):
    assert locator_of(section) == expected


def test_news_form():
    meta = {"kind": "news", "publisher": "Báo điện tử Chính phủ", "date": "2021-04-22",
            "title": "Hà Nội học tập, quán triệt 10 chương trình công tác"}
    c = cite(doc(meta, title="(Chinhphu.vn) - Để 10 chương trình"), passage())
    assert c.text == "Báo điện tử Chính phủ, 22/4/2021, “Hà Nội học tập, quán triệt 10 chương trình công tác”"


def test_fallback_uses_title_or_file_name_section_and_page():
    assert cite(doc(), passage(("III- NHIỆM VỤ",), page=7)).text == "nq57.md, mục III, tr. 7"
    assert cite(doc(title="Nghị quyết Đại hội XIII"), passage()).text == "Nghị quyết Đại hội XIII"
    long = cite(doc(title="Đại hội đại biểu toàn quốc lần thứ XIII Đảng Cộng sản Việt Nam họp từ ngày 25/01/2021 "
                          "đến ngày 01/02/2021, tại Thủ đô Hà Nội, sau khi thảo luận"), passage()).text
    # A citation is never cut: the whole title, no "…"; only a UI cuts it, at a word.
    assert long.endswith("sau khi thảo luận") and "…" not in long
    ui = display_title(doc(title=long))
    assert ui.endswith("…") and len(ui) <= 91 and long.startswith(ui[:-1]) and long[len(ui) - 1] == " "


def test_an_annex_cites_its_parent():
    annex = {"kind": "official", "doc_type": "PL", "annex": "I", "issuer": "Chính phủ",
             "title": "Phụ lục I: Danh mục các chỉ tiêu cụ thể",
             "attached_to": "Chương trình hành động tại Nghị quyết số /NQ-CP ngày 01 tháng 01 năm 2025 của Chính phủ",
             "parent_citation": "Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ"}
    assert cite(doc(annex), passage(("I Đến năm 2030",))).text == \
        "Phụ lục I kèm theo Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ, mục I"
    alone = {k: v for k, v in annex.items() if k != "parent_citation"}  # parent not in the index
    assert cite(doc(alone), passage()).text == ("Phụ lục I kèm theo Chương trình hành động tại Nghị quyết số "
                                                "/NQ-CP ngày 01 tháng 01 năm 2025 của Chính phủ")


def test_a_news_lead_cut_for_display_is_left_out_of_the_citation():
    meta = {"kind": "news", "publisher": "Báo điện tử Chính phủ", "date": "2021-04-22", "author": "Gia Huy",
            "title": "Để 10 chương trình công tác của Thành ủy đi vào cuộc sống, Bí thư Thành ủy Hà Nội yêu cầu…"}
    assert cite(doc(meta), passage()).text == "Báo điện tử Chính phủ, 22/4/2021, bài của Gia Huy"


def test_partial_metadata():
    # A numbered document without date or issuer, and one with a title but no number (Đại hội resolutions).
    assert cite(doc({"number": "69-KL/TW"}), passage()).text == "Kết luận số 69-KL/TW"
    meta = {"title": "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", "date": "2021-02-01"}
    assert cite(doc(meta), passage()).text == \
        "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng ngày 01/02/2021"
    assert cite(doc({"number": "3260-KH/ĐĐQH15", "issuer": "Đảng đoàn Quốc hội"}), passage()).text == \
        "Kế hoạch số 3260-KH/ĐĐQH15 của Đảng đoàn Quốc hội"


def test_helpers():
    assert vn_date("2021-04-22", padded=False) == "22/4/2021" and vn_date("2025-01-09") == "09/01/2025"
    assert vn_date("tháng 4/2021") == "tháng 4/2021"
    assert type_name({"number": "155/2020/NĐ-CP"}) == "Nghị định"
    assert type_name({"doc_type": "QĐi"}) == "Quy định"
    assert clip("một hai ba", 5) == "một…"


ARTICLE_42 = {"kind": "official", "title": "Thay đổi Trọng tài viên", "law_id": "Luật Trọng tài thương mại 2010",
              "article_id": "42"}


def test_a_law_article_stated_by_its_jsonl_line_cites_as_law_article_clause_point():
    # One article per .jsonl line: its text numbers only clauses ("1.", "a)"), which are khoản and điểm, not mục.
    c = cite(doc(ARTICLE_42), passage(("1. Trọng tài viên phải từ chối giải quyết tranh chấp…",
                                       "a) Trọng tài viên là người thân thích…")))
    assert c.text == "Luật Trọng tài thương mại 2010, Điều 42, khoản 1, điểm a"
    assert c.locator == "Điều 42, khoản 1, điểm a"
    assert cite(doc(ARTICLE_42), passage()).text == "Luật Trọng tài thương mại 2010, Điều 42"
    # An article without its law's name keeps the title as the head.
    no_law = {k: v for k, v in ARTICLE_42.items() if k != "law_id"}
    assert cite(doc(no_law), passage(("2. Trường hợp…",))).text == "Thay đổi Trọng tài viên, Điều 42, khoản 2"
    assert locator_of(("1. Khoản một",), article="42") == "Điều 42, khoản 1"
