"""Tests for the Vietnamese sentence splitter."""
from __future__ import annotations

import pytest

from tracuu.text.sentences import fit_spans, split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_splits_at_full_stop_before_upper_case_including_vietnamese_capitals():
    text = ("Các lĩnh vực xã hội, môi trường có nhiều tiến bộ. Đời sống nhân dân được cải thiện đáng kể. "
            "Ưu tiên nguồn lực quốc gia. Ơn nghĩa được đền đáp. Âm mưu bị đập tan.")
    assert sentences(text) == [
        "Các lĩnh vực xã hội, môi trường có nhiều tiến bộ.",
        "Đời sống nhân dân được cải thiện đáng kể.",
        "Ưu tiên nguồn lực quốc gia.",
        "Ơn nghĩa được đền đáp.",
        "Âm mưu bị đập tan.",
    ]


@pytest.mark.parametrize("text", [
    "Sáng 22/4, tại TP. Hà Nội, Thành ủy tổ chức hội nghị.",
    "Thực hiện Nghị quyết Số 15-NQ/TU ngày 22/4 của Thành ủy về phát triển đô thị.",
    "Tăng trưởng đạt 74,5% với 1.000 doanh nghiệp tham gia.",
    "PGS.TS. Nguyễn Văn An và Th.S Lê Thị Bình trình bày tham luận.",
    "Các khoản thuế, phí v.v. Được rà soát lại.",
    "Trích dẫn tại Tr. Hai mươi của văn kiện.",
    "Ký thay TM. CHÍNH PHỦ và KT. THỦ TƯỚNG.",
    "Bảo đảm quốc phòng; an ninh; đối ngoại.",
    "Ông nói: “Tất cả vì Nhân dân.” là khẩu hiệu hành động.",
    "Đạt được nhiều kết quả... nhưng còn hạn chế.",
])
def test_does_not_split_inside_a_sentence(text):
    assert sentences(text) == [text]


@pytest.mark.parametrize("line", [
    "1. Kết quả thực hiện Nghị quyết Đại hội XII",
    "2.1. Đổi mới mạnh mẽ cơ chế quản lý",
    "II. MỤC TIÊU",
    "Điều 5. Nguyên tắc hoạt động khoa học và công nghệ",
    "a. Tổ đảng ở Thường trực Ủy ban Kinh tế",
])
def test_line_initial_item_numbers_are_not_sentence_ends(line):
    assert sentences(line) == [line]


def test_splits_at_line_breaks_and_strips_whitespace():
    text = "  I- QUAN ĐIỂM CHỈ ĐẠO \n\n1. Phát triển khoa học, công nghệ\n   \n- Tiềm lực đạt mức tiên tiến  "
    assert sentences(text) == ["I- QUAN ĐIỂM CHỈ ĐẠO", "1. Phát triển khoa học, công nghệ",
                               "- Tiềm lực đạt mức tiên tiến"]


def test_splits_after_question_and_exclamation_marks():
    assert sentences("Vì sao chậm? Do thể chế chưa hoàn thiện! Cần đột phá.") == [
        "Vì sao chậm?", "Do thể chế chưa hoàn thiện!", "Cần đột phá."]


def test_closing_quote_after_full_stop_ends_the_sentence():
    text = ("Loại bỏ tư duy ‘không quản được thì cấm’.” Chú trọng bảo đảm nguồn nhân lực. "
            "Phong trào “học tập số.” Mở rộng các hình thức tôn vinh.")
    assert sentences(text) == [
        "Loại bỏ tư duy ‘không quản được thì cấm’.”",
        "Chú trọng bảo đảm nguồn nhân lực.",
        "Phong trào “học tập số.”",
        "Mở rộng các hình thức tôn vinh.",
    ]


def test_splits_before_an_opening_quote_and_after_a_percentage():
    text = "Tỉ lệ đạt trên 80%. “Học tập số” trở thành phong trào. Năm 2030. Việt Nam thuộc nhóm dẫn đầu."
    assert sentences(text) == ["Tỉ lệ đạt trên 80%.", "“Học tập số” trở thành phong trào.", "Năm 2030.",
                               "Việt Nam thuộc nhóm dẫn đầu."]


def test_spans_are_in_order_and_cover_all_non_space_text():
    text = "Đại hội XIII thành công. Tinh thần mới.\nQUYẾT NGHỊ\n\nI- Tán thành. Cụ thể là: a; b."
    spans = split_sentences(text)
    assert all(a < b <= c for (a, b), (c, _) in zip(spans, spans[1:]))
    covered = set().union(*(range(a, b) for a, b in spans))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_empty_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n") == []


def test_fit_spans_cuts_at_sentences_then_words_and_keeps_every_word():
    text = "Một hai ba bốn. Năm sáu bảy tám chín mười mười một mười hai.  "
    spans = fit_spans(text, 0, len(text.rstrip()), lambda a, b: len(text[a:b].split()) <= 4, max_words=4)
    pieces = [text[a:b] for a, b in spans]
    assert pieces[0] == "Một hai ba bốn."
    assert all(len(p.split()) <= 4 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_a_toned_one_letter_word_ends_a_sentence():
    text = "Việt Nam thuộc nhóm 3 nước dẫn đầu Đông Nam Á. Đến năm 2045, trở thành nước phát triển."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Việt Nam thuộc nhóm 3 nước dẫn đầu Đông Nam Á.", "Đến năm 2045, trở thành nước phát triển."]
