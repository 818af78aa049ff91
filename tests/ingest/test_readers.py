"""Readers turn files into text exactly as extracted, and turn every failure into an error that names the file."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pypdf
import pytest

from tracuu.ingest.cleaning import clean
from tracuu.errors import PathNotFoundError, UnreadableDocumentError
from tracuu.ingest.extracted import ExtractedDocument
from tracuu.ingest.readers import decode, read_file, read_paths


def read_all(*paths: Path) -> tuple[list[ExtractedDocument], list[UnreadableDocumentError]]:
    items = list(read_paths(list(paths)))
    docs = [i for i in items if isinstance(i, ExtractedDocument)]
    errors = [i for i in items if isinstance(i, UnreadableDocumentError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


# -- Text files and encodings ----------------------------------------------------------------------------


def test_txt_keeps_text_exactly_and_takes_first_line_as_title(tmp_path: Path):
    text = "\n  Nghị quyết Đại hội   XIII của Đảng  \n\nĐại hội đại biểu toàn quốc lần thứ XIII.\n"
    (tmp_path / "nq.txt").write_text(text, encoding="utf-8")
    (document,) = read_file(tmp_path / "nq.txt", "nq.txt")
    assert document.text == text
    assert document.title == "Nghị quyết Đại hội XIII của Đảng"
    assert (document.key, document.format, document.source) == ("nq.txt", "txt", str(tmp_path / "nq.txt"))


def test_title_is_capped(tmp_path: Path):
    (tmp_path / "dai.txt").write_text("Nghị quyết " * 60, encoding="utf-8")
    assert len(read_file(tmp_path / "dai.txt", "dai.txt")[0].title) <= 200


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_encodings(tmp_path: Path, encoding: str):
    (tmp_path / "a.txt").write_bytes("Ủy ban Thường vụ Quốc hội".encode(encoding))
    (document,) = read_file(tmp_path / "a.txt", "a.txt")
    assert document.text == "Ủy ban Thường vụ Quốc hội"
    assert document.warnings == ()


def test_cp1258_is_read_with_a_warning_and_cleans_to_nfc(tmp_path: Path):
    # cp1258 has ê, ô, ư... precomposed but the tones as combining marks.
    legacy = "Nghi\u0323 quyê\u0301t cu\u0309a Bô\u0323 Chi\u0301nh tri\u0323"
    (tmp_path / "cu.txt").write_bytes(legacy.encode("cp1258"))
    (document,) = read_file(tmp_path / "cu.txt", "cu.txt")
    assert document.text == legacy
    assert "cp1258" in document.warnings[0]
    assert clean(document).text == "Nghị quyết của Bộ Chính trị"


def test_undecodable_bytes():
    with pytest.raises(UnreadableDocumentError, match="không phải văn bản UTF-8"):
        decode(b"\x81\x8d\x8f\x90", "x.txt")


def test_markdown_title_is_the_first_heading_without_markup(tmp_path: Path):
    (tmp_path / "a.md").write_text("**BAN CHẤP HÀNH TRUNG ƯƠNG**\n\n## Nghị quyết số 57\\-NQ/TW ##\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("**BAN CHẤP HÀNH TRUNG ƯƠNG**\n\nSố 57\\-NQ/TW\n", encoding="utf-8")
    assert read_file(tmp_path / "a.md", "a.md")[0].title == "Nghị quyết số 57-NQ/TW"
    assert read_file(tmp_path / "b.md", "b.md")[0].title == "BAN CHẤP HÀNH TRUNG ƯƠNG"


def test_html_keeps_markup_in_text_and_title_from_the_title_tag(tmp_path: Path):
    page = "<html><head><title>Kết luận 69-KL/TW &amp; Nghị quyết 20</title></head><body><p>Kết luận</p></body></html>"
    (tmp_path / "kl.htm").write_text(page, encoding="utf-8")
    (document,) = read_file(tmp_path / "kl.htm", "kl.htm")
    assert (document.text, document.format) == (page, "html")
    assert document.title == "Kết luận 69-KL/TW & Nghị quyết 20"


# -- Folders and failures --------------------------------------------------------------------------------


def test_folder_is_read_recursively_in_order_with_relative_keys(tmp_path: Path):
    root = tmp_path / "corpus"
    (root / "dang" / "tw").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "dang" / "tw" / "nq57.md").write_text("# Nghị quyết 57-NQ/TW\n", encoding="utf-8")
    (root / "b.txt").write_text("Kết luận 69-KL/TW", encoding="utf-8")
    (root / "README.md").write_text("Thêm văn bản vào đây.", encoding="utf-8")
    (root / "SOURCE.md").write_text("Nguồn: Báo điện tử Chính phủ, 22/4/2021.", encoding="utf-8")
    (root / "dang" / "README.md").write_text("Văn bản của Đảng.", encoding="utf-8")
    (root / ".nhap.txt").write_text("bản nháp", encoding="utf-8")
    (root / ".git" / "config.txt").write_text("x", encoding="utf-8")
    docs, errors = read_all(root)
    assert errors == []
    assert [d.key for d in docs] == ["b.txt", "dang/README.md", "dang/tw/nq57.md"]
    assert docs[2].title == "Nghị quyết 57-NQ/TW"


def test_a_single_file_is_keyed_by_its_name(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "README.md").write_text("Hướng dẫn", encoding="utf-8")
    docs, _ = read_all(tmp_path / "sub" / "README.md")
    assert [d.key for d in docs] == ["README.md"]


def test_every_failure_is_reported_and_reading_goes_on(tmp_path: Path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.txt").write_text("Nghị quyết số 57-NQ/TW", encoding="utf-8")
    (root / "anh.png").write_bytes(b"\x89PNG\r\n")
    (root / "rong.txt").write_text(" \n\t\n", encoding="utf-8")
    (root / "rong.md").write_bytes(b"")
    (root / "hong.pdf").write_bytes(b"%PDF-1.4\nkhong phai pdf")
    (root / "hong.docx").write_bytes(b"PK\x03\x04 hong")
    (root / "z.md").write_text("# Kết luận 69-KL/TW", encoding="utf-8")
    docs, errors = read_all(root)
    assert [d.key for d in docs] == ["a.txt", "z.md"]
    reasons = {Path(e.path).name: e for e in errors}
    assert set(reasons) == {"anh.png", "rong.txt", "rong.md", "hong.pdf", "hong.docx"}
    assert reasons["anh.png"].reason == "không hỗ trợ loại tệp .png" and ".docx" in reasons["anh.png"].fix
    assert reasons["rong.txt"].reason == reasons["rong.md"].reason == "tệp trống"
    assert "PDF" in reasons["hong.pdf"].reason
    assert "docx" in reasons["hong.docx"].reason
    assert all(str(root) in e.path for e in errors)
    with pytest.raises(PathNotFoundError, match="khong-co.txt: không có tệp hoặc thư mục"):
        read_all(root, tmp_path / "khong-co.txt")  # a mistyped path stops the build: it is no unreadable file


def test_read_file_raises(tmp_path: Path):
    (tmp_path / "rong.txt").write_text("", encoding="utf-8")
    with pytest.raises(UnreadableDocumentError, match="rong.txt: tệp trống"):
        read_file(tmp_path / "rong.txt", "rong.txt")


# -- JSONL corpora ---------------------------------------------------------------------------------------


def test_jsonl_reads_each_line_and_reports_bad_ones(tmp_path: Path):
    rows = [
        json.dumps({"_id": "Luật Viên chức 2010|1", "title": "Phạm vi điều chỉnh",
                    "text": "Phạm vi điều chỉnh\n\nLuật này quy định về viên chức."}, ensure_ascii=False),
        "{khong phai json",
        "",
        json.dumps({"_id": "Luật Viên chức 2010|3", "text": "Giải thích từ ngữ"}, ensure_ascii=False),
        json.dumps({"title": "thiếu _id", "text": "..."}, ensure_ascii=False),
    ]
    (tmp_path / "corpus.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    docs, errors = read_all(tmp_path / "corpus.jsonl")
    assert [(d.key, d.title, d.format) for d in docs] == [
        ("Luật Viên chức 2010|1", "Phạm vi điều chỉnh", "jsonl"),
        ("Luật Viên chức 2010|3", "Giải thích từ ngữ", "jsonl"),
    ]
    assert docs[0].text == "Phạm vi điều chỉnh\n\nLuật này quy định về viên chức."
    assert [e.path for e in errors] == [f"{tmp_path / 'corpus.jsonl'}:2", f"{tmp_path / 'corpus.jsonl'}:5"]
    with pytest.raises(UnreadableDocumentError, match="corpus.jsonl:2"):
        read_file(tmp_path / "corpus.jsonl", "corpus.jsonl")


# -- PDF -------------------------------------------------------------------------------------------------


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF with a Helvetica text layer, one text line per string (Latin-1 text)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        ops = "BT /F1 12 Tf 14 TL 72 760 Td " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
        stream = ops.encode("latin-1")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{ops}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


REPORT = [
    ["Party Committee Report", "The committee reviewed digital transformation and", "7"],
    ["Party Committee Report", "innovation programmes for the whole province.", "8"],
    ["Party Committee Report", "Science and technology come first.", "9"],
]


def test_pdf_pages_are_recorded_and_debris_cleaned(tmp_path: Path):
    (tmp_path / "bao-cao.pdf").write_bytes(make_pdf(REPORT))
    (document,) = read_file(tmp_path / "bao-cao.pdf", "bao-cao.pdf")
    assert document.format == "pdf" and len(document.page_starts) == 3
    assert document.title == "Party Committee Report"
    second = document.text.index("innovation programmes")
    assert document.page_at(second) == 2 and document.page_at(0) == 1
    assert document.text[document.page_starts[2]:].startswith("Party Committee Report")
    assert clean(document).text == (
        "The committee reviewed digital transformation and innovation programmes for the whole province.\n\n"
        "Science and technology come first."
    )


def test_pdf_metadata_title_wins(tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(REPORT))))
    writer.add_metadata({"/Title": "Nghị quyết 57-NQ/TW"})
    writer.write(tmp_path / "nq57.pdf")
    assert read_file(tmp_path / "nq57.pdf", "nq57.pdf")[0].title == "Nghị quyết 57-NQ/TW"


def test_pdf_without_text_layer(tmp_path: Path):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    writer.write(tmp_path / "scan.pdf")
    _, (error,) = read_all(tmp_path / "scan.pdf")
    assert error.reason == "không có lớp văn bản (bản quét?)" and "ocrmypdf" in error.fix


def test_pdf_with_some_blank_pages_warns(tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(REPORT[:1]))))
    writer.add_blank_page(612, 792)
    writer.write(tmp_path / "mot-phan.pdf")
    (document,) = read_file(tmp_path / "mot-phan.pdf", "mot-phan.pdf")
    assert "trang 2 không có lớp văn bản" in document.warnings[0]


def test_encrypted_pdf(tmp_path: Path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(REPORT))))
    writer.encrypt("mat-khau")
    writer.write(tmp_path / "mat.pdf")
    _, (error,) = read_all(tmp_path / "mat.pdf")
    assert error.reason == "PDF có mật khẩu (bị mã hoá)" and "qpdf --decrypt" in error.fix


# -- DOCX ------------------------------------------------------------------------------------------------


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def para(text: str, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    runs = "".join(f"<w:r><w:t xml:space=\"preserve\">{part}</w:t></w:r>" for part in text.split("|"))
    return f"<w:p>{props}{runs}</w:p>"


def table(rows: list[list[str]]) -> str:
    cells = lambda row: "".join(f"<w:tc>{para(c)}</w:tc>" for c in row)  # noqa: E731
    return "<w:tbl>" + "".join(f"<w:tr>{cells(r)}</w:tr>" for r in rows) + "</w:tbl>"


def make_docx(body: str, title: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        if title:
            z.writestr("docProps/core.xml", '<cp:coreProperties xmlns:cp="urn:cp" '
                       f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></cp:coreProperties>')
    return out.getvalue()


def test_docx_paragraphs_headings_and_tables(tmp_path: Path):
    body = (
        para("KẾ HOẠCH| triển khai Nghị quyết 57-NQ/TW", "Heading1")
        + para("Đảng đoàn Quốc hội ban hành *Kế hoạch* như sau:")
        + table([["TT", "Nhiệm vụ", "Thời hạn"], ["1", "Rà soát luật", "Quý I/2025"], ["2", "Sửa | đổi", ""]])
        + para("Nơi nhận:")
    )
    (tmp_path / "kh.docx").write_bytes(make_docx(body))
    (document,) = read_file(tmp_path / "kh.docx", "kh.docx")
    assert document.text.splitlines() == [
        "# KẾ HOẠCH triển khai Nghị quyết 57-NQ/TW",
        "Đảng đoàn Quốc hội ban hành *Kế hoạch* như sau:",
        "| TT | Nhiệm vụ | Thời hạn |",
        "|---|---|---|",
        "| 1 | Rà soát luật | Quý I/2025 |",
        "| 2 | Sửa  đổi |  |",
        "Nơi nhận:",
    ]
    assert document.title == "KẾ HOẠCH triển khai Nghị quyết 57-NQ/TW"
    cleaned = clean(document)
    assert cleaned.text.splitlines()[:2] == ["KẾ HOẠCH triển khai Nghị quyết 57-NQ/TW",
                                             "Đảng đoàn Quốc hội ban hành *Kế hoạch* như sau:"]
    (tbl,) = cleaned.tables
    assert tbl.header == ("TT", "Nhiệm vụ", "Thời hạn")
    assert cleaned.text[tbl.start:tbl.end] == "1 | Nhiệm vụ: Rà soát luật | Thời hạn: Quý I/2025\n2 | Sửa đổi |"
    assert [h.level for h in cleaned.headings] == [1]


def test_docx_title_from_core_properties(tmp_path: Path):
    (tmp_path / "a.docx").write_bytes(make_docx(para("Nội dung"), title="Kết luận số 69-KL/TW"))
    assert read_file(tmp_path / "a.docx", "a.docx")[0].title == "Kết luận số 69-KL/TW"


def test_docx_failures(tmp_path: Path):
    (tmp_path / "rong.docx").write_bytes(make_docx(para("  ")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    (tmp_path / "thieu.docx").write_bytes(out.getvalue())
    (tmp_path / "xml-hong.docx").write_bytes(make_docx("<w:p>"))
    _, errors = read_all(tmp_path)
    assert {Path(e.path).name: e.reason.split(":")[0] for e in errors} == {
        "rong.docx": "tệp trống", "thieu.docx": ".docx bị hỏng", "xml-hong.docx": ".docx bị hỏng"}
