"""Cleaning keeps an exact offset map while it normalizes, strips markup and repairs PDF debris."""
from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

from tracuu.ingest.cleaning import clean
from tracuu.ingest.extracted import CleanedText, ExtractedDocument
from tracuu.ingest.readers import read_paths


def doc(text: str, fmt: str = "md", page_starts: tuple[int, ...] = ()) -> ExtractedDocument:
    return ExtractedDocument("k", "k", fmt, text, page_starts=page_starts)


def source_of(cleaned: CleanedText, source: str, needle: str) -> str:
    a = cleaned.text.index(needle)
    s, e = cleaned.source_span(a, a + len(needle))
    return source[s:e]


def assert_well_formed(cleaned: CleanedText, source: str) -> None:
    assert len(cleaned.offsets) == len(cleaned.text) + 1
    assert cleaned.offsets[-1] == len(source)
    assert "\r" not in cleaned.text
    assert cleaned.text == cleaned.text.strip()
    assert "\n\n\n" not in cleaned.text
    assert not re.search(r"[ \t]\n|\n[ \t]|  ", cleaned.text)
    assert unicodedata.is_normalized("NFC", cleaned.text)


# -- Unicode ---------------------------------------------------------------------------------------------


def test_nfd_becomes_nfc_and_spans_cover_whole_clusters():
    nfd = unicodedata.normalize("NFD", "Nghị quyết Đại hội XIII của Đảng về công nghiệp hoá")
    cleaned = clean(doc(nfd, "txt"))
    assert cleaned.text == unicodedata.normalize("NFC", nfd)
    assert len(cleaned.text) < len(nfd)
    assert_well_formed(cleaned, nfd)
    for word in ["Nghị", "quyết", "Đại", "hội", "của", "Đảng", "hoá"]:
        assert source_of(cleaned, nfd, word) == unicodedata.normalize("NFD", word)


def test_nfd_inside_markdown_bold():
    source = unicodedata.normalize("NFD", "**Việt Nam** một cộng đồng")
    cleaned = clean(doc(source))
    assert cleaned.text == "Việt Nam một cộng đồng"
    assert source_of(cleaned, source, "một") == unicodedata.normalize("NFD", "một")
    assert source_of(cleaned, source, "Việt Nam") == unicodedata.normalize("NFD", "Việt Nam")


def test_invisible_characters_and_carriage_returns():
    source = "Đảng\u00a0Cộng sản\u200b Việt Nam\r\nNghị quyết\rSố 57\ufeff"
    cleaned = clean(doc(source, "txt"))
    assert cleaned.text == "Đảng Cộng sản Việt Nam\nNghị quyết\nSố 57"


# -- Markdown --------------------------------------------------------------------------------------------


NQ57 = (
    "**BAN CHẤP HÀNH TRUNG ƯƠNG**   \n"
    "**ĐẢNG CỘNG SẢN VIỆT NAM** \n\n"
    "Số 57\\-NQ/TW   \n"
    "*Hà Nội*, *ngày 22 tháng 12 năm 2024* \n\n"
    "**về đột phá phát triển khoa học, công nghệ**, **đổi mới sáng tạo và chuyển** đổi **số quốc gia** \n\n"
    "**I- QUAN ĐIỂM CHỈ ĐẠO** \n\n"
    "**1\\.** Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia *là đột phá* quan "
    "trọng hàng đầu, hoàn thiện quan hệ sản xuất, đổi mới phương thức   \n   \n\n"
    "quản trị quốc gia, phát triển kinh tế \\- xã hội.\n\n"
    "**II- MỤC** TIÊU \n\n"
    "\\- Kinh phí chi cho nghiên cứu phát triển (R\\&D) đạt 2% GDP, trong đó kinh phí từ xã hội chiếm hơn 60%.\n\n"
    "1   \n"
    "Hạ tầng công nghệ số tiên tiến, hiện đại.\n"
)


def test_nq57_bold_escapes_and_page_break():
    cleaned = clean(doc(NQ57))
    text = cleaned.text
    assert "*" not in text and "\\" not in text
    assert text.startswith("BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG CỘNG SẢN VIỆT NAM\n\nSố 57-NQ/TW\nHà Nội, ngày 22 tháng")
    assert "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia" in text
    assert "1. Phát triển khoa học" in text
    assert "là đột phá quan trọng" in text
    assert "đổi mới phương thức quản trị quốc gia, phát triển kinh tế - xã hội." in text
    assert "II- MỤC TIÊU" in text
    assert "- Kinh phí chi cho nghiên cứu phát triển (R&D)" in text
    assert "\n1\n" not in text and "60%.\n\nHạ tầng" in text  # the lone page number is gone
    assert_well_formed(cleaned, NQ57)


def test_nq57_headings_are_bold_lines_of_unknown_level():
    cleaned = clean(doc(NQ57))
    headings = {cleaned.text[h.start:h.end]: h.level for h in cleaned.headings}
    assert headings["I- QUAN ĐIỂM CHỈ ĐẠO"] == 0
    assert headings["II- MỤC TIÊU"] == 0
    assert headings["BAN CHẤP HÀNH TRUNG ƯƠNG"] == 0
    assert not any(h.startswith("1. Phát triển") for h in headings)


def test_nq57_offsets_point_into_the_markdown():
    cleaned = clean(doc(NQ57))
    assert source_of(cleaned, NQ57, "II- MỤC TIÊU") == "II- MỤC** TIÊU"
    assert source_of(cleaned, NQ57, "57-NQ/TW") == "57\\-NQ/TW"
    joined = source_of(cleaned, NQ57, "phương thức quản trị")
    assert joined.startswith("phương thức") and joined.endswith("quản trị")


def test_markdown_headings_links_images_and_tags():
    source = (
        "## I. MỤC TIÊU  \n\n"
        "Xem [Nghị quyết 57-NQ/TW](https://example.vn/nq57 \"NQ57\") và ![ảnh](anh.png)<br>"
        "hình <b>đậm</b> &amp; rõ.\n\n"
        "### 1. Đến năm 2030 ###\n\n"
        "* Tỉ lệ (*) ghi chú; 2 * 3 = 6\n"
        "___\n"
    )
    cleaned = clean(doc(source))
    assert cleaned.text == (
        "I. MỤC TIÊU\n\nXem Nghị quyết 57-NQ/TW và hình đậm & rõ.\n\n1. Đến năm 2030\n\n- Tỉ lệ (*) ghi chú; 2 * 3 = 6"
    )
    levels = [(cleaned.text[h.start:h.end], h.level) for h in cleaned.headings]
    assert levels == [("I. MỤC TIÊU", 2), ("1. Đến năm 2030", 3)]
    assert source_of(cleaned, source, "&") == "&amp;"


PHU_LUC = (
    "**PHỤ LỤC II**\n\n"
    "| TT | Tên nhiệm vụ | Cơ quan chủ trì | Thời gian hoàn thành |\n"
    "|---|---|---|---|\n"
    "|  **I.** | Nâng cao nhận thức, đột phá về đổi mới tư duy |  |   |\n"
    "| 1.  |  Xây dựng chương trình tuyên truyền về Nghị quyết 57\\-NQ/TW | Bộ Khoa học và Công nghệ | Quý I/2025 |\n"
    "|  |  |  |  |\n"
    "| 2.  | Phát động phong trào “học tập số” | VTV, VOV, TTXVN | Thường xuyên |\n\n"
    "Ghi chú sau bảng.\n"
)


def test_table_rows_and_header():
    cleaned = clean(doc(PHU_LUC))
    (table,) = cleaned.tables
    assert table.header == ("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành")
    rows = cleaned.text[table.start:table.end].split("\n")
    # Record rows read with their column names (the row's number stays bare); a group heading row stays as it is.
    assert rows == [
        "I. | Nâng cao nhận thức, đột phá về đổi mới tư duy | |",
        "1. | Tên nhiệm vụ: Xây dựng chương trình tuyên truyền về Nghị quyết 57-NQ/TW | "
        "Cơ quan chủ trì: Bộ Khoa học và Công nghệ | Thời gian hoàn thành: Quý I/2025",
        "2. | Tên nhiệm vụ: Phát động phong trào “học tập số” | Cơ quan chủ trì: VTV, VOV, TTXVN | "
        "Thời gian hoàn thành: Thường xuyên",
    ]
    for row in rows:
        assert len([c.strip() for c in row.split("|")]) == len(table.header)
    assert "TT | Tên nhiệm vụ | Cơ quan chủ trì | Thời gian hoàn thành\nI. |" in cleaned.text
    assert "---" not in cleaned.text
    assert cleaned.text.endswith("Thường xuyên\n\nGhi chú sau bảng.")
    assert source_of(cleaned, PHU_LUC, "Bộ Khoa học và Công nghệ") == "Bộ Khoa học và Công nghệ"
    # The names are the cleaner's own words: a span from a name through its cell slices just the cell's words.
    assert source_of(cleaned, PHU_LUC, "Cơ quan chủ trì: VTV, VOV, TTXVN") == "VTV, VOV, TTXVN"
    assert source_of(cleaned, PHU_LUC, "Thời gian hoàn thành: Quý I/2025") == "Quý I/2025"


def test_table_without_header_and_docx_tables_keep_markup_chars():
    cleaned = clean(doc("| Số: 20-NQ/TW | *Hà Nội, ngày 01 tháng 11 năm 2012* |\n"))
    assert cleaned.text == "Số: 20-NQ/TW | Hà Nội, ngày 01 tháng 11 năm 2012"
    assert cleaned.tables[0].header == ()
    docx = clean(doc("Mục tiêu *chính*\n| Chỉ tiêu | Đơn vị |\n|---|---|\n| Tỉ lệ 2*3 | % |", "docx"))
    assert docx.text == "Mục tiêu *chính*\nChỉ tiêu | Đơn vị\nTỉ lệ 2*3 | %"
    assert docx.tables[0].header == ("Chỉ tiêu", "Đơn vị")


# -- Plain text and PDF debris ---------------------------------------------------------------------------


def test_whitespace_is_squeezed_and_paragraphs_kept():
    source = "  Đại hội   XIII\t\tcủa Đảng  \n\n\n\n  Quyết nghị:   \n- 1 -\n\nThông qua Báo cáo chính trị.  \n"
    cleaned = clean(doc(source, "txt"))
    assert cleaned.text == "Đại hội XIII của Đảng\n\nQuyết nghị:\n\nThông qua Báo cáo chính trị."
    assert_well_formed(cleaned, source)


def test_lines_are_not_joined_after_a_sentence_or_before_a_list_item():
    source = "3. Nhiệm vụ\na) xây dựng thể chế\nkinh tế -\nxã hội phát triển.\nđúng hạn"
    cleaned = clean(doc(source, "txt"))
    assert cleaned.text == "3. Nhiệm vụ\na) xây dựng thể chế kinh tế - xã hội phát triển.\nđúng hạn"


def test_split_latin_word_is_rejoined_but_vietnamese_compounds_are_not():
    source = "hệ thống e-government và manage-\nment của Bộ;\nBlockchain-\nAI"
    cleaned = clean(doc(source, "pdf", (0,)))
    assert cleaned.text == "hệ thống e-government và management của Bộ;\nBlockchain-\nAI"
    assert source_of(cleaned, source, "management") == "manage-\nment"


def pdf_pages(bodies: list[str]) -> tuple[str, tuple[int, ...]]:
    pages = [
        f"ĐẢNG CỘNG SẢN VIỆT NAM\nNghị quyết 57-NQ/TW, trang {n}\n{body}\n{n}"
        for n, body in enumerate(bodies, 1)
    ]
    starts, size = [], 0
    for page in pages:
        starts.append(size)
        size += len(page) + 2
    return "\n\n".join(pages), tuple(starts)


def test_pdf_running_headers_and_page_numbers_are_dropped_and_paragraphs_rejoined():
    text, starts = pdf_pages([
        "Phát triển khoa học, công nghệ là đột phá quan trọng hàng đầu, là động lực chính để đổi mới phương thức",
        "quản trị quốc gia, phát triển kinh tế - xã hội.",
        "Tăng cường sự lãnh đạo toàn diện của Đảng.",
    ])
    cleaned = clean(doc(text, "pdf", starts))
    assert cleaned.text == (
        "Phát triển khoa học, công nghệ là đột phá quan trọng hàng đầu, là động lực chính để đổi mới phương thức "
        "quản trị quốc gia, phát triển kinh tế - xã hội.\n\nTăng cường sự lãnh đạo toàn diện của Đảng."
    )


def test_running_lines_are_kept_on_short_documents_and_outside_pdf():
    text, starts = pdf_pages(["Mục tiêu một.", "Mục tiêu hai."])
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in clean(doc(text, "pdf", starts)).text
    text, starts = pdf_pages(["Mục tiêu một.", "Mục tiêu hai.", "Mục tiêu ba."])
    assert clean(doc(text, "txt")).text.count("ĐẢNG CỘNG SẢN VIỆT NAM") == 3


# -- HTML ------------------------------------------------------------------------------------------------


HTML = (
    "<!DOCTYPE html>\r\n<html><head><title>Nghị quyết 57</title><style>p { color: red }</style></head>\r\n"
    "<body><script>var x = '<p>không</p>';</script>\r\n"
    "<h1>NGHỊ QUYẾT</h1><p>Phát triển khoa học &amp; công nghệ,\r\n  đổi mới sáng tạo&nbsp;và chuyển đổi số&#46;</p>"
    "<ul><li>Bộ Chính trị</li><li>Ban Bí thư</li></ul><table><tr><td>Số</td><td>57-NQ/TW</td></tr></table>"
    "</body></html>"
)


def test_html_text_entities_and_blocks():
    cleaned = clean(doc(HTML, "html"))
    assert cleaned.text == (
        "NGHỊ QUYẾT\n\nPhát triển khoa học & công nghệ, đổi mới sáng tạo và chuyển đổi số.\n\n"
        "Bộ Chính trị\n\nBan Bí thư\n\nSố\n\n57-NQ/TW"
    )
    assert source_of(cleaned, HTML, "&") == "&amp;"
    assert source_of(cleaned, HTML, "số.") == "số&#46;"
    assert source_of(cleaned, HTML, "sáng tạo và") == "sáng tạo&nbsp;và"
    assert_well_formed(cleaned, HTML)


# -- The invariant, over every real document -------------------------------------------------------------


_MARKUP = re.compile(r"[*_\\#]")


def check_spans(document: ExtractedDocument, cleaned: CleanedText, rng: random.Random, tries: int = 300) -> None:
    n = len(cleaned.text)
    for _ in range(tries):
        a = rng.randrange(n)
        b = min(n, a + rng.randint(1, 120))
        s, e = cleaned.source_span(a, b)
        assert 0 <= s <= e <= len(document.text)
        source = _MARKUP.sub("", unicodedata.normalize("NFC", document.text[s:e]))
        source = source.replace("&amp;", "&").replace("\u00a0", " ")
        for m in re.finditer(r"\S+", cleaned.text[a:b]):
            word, at = m.group(), a + m.start()
            # Column separators, "* " bullets and the column names a table row is read with (inserted text: no
            # source characters under it) are the cleaner's own.
            inserted = cleaned.ends is not None and all(
                cleaned.ends[i] == cleaned.offsets[i] for i in range(at, at + len(word)))
            if word not in ("|", "-") and not inserted:
                assert _MARKUP.sub("", word) in source, (document.key, a, b, word, document.text[s:e])


def test_every_span_of_every_shared_document_comes_from_its_source(shared_corpus: Path):
    rng = random.Random(57)
    documents = list(read_paths([shared_corpus]))
    assert len(documents) >= 9
    for document in documents:
        assert isinstance(document, ExtractedDocument), document
        cleaned = clean(document)
        assert cleaned.text, document.key
        assert_well_formed(cleaned, document.text)
        assert all(0 <= o <= len(document.text) for o in (cleaned.offsets.min(), cleaned.offsets.max()))
        assert (cleaned.offsets[1:] >= cleaned.offsets[:-1]).all(), document.key
        check_spans(document, cleaned, rng)
        for heading in cleaned.headings:
            assert "\n" not in cleaned.text[heading.start:heading.end]
        for table in cleaned.tables:
            assert cleaned.text[table.start:table.end].strip()


def test_shared_nq57_debris_is_repaired(shared_corpus: Path):
    path = shared_corpus / "nq57-ntw-2024_nghi-quyet-bo-chinh-tri.md"
    (document,) = [d for d in read_paths([path])]
    text = clean(document).text
    assert "đổi mới phương thức quản trị quốc gia" in text
    assert "**" not in text and "\\-" not in text
    assert "\n1\n" not in text
