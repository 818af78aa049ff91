"""Multi-document files split into exact slices; single documents, even ones quoting others, stay whole."""
from __future__ import annotations

from pathlib import Path

from tracuu.ingest.extracted import ExtractedDocument
from tracuu.ingest.metadata import parse_metadata
from tracuu.ingest.multidoc import split_documents
from tracuu.ingest.readers import read_file

NQ = ("# Nghị quyết số 57-NQ/TW\n\n"
      "**Thay mặt Bộ Chính trị, Tổng Bí thư đã ký ban hành Nghị quyết số 57-NQ/TW (ngày 22/12/2024) của Bộ Chính trị "
      "về đột phá phát triển khoa học, công nghệ.**\n\n"
      "**I- QUAN ĐIỂM**\n\nTiếp tục thực hiện Nghị quyết số 20-NQ/TW.\n\n"
      "## Nghị quyết số 20-NQ/TW trong thực tiễn\n\n"  # a sentence-case heading quoting another resolution
      "Nghị quyết này phổ biến đến chi bộ.\n\n")
KL = ("# Kết luận số 69-KL/TW\n\n"
      "Kết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị về tiếp tục thực hiện Nghị quyết số 20-NQ/TW\n\n"
      "**1\\. Tăng cường sự lãnh đạo**\n\nNội dung.\n\n| | T/M BỘ CHÍNH TRỊ *(Đã ký)* Trương Thị Mai |\n\n")
NQ20 = ("# Nghị quyết 20 \\- 2012\n\n"
        "| BAN CHẤP HÀNH TRUNG ƯƠNG\n\\-------- | ĐẢNG CỘNG SẢN VIỆT NAM\n\\--------------- |\n| :---- | :---- |\n"
        "| Số: 20-NQ/TW | *Hà Nội, ngày 01 tháng 11 năm 2012* |\n\n"
        "**NGHỊ QUYẾT**\n**HỘI NGHỊ LẦN THỨ SÁU BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHOÁ XI**\n\nVỀ PHÁT TRIỂN KHOA HỌC\n\n"
        "**A- TÌNH HÌNH**\n\nNội dung.\n\n|   *Nơi nhận:*\n\\- Các tỉnh uỷ, thành uỷ. |\n| :---- |\n\n")
COMMENTARY = "# So sánh Nghị quyết 57 với Nghị quyết 20\n\n**1\\. Đổi mới**\n\n* Nghị quyết 57 rộng hơn.\n"


def _doc(text: str, **kw) -> ExtractedDocument:
    return ExtractedDocument("tuyen-tap.md", "/data/tuyen-tap.md", "md", text, "Nghị quyết số 57-NQ/TW", **kw)


def test_a_compilation_is_split_into_exact_slices():
    text = "\n" + NQ + KL + NQ20 + COMMENTARY
    parts = split_documents(_doc(text))
    assert [p.key for p in parts] == [f"tuyen-tap.md#{n}" for n in range(1, 5)]
    assert "".join(p.text for p in parts) == text  # nothing lost, nothing moved
    assert parts[0].text == "\n" + NQ and parts[1].text == KL and parts[2].text == NQ20 and parts[3].text == COMMENTARY
    metas = [parse_metadata(p.text, title=p.title) for p in parts]
    assert [m.get("number") for m in metas] == ["57-NQ/TW", "69-KL/TW", "20-NQ/TW", None]
    assert [m["kind"] for m in metas] == ["official", "official", "official", "commentary"]
    assert parts[1].title.startswith("Kết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị")
    start = len("\n" + NQ)
    assert f"dòng {text[:start].count(chr(10)) + 1}-" in parts[1].warnings[-1]
    assert f"ký tự {start}-{start + len(KL)}" in parts[1].warnings[-1]
    assert "/data/tuyen-tap.md" in parts[1].warnings[-1]
    assert "bình luận" in parts[3].warnings[-1] and "bình luận" not in parts[2].warnings[-1]


def test_a_letterhead_alone_opens_a_document():
    first = "CHÍNH PHỦ\nSố: 03/NQ-CP\nHà Nội, ngày 09 tháng 01 năm 2025\n\nNGHỊ QUYẾT\n\nNội dung.\n\nTM. CHÍNH PHỦ\n\n"
    second = "BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG ĐOÀN QUỐC HỘI\n\nSố 3260-KH/ĐĐQH15\n\nKẾ HOẠCH\n\nNội dung.\n"
    parts = split_documents(_doc(first + second))
    assert [p.text for p in parts] == [first, second]


def test_single_documents_stay_whole():
    quoting = ("**BAN CHẤP HÀNH TRUNG ƯƠNG**\n\nSố 57-NQ/TW\n\n**NGHỊ QUYẾT**\n\nCỦA BỘ CHÍNH TRỊ\n\n"
               "Tiếp tục thực hiện Nghị quyết số 20-NQ/TW ngày 01/11/2012.\n\n**Nghị quyết số 20-NQ/TW**\n\n"
               "**II- NHIỆM VỤ**\n\nSố 20-NQ/TW đã được tổng kết.\n\nNơi nhận:\n- Các tỉnh uỷ.\n")
    with_programme = ("# CHÍNH PHỦ\n\nSố: 03/NQ-CP\n\n# NGHỊ QUYẾT\n\nNội dung.\n\n*Nơi nhận:*\n- Các bộ.\n\n"
                      "TM. CHÍNH PHỦ\n\n# CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA CHÍNH PHỦ\n\n"
                      "*(Kèm theo Nghị quyết số 03/NQ-CP ngày 09 tháng 01 năm 2025 của Chính phủ)*\n\n## I. MỤC TIÊU\n")
    annex_after = quoting + "\n# Phụ lục\n\nDanh mục.\n"
    for text in (quoting, with_programme, annex_after, "Không có gì.\n", ""):
        doc = _doc(text)
        assert split_documents(doc) == [doc]


def test_trailing_commentary_after_a_single_document():
    official = "BAN CHẤP HÀNH TRUNG ƯƠNG\n\nSố 57-NQ/TW\n\nNGHỊ QUYẾT\n\nNội dung.\n\nT/M BỘ CHÍNH TRỊ\n\n"
    parts = split_documents(_doc(official + COMMENTARY))
    assert [p.text for p in parts] == [official, COMMENTARY]
    assert parse_metadata(parts[1].text)["kind"] == "commentary"


def test_page_starts_keep_the_original_page_numbers():
    text = NQ + KL
    pages = (0, 100, len(NQ) + 10, len(NQ) + 50)
    first, second = split_documents(_doc(text, page_starts=pages))
    assert first.page_starts == (0, 100)
    assert second.page_at(0) == 2 and second.page_at(10) == 3 and second.page_at(60) == 4
    assert first.page_at(150) == 2


def test_shared_corpus_multi_document_file(shared_corpus: Path):
    path = shared_corpus / "nq57_kl69_nq20-2012_bangoc.md"
    (doc,) = read_file(path, "party/nq57_kl69_nq20-2012_bangoc.md")
    parts = split_documents(doc)
    assert "".join(p.text for p in parts) == doc.text
    lines = [(doc.text[:doc.text.index(p.text)].count("\n") + 1, p) for p in parts]
    # SOURCE.md: 1-123 NQ 57, 125-190 KL 69, 192-~405 NQ 20, from 407 the transcriber's commentary.
    assert [n for n, _ in lines] == [1, 125, 192, 407]
    assert parts[0].text.rstrip().endswith("Nghị quyết này phổ biến đến chi bộ.")
    assert parts[3].text.startswith("# So sánh Nghị quyết 57 với Nghị quyết 20 và Kết luận 69")
    assert [p.key for p in parts] == [f"{doc.key}#{n}" for n in range(1, 5)]
    assert parts[1].title.startswith("Kết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị về tiếp tục")


def test_shared_corpus_other_files_stay_whole(shared_corpus: Path):
    paths = [p for p in sorted(shared_corpus.rglob("*")) if p.is_file() and p.name not in ("README.md", "SOURCE.md")
             and p.name != "nq57_kl69_nq20-2012_bangoc.md"]
    assert len(paths) >= 8
    for path in paths:
        for doc in read_file(path, path.name):
            assert split_documents(doc) == [doc], path.name
