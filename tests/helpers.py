"""Plain test helpers (import them: `from helpers import write_docs`): Vietnamese documents written by the team, the
project's own corpus/, the dev-set skip, a free port and a milvus-lite server."""
from __future__ import annotations

import io
import socket
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tracuu.ingest.readers import FOLDER_NOTES

ROOT = Path(__file__).resolve().parents[1]
# The Party documents and the seed article ship in the repository (corpus/SOURCE.md), so a fresh clone tests on them.
CORPUS = ROOT / "corpus"
# The labelled question sets are not shipped: they are the team's development data, kept beside the repository.
SHARED_BENCH = ROOT.parent / "shared" / "bench"
# The corpus's documents, without its README.md and SOURCE.md (which the readers skip too).
CORPUS_FILES = [p for p in sorted(CORPUS.iterdir()) if p.is_file() and p.name.lower() not in FOLDER_NOTES]
DEV_SETS_ABSENT = ("needs the dev question sets (ALQAC 2023, party-dev.jsonl), which are not shipped: "
                   "they are read from ../shared/bench, the team's shared folder beside the repository")


def needs_dev_set(path: Path) -> Path:
    """`path` under ../shared/bench, or skip the calling test with the one reason every such test gives."""
    if not path.exists():
        pytest.skip(DEV_SETS_ABSENT)
    return path

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


# Two official documents with headers the metadata parser reads (number, issuer, date), for backend tests.
OFFICIAL_DOCS = {
    "nq57.txt": (
        "BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 57-NQ/TW\nHà Nội, ngày 22 tháng 12 năm 2024\n\n"
        "NGHỊ QUYẾT\nCỦA BỘ CHÍNH TRỊ\nvề đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
        "quốc gia\n\n"
        "I- TÌNH HÌNH\n\nKhoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số đang phát triển như vũ bão.\n\n"
        "II- QUAN ĐIỂM\n\nHạ tầng dữ liệu là tài nguyên quan trọng; bảo đảm an ninh mạng, an toàn thông tin.\n"
    ),
    "ctr03.txt": (
        "THÀNH ỦY HÀ NỘI\nSố 03-CTr/TU\nHà Nội, ngày 5 tháng 3 năm 2021\n\nCHƯƠNG TRÌNH\n"
        "về xây dựng chính quyền số\n\n"
        "1. Mục tiêu\n\nXây dựng chính quyền số, đô thị thông minh, phục vụ người dân và doanh nghiệp.\n\n"
        "2. Nhiệm vụ\n\nSố hoá hồ sơ thủ tục hành chính; đào tạo cán bộ về kỹ năng số.\n"
    ),
}


def write_docs(folder: Path, docs: dict[str, str] = DOCS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def milvus_lite_server(folder: Path) -> Iterator[str]:
    """milvus-lite's own server binary on a free 127.0.0.1 port (a real Milvus server's code path); yields host:port."""
    from milvus_lite.server import Server

    port = free_port()
    server = Server(str(folder / "served.db"), address=f"127.0.0.1:{port}")
    assert server.init() and server.start(), "milvus-lite server did not start"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "milvus-lite server is not listening"
                time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        server._p.terminate()  # in address mode the binary does not watch the lock file that stop() releases
        server._p.wait(10)
        server.stop()


# Word files made in the tests, small on disk and large once inflated (reading budgets, hostile uploads).
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARA = "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu. "


def docx_bytes(xml: bytes) -> bytes:
    """A .docx holding `xml` as its document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def bomb_xml(megabytes: int) -> bytes:
    """A document.xml of `megabytes` MB of one repeated paragraph: it deflates about a thousand times."""
    para = f'<w:p><w:r><w:t>{PARA}</w:t></w:r></w:p>'.encode()
    count = megabytes * 1024 * 1024 // len(para)
    return (f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode() + para * count
            + b"</w:body></w:document>")


def pdf_document(objects: list[bytes]) -> bytes:
    """A PDF of these numbered objects (object 1 the catalog), its cross-reference offsets computed, written
    directly: readers accept it, and 100,000 pages take a second where pypdf takes minutes."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a text layer (ASCII text, Helvetica)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    return pdf_document([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                         b"/Resources << /Font << /F1 5 0 R >> >> >>",
                         b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
                         b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


# A passage as pack.py stores it (heading line, then the text): the 2021-2025 targets of Resolution XIII, for the
# sentence examples of training (tests/test_training_data.py, tests/test_training_batches.py).
TARGETS_2021_2025 = ("Nghị quyết Đại hội XIII | Định hướng các chỉ tiêu chủ yếu\n"
          "- Về kinh tế: Tốc độ tăng trưởng kinh tế (GDP) bình quân 5 năm đạt khoảng 6,5 - 7%/năm. Đến năm 2025, GDP "
          "bình quân đầu người khoảng 4.700 - 5.000 USD. Tỉ lệ đô thị hoá khoảng 45%.\n"
          "- Về xã hội: Tỉ lệ hộ nghèo theo chuẩn đa chiều duy trì mức giảm 1 - 1,5%/năm.")
