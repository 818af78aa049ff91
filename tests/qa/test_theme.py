"""Quotes carry their theme and stand alone: no boilerplate, no actor-less list item, no pointer without referent."""
from __future__ import annotations

import pytest

from tracuu.qa.quotes import quotable
from tracuu.qa.theme import CLOSE, EXACT, NONE, phrase_of, standalone, theme_fit

ASPIRATION = ("Khơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc; phát huy giá trị văn hoá, sức mạnh "
              "con người Việt Nam trong sự nghiệp xây dựng và bảo vệ Tổ quốc.")


@pytest.mark.parametrize("text", [
    "Thực hiện một số nội dung khác liên quan đến đột phá phát triển KH,CN,ĐMST và chuyển đổi số thuộc chức năng, "
    "nhiệm vụ của Ủy ban Pháp luật hoặc theo sự phân công của UBTVQH (nếu có).",
    "Chủ trì thẩm tra, giám sát việc thực hiện chính sách, pháp luật về tư pháp, phòng, chống tham nhũng trong "
    "đột phá phát triển khoa học, công nghệ.",
    "Kết luận này phổ biến đến chi bộ và được quán triệt sâu rộng trong toàn Đảng, toàn dân và toàn quân ta.",
    "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu,",
    "Các cấp ủy, tổ chức đảng cần nhận thức đầy đủ tầm quan trọng của chuyển đổi số đối với sự phát triển;",
])
def test_boilerplate_fragments_and_dangling_pointers_are_not_quotable(text):
    assert not standalone(text)
    assert not quotable(text)


def test_a_call_to_action_stands_alone():
    assert standalone(ASPIRATION) and quotable(ASPIRATION)


def test_theme_fit_exact_phrase_then_other_words():
    phrase = phrase_of("khát vọng phát triển đất nước")
    assert phrase == "khat vong phat trien dat nuoc"
    assert phrase_of("về khát vọng") == "khat vong"
    assert theme_fit(phrase, ASPIRATION, coverage=1.0, dense_level=None) == EXACT
    other = "Khát vọng xây dựng đất nước phồn vinh, hạnh phúc là sức mạnh to lớn của dân tộc ta."
    assert theme_fit(phrase, other, coverage=0.7, dense_level=None) == CLOSE
    off = "Phát triển đất nước nhanh và bền vững dựa chủ yếu vào khoa học, công nghệ."
    assert theme_fit(phrase, off, coverage=0.45, dense_level=0.5) == NONE
    assert theme_fit(phrase, off, coverage=0.45, dense_level=0.9) == CLOSE
