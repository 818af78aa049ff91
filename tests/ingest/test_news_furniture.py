"""Photo captions, credits and bylines of news articles are page furniture: kept out of passages, offsets intact."""
from __future__ import annotations

import pytest

import tracuu
from tracuu.ingest.cleaning import clean
from tracuu.ingest.extracted import ExtractedDocument

from helpers import CORPUS

LONG = ("Bí thư Thành ủy Hà Nội yêu cầu quá trình nghiên cứu, học tập, quán triệt phải đề cao tinh thần tự học, tự "
        "nghiên cứu, ý thức tự giác, gương mẫu của cán bộ, đảng viên, nhất là người đứng đầu các cấp ủy, tổ chức đảng.")


def cleaned(text: str, fmt: str = "txt") -> str:
    c = clean(ExtractedDocument("k", "k", fmt, text))
    assert len(c.offsets) == len(c.text) + 1 and c.offsets[-1] == len(text)
    return c.text


@pytest.mark.parametrize("caption", [
    "Ảnh: VGP/Gia Huy",
    "(Ảnh: TTXVN)",
    "Bí thư Thành ủy Hà Nội Đinh Tiến Dũng phát biểu tại hội nghị. Ảnh: VGP/Gia Huy",
    "Tổng Bí thư Tô Lâm phát biểu kết luận phiên họp. (Ảnh: Đăng Khoa)",
    "Ảnh minh họa",
    "Nguồn ảnh: Báo Nhân Dân",
])
def test_captions_and_credits_are_dropped(caption):
    text = cleaned(f"Sáng 22/4, Thành ủy Hà Nội tổ chức hội nghị.\n\n{caption}\n\n{LONG}")
    assert "Ảnh" not in text and "ảnh" not in text and LONG in text


@pytest.mark.parametrize("line", [
    "Ảnh hưởng của đại dịch đến tăng trưởng kinh tế là rất lớn.",          # a word, not a credit
    "Triển lãm gồm 200 bức ảnh: chân dung, phong cảnh và đời sống.",       # lower-case "ảnh:" inside a sentence
    LONG + " Ảnh: VGP/Gia Huy" + " Hội nghị kéo dài cả ngày." * 6,          # a long paragraph stays whole
])
def test_text_that_only_looks_like_a_caption_stays(line):
    assert line in cleaned(f"Mở đầu bài viết.\n\n{line}\n\nKết thúc.")


def test_a_closing_byline_is_dropped_but_a_signer_stays():
    assert cleaned(f"{LONG}\n\nGia Huy").endswith("tổ chức đảng.")
    assert cleaned(f"{LONG}\n\nT/M BỘ CHÍNH TRỊ\nTỔNG BÍ THƯ\n\nTô Lâm").endswith("Tô Lâm")
    assert cleaned("Hội nghị tổng kết.\n\nGia Huy").endswith("Gia Huy")  # too short to be an article: kept


def test_the_seed_article_caption_is_not_a_passage(tmp_path):
    tracuu.build([CORPUS / "hanoi-10-chuong-trinh-cong-tac-2021.txt"], tmp_path / "idx", encoder="hashing")
    index = tracuu.open_index(tmp_path / "idx")
    (doc,) = index.documents()
    passages = index.neighbours(index.search("Đinh Tiến Dũng phát biểu", 1)[0].passage.id, 50, 50)
    assert len(passages) == doc.passages
    assert not any("Ảnh: VGP" in p.text or p.text.strip() == "Gia Huy" for p in passages)
    assert "Ảnh: VGP/Gia Huy" in index.document_text(doc.id)  # the extracted text, which offsets point into, keeps it
