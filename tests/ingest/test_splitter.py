"""Tests for structure-aware passage splitting."""
from __future__ import annotations

import re

import numpy as np
import pytest

from tracuu.ingest.extracted import CleanedText, Heading, Table
from tracuu.ingest.splitter import PassageSpan, split_passages

from helpers import CORPUS, CORPUS_FILES

XIII = """Đại hội đại biểu toàn quốc lần thứ XIII Đảng Cộng sản Việt Nam họp từ ngày 25/01/2021 đến ngày 01/02/2021, tại Thủ đô Hà Nội, sau khi thảo luận các văn kiện do Ban Chấp hành Trung ương Đảng khoá XII trình,
QUYẾT NGHỊ

I- Tán thành những nội dung cơ bản về đánh giá kết quả thực hiện Nghị quyết Đại hội XII và đánh giá chung về 10 năm thực hiện Cương lĩnh xây dựng đất nước trong thời kỳ quá độ lên chủ nghĩa xã hội năm 1991. Cụ thể là:

1. Kết quả thực hiện Nghị quyết Đại hội XII

Trong nhiệm kỳ Đại hội XII, nắm bắt thuận lợi, thời cơ, vượt qua khó khăn, thách thức, nhất là tác động nặng nề của cuộc khủng hoảng, suy thoái kinh tế toàn cầu do đại dịch COVID-19; toàn Đảng, toàn dân, toàn quân đã đoàn kết, chung sức, đồng lòng nỗ lực phấn đấu, thực hiện thắng lợi các mục tiêu, nhiệm vụ, đạt được nhiều thành tựu rất quan trọng, khá toàn diện, tạo nhiều dấu ấn nổi bật. Kinh tế vĩ mô ổn định, lạm phát được kiểm soát, tăng trưởng được duy trì ở mức khá cao.

2. Tầm nhìn và định hướng phát triển

Quan điểm chỉ đạo:

- Kiên định và vận dụng, phát triển sáng tạo chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh.

- Bảo đảm cao nhất lợi ích quốc gia - dân tộc.

II- Thông qua Báo cáo chính trị, Chiến lược phát triển kinh tế - xã hội 10 năm 2021 - 2030, phương hướng, nhiệm vụ phát triển kinh tế - xã hội 5 năm 2021 - 2025.

III- Thông qua Báo cáo tổng kết công tác xây dựng Đảng và thi hành Điều lệ Đảng của Ban Chấp Trung ương khoá XII; đồng ý không sửa đổi, bổ sung Điều lệ Đảng hiện hành.
"""

NQ57 = """I- QUAN ĐIỂM CHỈ ĐẠO

1. Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia là đột phá quan trọng hàng đầu, là động lực chính để phát triển nhanh lực lượng sản xuất hiện đại.

2. Tăng cường sự lãnh đạo toàn diện của Đảng, phát huy sức mạnh tổng hợp của cả hệ thống chính trị.

II- MỤC TIÊU

1. Đến năm 2030

- Tiềm lực, trình độ khoa học, công nghệ và đổi mới sáng tạo đạt mức tiên tiến ở nhiều lĩnh vực quan trọng.

- Phủ sóng 5G toàn quốc.

2. Tầm nhìn đến năm 2045

Khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số phát triển vững chắc, góp phần đưa Việt Nam trở thành nước phát triển, có thu nhập cao.

III- NHIỆM VỤ, GIẢI PHÁP

2. Khẩn trương, quyết liệt hoàn thiện thể chế

a) Sửa đổi, bổ sung các quy định pháp luật về khoa học, công nghệ, đầu tư công.

+ Thí điểm cơ chế thử nghiệm có kiểm soát.
"""

LAW = """Chương I
NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh

Luật này quy định về tổ chức khoa học và công nghệ, cá nhân hoạt động khoa học và công nghệ; việc tổ chức thực hiện hoạt động khoa học và công nghệ.

Điều 2. Giải thích từ ngữ

Trong Luật này, các từ ngữ dưới đây được hiểu như sau:

1. Khoa học là hệ thống tri thức về bản chất, quy luật tồn tại và phát triển của sự vật, hiện tượng tự nhiên, xã hội và tư duy.

2. Hoạt động khoa học và công nghệ bao gồm:

a) Nghiên cứu khoa học;

b) Phát triển công nghệ;

c) Dịch vụ khoa học và công nghệ.

Mục 1. TỔ CHỨC KHOA HỌC VÀ CÔNG NGHỆ

Điều 3. Hình thức tổ chức

Tổ chức khoa học và công nghệ có các hình thức sau đây.
"""

TABLE_HEADER = ("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian hoàn thành")
TABLE_ROWS = [
    "I. | Nâng cao nhận thức, đột phá về đổi mới tư duy, xác định quyết tâm chính trị mạnh mẽ |  |  |  | ",
    "1. | Xây dựng chương trình tuyên truyền thường xuyên về nội dung Nghị quyết 57-NQ/TW. | Bộ Khoa học và Công nghệ"
    " | Ban Tuyên giáo Trung ương | Chương trình | 2025",
    "2. | Xây dựng chương trình chuyên biệt trên truyền hình, phát thanh và mạng xã hội. | VTV, VOV, TTXVN"
    " | Bộ Khoa học và Công nghệ | Chương trình | Thường xuyên",
    "II. | Khẩn trương, quyết liệt hoàn thiện thể chế |  |  |  | ",
    "14. | Sửa đổi Luật Khoa học và Công nghệ (2013). | Bộ Khoa học và Công nghệ | Các bộ, ngành | Luật | 2025",
]


def words(text: str) -> int:
    return len(text.split())


def doubled_words(text: str) -> int:
    return len(text.split()) * 2


def texts(cleaned: CleanedText, passages: list[PassageSpan]) -> list[str]:
    return [cleaned.text[p.start:p.end] for p in passages]


def find(cleaned: CleanedText, passages: list[PassageSpan], needle: str) -> PassageSpan:
    return next(p for p in passages if needle in cleaned.text[p.start:p.end])


def assert_well_formed(cleaned: CleanedText, passages: list[PassageSpan], max_words: int = 220) -> None:
    """Spans in order, not overlapping, stripped, within max_words, covering every non-space character."""
    text = cleaned.text
    for a, b in zip(passages, passages[1:]):
        assert a.end <= b.start
    covered = np.zeros(len(text), dtype=bool)
    for p in passages:
        piece = text[p.start:p.end]
        assert piece and piece == piece.strip()
        assert words(piece) <= max_words
        covered[p.start:p.end] = True
    separators = _table_separator_chars(cleaned)
    missed = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i] and i not in separators]
    assert not missed, text[missed[0]:missed[0] + 80]


def _table_separator_chars(cleaned: CleanedText) -> set[int]:
    chars: set[int] = set()
    for m in re.finditer(r"^[ \t|:+-]+$", cleaned.text, re.M):
        if any(t.start <= m.start() < t.end for t in cleaned.tables):
            chars.update(range(m.start(), m.end()))
    return chars


def table_text() -> CleanedText:
    before = "Phụ lục II\n\nDANH MỤC CÁC NHIỆM VỤ\n\n"
    body = "\n".join(TABLE_ROWS)
    text = before + body + "\n\nNơi nhận: các bộ, ngành.\n"
    start = len(before)
    table = Table(start, start + len(body) + 1, TABLE_HEADER)
    return CleanedText(text, np.arange(len(text) + 1), tables=(table,))


def standin_clean(raw: str, markdown: bool) -> CleanedText:
    """Rough stand-in for cleaning.py: drop `*` and `\\`; Markdown `#` lines become headings, pipe blocks tables."""
    lines = raw.replace("*", "").replace("\\", "").split("\n")
    out, headings, tables = [], [], []
    pos, body_start, header = 0, None, ()
    for i, line in enumerate(lines):
        heading = re.match(r"(#{1,6})\s+", line) if markdown else None
        if heading:
            line = line[heading.end():]
            headings.append(Heading(pos, pos + len(line.rstrip()), len(heading.group(1))))
        is_row = markdown and line.lstrip().startswith("|")
        if is_row and header == () and i + 1 < len(lines) and re.fullmatch(r"[\s|:-]+", lines[i + 1]):
            header = tuple(c.strip() for c in line.strip().strip("|").split("|"))
        elif is_row and header and body_start is None:
            body_start = pos  # the separator line opens the body
        elif not is_row and body_start is not None:
            tables.append(Table(body_start, pos, header))
            body_start, header = None, ()
        out.append(line)
        pos += len(line) + 1
    if body_start is not None:
        tables.append(Table(body_start, pos, header))
    text = "\n".join(out)
    return CleanedText(text, np.arange(len(text) + 1), tuple(headings), tuple(tables))


# --- structure -------------------------------------------------------------------------------------------

def test_resolution_sections_and_item_labels():
    cleaned = CleanedText.identity(XIII)
    passages = split_passages(cleaned)
    assert_well_formed(cleaned, passages)
    label_i = "I- Tán thành những nội dung cơ bản về đánh giá…"
    # "Cụ thể là:" announces item 1, so the short intro and the item share a passage under I.
    intro = find(cleaned, passages, "Trong nhiệm kỳ Đại hội XII")
    assert intro.section == (label_i,) and "Cụ thể là:" in cleaned.text[intro.start:intro.end]
    small = split_passages(cleaned, target_words=40)
    assert find(cleaned, small, "Trong nhiệm kỳ Đại hội XII").section == (
        label_i, "1. Kết quả thực hiện Nghị quyết Đại hội XII")
    assert find(cleaned, passages, "Bảo đảm cao nhất lợi ích").section == (
        label_i, "2. Tầm nhìn và định hướng phát triển")
    assert find(cleaned, passages, "II- Thông qua Báo cáo chính trị").section[0].startswith("II- Thông qua")
    assert find(cleaned, passages, "III- Thông qua").section[0].startswith("III- Thông qua")
    assert find(cleaned, passages, "QUYẾT NGHỊ").section == ()


def test_roman_sections_never_share_a_passage():
    cleaned = CleanedText.identity(XIII)
    for target in (20, 120, 400):
        for piece in texts(cleaned, split_passages(cleaned, target_words=target, max_words=max(target, 220))):
            starts = re.findall(r"^(I|II|III)- ", piece, re.M)
            assert len(starts) <= 1, piece
            if "II- " in piece or "III- " in piece:
                assert "Tầm nhìn" not in piece and "Cụ thể là" not in piece


def test_heading_alone_is_attached_to_the_next_passage():
    cleaned = CleanedText.identity(NQ57)
    passages = split_passages(cleaned)
    assert_well_formed(cleaned, passages)
    all_texts = texts(cleaned, passages)
    assert "II- MỤC TIÊU" not in all_texts and "1. Đến năm 2030" not in all_texts
    goal = find(cleaned, passages, "II- MỤC TIÊU")
    assert cleaned.text[goal.start:goal.end].startswith("II- MỤC TIÊU\n\n1. Đến năm 2030\n\n- Tiềm lực")
    assert goal.section == ("II- MỤC TIÊU", "1. Đến năm 2030")


def test_numbered_item_is_in_its_own_section_path_and_siblings_stay_apart():
    cleaned = CleanedText.identity(NQ57)
    passages = split_passages(cleaned)
    first = find(cleaned, passages, "1. Phát triển khoa học")
    assert first.section == ("I- QUAN ĐIỂM CHỈ ĐẠO", "1. Phát triển khoa học, công nghệ, đổi mới sáng tạo…")
    assert "2. Tăng cường" not in cleaned.text[first.start:first.end]
    assert find(cleaned, passages, "2. Tăng cường").section[-1].startswith("2. Tăng cường sự lãnh đạo")


def test_short_bullets_join_their_siblings():
    cleaned = CleanedText.identity(NQ57)
    passages = split_passages(cleaned)
    bullets = find(cleaned, passages, "Phủ sóng 5G")
    assert "- Tiềm lực" in cleaned.text[bullets.start:bullets.end]


def test_lettered_points_and_plus_bullets_nest():
    cleaned = CleanedText.identity(NQ57)
    passages = split_passages(cleaned)
    point = find(cleaned, passages, "Thí điểm cơ chế")
    assert point.section == ("III- NHIỆM VỤ, GIẢI PHÁP", "2. Khẩn trương, quyết liệt hoàn thiện thể chế",
                             "a) Sửa đổi, bổ sung các quy định pháp luật về…")


def test_law_chapter_article_clause_point():
    cleaned = CleanedText.identity(LAW)
    passages = split_passages(cleaned)
    assert_well_formed(cleaned, passages)
    chapter = "Chương I - NHỮNG QUY ĐỊNH CHUNG"
    scope = find(cleaned, passages, "Luật này quy định")
    assert scope.section == (chapter, "Điều 1. Phạm vi điều chỉnh")
    assert cleaned.text[scope.start:scope.end].startswith("Chương I\nNHỮNG QUY ĐỊNH CHUNG\n\nĐiều 1.")
    clause = find(cleaned, passages, "Khoa học là hệ thống")
    assert clause.section[:2] == (chapter, "Điều 2. Giải thích từ ngữ")
    points = find(cleaned, passages, "b) Phát triển công nghệ")
    assert points.section == (chapter, "Điều 2. Giải thích từ ngữ", "2. Hoạt động khoa học và công nghệ bao gồm:")
    assert "a) Nghiên cứu khoa học" in cleaned.text[points.start:points.end]
    assert "Khoa học là hệ thống" not in cleaned.text[points.start:points.end]  # clause 1 and 2 stay apart
    form = find(cleaned, passages, "các hình thức sau đây")
    assert form.section == (chapter, "Mục 1. TỔ CHỨC KHOA HỌC VÀ CÔNG NGHỆ", "Điều 3. Hình thức tổ chức")
    assert "Dịch vụ khoa học" not in cleaned.text[form.start:form.end]


def test_articles_never_share_a_passage_even_when_tiny():
    cleaned = CleanedText.identity(LAW)
    for piece in texts(cleaned, split_passages(cleaned, target_words=1000, max_words=1000)):
        assert len(re.findall(r"^Điều \d+\.", piece, re.M)) <= 1


def test_markers_that_are_ordinary_words_open_no_section():
    text = ("Mục tiêu tổng quát: nâng cao năng lực lãnh đạo.\n\nPhần lớn các chỉ tiêu đạt kế hoạch.\n\n"
            "2020 - 2025 là giai đoạn quan trọng.\n\nIn ấn tài liệu tuyên truyền.\n\nVì vậy cần đột phá.")
    cleaned = CleanedText.identity(text)
    passages = split_passages(cleaned)
    assert [p.section for p in passages] == [()]


def test_lettered_list_with_upper_case_letters_and_roman_below():
    text = ("A- TÌNH HÌNH VÀ NGUYÊN NHÂN\n\nKhoa học và công nghệ có bước phát triển.\n\n"
            "B- ĐỊNH HƯỚNG\n\nI- QUAN ĐIỂM\n\n1- Phát triển khoa học là quốc sách hàng đầu.\n\n"
            "L- Phụ lục cuối\n\nNội dung phụ lục.")
    cleaned = CleanedText.identity(text)
    passages = split_passages(cleaned)
    assert find(cleaned, passages, "quốc sách").section == ("B- ĐỊNH HƯỚNG", "I- QUAN ĐIỂM",
                                                            "1- Phát triển khoa học là quốc sách hàng đầu.")
    assert find(cleaned, passages, "Nội dung phụ lục").section == ("L- Phụ lục cuối",)


def test_headings_from_cleaned_text_are_sections():
    text = ("CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ\n\nI. MỤC TIÊU\n\n1. Tổ chức thể chế hóa đầy đủ các quan điểm.\n\n"
            "II. NHIỆM VỤ CỤ THỂ\n\nNâng cao nhận thức, đột phá về đổi mới tư duy\n\n"
            "a) Xây dựng chương trình tuyên truyền thường xuyên.\n\nb) Xây dựng quy định trách nhiệm người đứng đầu.")
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    headings = (Heading(*spans[0], 1), Heading(*spans[1], 2), Heading(*spans[3], 2), Heading(*spans[4], 0))
    cleaned = CleanedText(text, np.arange(len(text) + 1), headings=headings)
    passages = split_passages(cleaned)
    assert_well_formed(cleaned, passages)
    top = "CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ"
    assert find(cleaned, passages, "Tổ chức thể chế").section == (
        top, "I. MỤC TIÊU", "1. Tổ chức thể chế hóa đầy đủ các quan điểm.")
    tasks = find(cleaned, passages, "b) Xây dựng quy định")
    assert tasks.section == (top, "II. NHIỆM VỤ CỤ THỂ", "Nâng cao nhận thức, đột phá về đổi mới tư duy")
    assert cleaned.text[tasks.start:tasks.end].startswith("II. NHIỆM VỤ CỤ THỂ\n\nNâng cao nhận thức")
    assert "a) Xây dựng chương trình" in cleaned.text[tasks.start:tasks.end]


def test_bold_title_lines_of_unknown_level():
    text = ("PHỤ LỤC II\n\nDANH MỤC CÁC NHIỆM VỤ\nTHỰC HIỆN NGHỊ QUYẾT SỐ 57-NQ/TW\n\n(Kèm theo Nghị quyết số 03/NQ-CP)\n\n"
            "I. MỤC TIÊU\n\nNhững quan điểm chủ yếu\n\nPhát triển khoa học là quốc sách hàng đầu.\n\n"
            "Những nhiệm vụ chủ yếu\n\nHoàn thiện thể chế.")
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    bold = [0, 1, 2, 5, 7]  # whole-bold lines: level 0, level unknown
    cleaned = CleanedText(text, np.arange(len(text) + 1), headings=tuple(Heading(*lines[i], 0) for i in bold))
    passages = split_passages(cleaned)
    assert_well_formed(cleaned, passages)
    title = "DANH MỤC CÁC NHIỆM VỤ THỰC HIỆN NGHỊ QUYẾT SỐ 57-NQ/TW"  # a title broken over two lines
    first = find(cleaned, passages, "Kèm theo")
    assert first.section == (title,) and cleaned.text[first.start:first.end].startswith("PHỤ LỤC II")
    # a bold line below a numbered heading nests under it, and a later one is its sibling
    assert find(cleaned, passages, "quốc sách").section == (title, "I. MỤC TIÊU", "Những quan điểm chủ yếu")
    assert find(cleaned, passages, "Hoàn thiện thể chế").section == (title, "I. MỤC TIÊU", "Những nhiệm vụ chủ yếu")


# --- tables ----------------------------------------------------------------------------------------------

def test_each_table_row_is_a_passage_with_the_header_as_context():
    cleaned = table_text()
    passages = split_passages(cleaned)
    assert_well_formed(cleaned, passages)
    header = " | ".join(TABLE_HEADER)
    rows = [p for p in passages if p.context]
    assert all(p.context == header for p in rows)
    assert texts(cleaned, rows)[1:] == TABLE_ROWS[2:3] + [TABLE_ROWS[3] + "\n" + TABLE_ROWS[4]]
    first = texts(cleaned, rows)[0]
    assert first.startswith("I. | Nâng cao") and first.endswith("| 2025")  # the section row leads its first task
    assert not any(p.context for p in passages if "Phụ lục II" in cleaned.text[p.start:p.end])


def test_section_rows_label_the_rows_below_them():
    cleaned = table_text()
    passages = split_passages(cleaned)
    assert find(cleaned, passages, "chuyên biệt").section == (
        "I. Nâng cao nhận thức, đột phá về đổi mới tư…",)
    assert find(cleaned, passages, "Sửa đổi Luật Khoa học").section == (
        "II. Khẩn trương, quyết liệt hoàn thiện thể chế",)
    after = find(cleaned, passages, "Nơi nhận")
    assert after.section == () and after.context == ""


def test_long_table_row_is_split_and_keeps_its_context():
    row = "15. | " + " ".join(["Rà soát, sửa đổi quy định về thuế."] * 40) + " | Bộ Tài chính | 2025"
    text = row + "\n"
    cleaned = CleanedText(text, np.arange(len(text) + 1), tables=(Table(0, len(text), TABLE_HEADER),))
    passages = split_passages(cleaned, max_words=60)
    assert len(passages) > 1 and all(p.context == " | ".join(TABLE_HEADER) for p in passages)
    assert_well_formed(cleaned, passages, max_words=60)


# --- size --------------------------------------------------------------------------------------------------

LONG_PARAGRAPH = " ".join(
    f"Câu số {i} nói về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia." for i in range(60))


def test_long_paragraph_split_at_sentences_under_max_words():
    text = "1. Tăng cường đầu tư hạ tầng\n\n" + LONG_PARAGRAPH
    cleaned = CleanedText.identity(text)
    passages = split_passages(cleaned, target_words=80, max_words=100)
    assert len(passages) > 1
    assert_well_formed(cleaned, passages, max_words=100)
    for piece in texts(cleaned, passages):
        assert piece.endswith(".")  # cut at sentence ends only
    assert {p.section for p in passages} == {("1. Tăng cường đầu tư hạ tầng",)}


def test_token_counter_is_respected():
    cleaned = CleanedText.identity(XIII + "\n" + LONG_PARAGRAPH)
    passages = split_passages(cleaned, count_tokens=doubled_words, max_tokens=100)
    assert_well_formed(cleaned, passages)
    assert all(doubled_words(t) <= 100 for t in texts(cleaned, passages))


def test_sentence_without_punctuation_is_split_at_words_and_a_huge_word_at_characters():
    sentence = " ".join(["phát triển bền vững"] * 100)
    blob = "x" * 50
    cleaned = CleanedText.identity(sentence + "\n\n" + blob)
    passages = split_passages(cleaned, max_words=30, count_tokens=len, max_tokens=40)
    assert all(len(t) <= 40 and words(t) <= 30 for t in texts(cleaned, passages))
    assert "".join(texts(cleaned, passages)).replace(" ", "") == (sentence + blob).replace(" ", "")
    assert_well_formed(cleaned, passages)


def test_small_paragraphs_of_a_section_are_merged_towards_the_target():
    text = "QUYẾT NGHỊ\n\n" + "\n\n".join(f"Đoạn {i} có mười từ về chuyển đổi số quốc gia." for i in range(12))
    cleaned = CleanedText.identity(text)
    passages = split_passages(cleaned, target_words=40, max_words=60)
    assert_well_formed(cleaned, passages, max_words=60)
    assert 2 <= len(passages) <= 5


def test_part_level_above_roman_sections():
    text = ("Phần thứ nhất\nĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT\n\nI- KẾT QUẢ ĐẠT ĐƯỢC\n\n"
            "Kinh tế vĩ mô ổn định, lạm phát được kiểm soát.\n\nPhần thứ hai\nPHƯƠNG HƯỚNG, NHIỆM VỤ\n\n"
            "Tiếp tục đẩy mạnh toàn diện công cuộc đổi mới.")
    cleaned = CleanedText.identity(text)
    passages = split_passages(cleaned)
    assert [p.section for p in passages] == [
        ("Phần thứ nhất - ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT", "I- KẾT QUẢ ĐẠT ĐƯỢC"),
        ("Phần thứ hai - PHƯƠNG HƯỚNG, NHIỆM VỤ",),
    ]


def test_impossible_token_limit_is_an_error_not_a_truncation():
    cleaned = CleanedText.identity("Đại hội XIII thành công tốt đẹp.")
    with pytest.raises(ValueError):
        split_passages(cleaned, count_tokens=lambda s: len(s) + 5, max_tokens=3)


def test_empty_and_blank_text():
    assert split_passages(CleanedText.identity("")) == []
    assert split_passages(CleanedText.identity("  \n\n \t \n")) == []


def test_spans_round_trip_through_offsets():
    text = "\n\n  " + NQ57 + "  \n"
    cleaned = CleanedText.identity(text)
    for p in split_passages(cleaned):
        start, end = cleaned.source_span(p.start, p.end)
        assert text[start:end] == cleaned.text[p.start:p.end]


# --- the real corpus ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_real_corpus_files(path):
    cleaned = standin_clean(path.read_text(encoding="utf-8"), markdown=path.suffix == ".md")
    passages = split_passages(cleaned)
    assert passages
    assert_well_formed(cleaned, passages)
    tokened = split_passages(cleaned, count_tokens=doubled_words, max_tokens=200)
    assert_well_formed(cleaned, tokened)
    assert all(doubled_words(t) <= 200 for t in texts(cleaned, tokened))


def test_first_forty_lines_of_the_xiii_resolution():
    raw = (CORPUS / "nghi-quyet-dai-hoi-xiii.txt").read_text(encoding="utf-8")
    cleaned = CleanedText.identity("\n".join(raw.split("\n")[:40]))
    passages = split_passages(cleaned)
    assert_well_formed(cleaned, passages)
    sections = {p.section[-1].split()[0] for p in passages if p.section}
    assert sections == {"I-", "1.", "2."}
    assert all(p.section[0].startswith("I- Tán thành") for p in passages if p.section)
