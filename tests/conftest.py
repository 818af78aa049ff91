"""Shared fixtures: small Vietnamese documents written by the team, and the shared corpus when it is present."""
from __future__ import annotations

from pathlib import Path

import pytest

from tracuu.encoders import HashingEncoder

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_CORPUS = SHARED / "corpus"
SHARED_BENCH = SHARED / "bench"

DOCS = {
    "nghi-quyet-mau.txt": (
        "NGHỊ QUYẾT ĐẠI HỘI\n\n"
        "I- MỤC TIÊU\n\n"
        "1. Mục tiêu tổng quát\n\n"
        "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu. "
        "Tỉ lệ đô thị hoá khoảng 45%.\n\n"
        "2. Mục tiêu cụ thể\n\n"
        "Tuổi thọ trung bình đạt khoảng 74,5 tuổi. Tỉ lệ lao động qua đào tạo là 70%.\n\n"
        "II- NHIỆM VỤ, GIẢI PHÁP\n\n"
        "Kiên quyết đấu tranh phòng, chống quan liêu, sách nhiễu, tiêu cực, tham nhũng, lãng phí.\n"
    ),
    "bai-bao.md": (
        "# Hội nghị học tập chương trình công tác\n\n"
        "Sáng 22/4, **Thành ủy Hà Nội** tổ chức hội nghị trực tuyến học tập, quán triệt 10 chương trình công tác.\n\n"
        "Bí thư Thành ủy yêu cầu đề cao tinh thần tự học, tự nghiên cứu của cán bộ, đảng viên.\n"
    ),
}


def write_docs(folder: Path, docs: dict[str, str] = DOCS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    return write_docs(tmp_path / "docs")


@pytest.fixture
def encoder() -> HashingEncoder:
    return HashingEncoder(64)


@pytest.fixture
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return SHARED_CORPUS
