"""Reading budgets and content sniffing: hostile files (zip bombs, page floods, giant lines) are refused early."""
from __future__ import annotations

import io
import json
import resource
import time
import zipfile
from pathlib import Path

import pytest

from tracuu.errors import UnreadableDocumentError
from tracuu.ingest.limits import ReadBudget
from tracuu.ingest.readers import read_file, read_paths

from helpers import PARA, W, bomb_xml, docx_bytes

def _refused(path: Path, key: str, budget: ReadBudget) -> UnreadableDocumentError:
    with pytest.raises(UnreadableDocumentError) as caught:
        read_file(path, key, budget)
    return caught.value


def test_a_docx_bomb_is_refused_while_it_inflates(tmp_path):
    bomb = tmp_path / "bom.docx"
    bomb.write_bytes(docx_bytes(bomb_xml(32)))
    assert bomb.stat().st_size < 400_000  # a few hundred KB that unzip to 32 MB
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    err = _refused(bomb, "bom.docx", ReadBudget(max_unzipped=8 * 1024 * 1024, max_ratio=1e9))
    assert "word/document.xml khai báo kích thước giải nén hơn 8 MB" in err.reason and "bom zip" in err.reason
    # The ratio budget alone catches it too (declared size 32 MB, compressed ~35 KB), before a byte is inflated.
    err = _refused(bomb, "bom.docx", ReadBudget())
    assert "lần kích thước nén" in err.reason
    assert time.perf_counter() - started < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 100 * 1024  # KB: nothing was inflated whole


def test_a_docx_whose_header_lies_about_its_size_is_refused_by_what_it_inflates(tmp_path):
    data = bytearray(docx_bytes(bomb_xml(4)))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    real = info.file_size.to_bytes(4, "little")
    data = data.replace(real, (1000).to_bytes(4, "little"))  # local header and central directory both lie
    lying = tmp_path / "noi-doi.docx"
    lying.write_bytes(bytes(data))
    err = _refused(lying, "noi-doi.docx", ReadBudget(max_unzipped=2 * 1024 * 1024, max_ratio=1e9))
    # zipfile stops at the declared size (then the CRC fails) or the budget stops it: never the 4 MB.
    assert ".docx bị hỏng" in err.reason or "giải nén ra hơn" in err.reason


def test_a_normal_docx_is_within_the_default_budget(tmp_path):
    path = tmp_path / "nghi-quyet.docx"
    path.write_bytes(docx_bytes((
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{PARA}</w:t></w:r></w:p></w:body></w:document>'
    ).encode()))
    assert read_file(path, "nghi-quyet.docx")[0].text.startswith("Phát triển khoa học")


def test_character_budget_refuses_long_text_and_long_jsonl_lines(tmp_path):
    text = tmp_path / "dai.txt"
    text.write_text(PARA * 200, encoding="utf-8")
    err = _refused(text, "dai.txt", ReadBudget(max_chars=10_000))
    assert "dài hơn 10.000 ký tự" in err.reason
    assert read_file(text, "dai.txt", ReadBudget(max_chars=100_000))[0].text.startswith("Phát triển")
    corpus = tmp_path / "kho.jsonl"
    rows = [{"_id": "ngan", "text": PARA}, {"_id": "dai", "text": PARA * 200}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    found = list(read_paths([corpus], ReadBudget(max_chars=10_000)))
    assert found[0].key == "ngan" and isinstance(found[1], UnreadableDocumentError)
    assert found[1].path.endswith("kho.jsonl:2") and "dòng dài hơn 10.000 ký tự" in found[1].reason
    many = list(read_paths([corpus], ReadBudget(max_documents=1)))
    assert many[0].key == "ngan" and "hơn 1 văn bản, vượt hạn mức đọc" in many[1].reason


def test_byte_budget_refuses_before_reading(tmp_path):
    path = tmp_path / "lon.md"
    path.write_bytes(b"# Tieu de\n\n" + b"x" * 5000)
    assert "lớn hơn 0 MB" in _refused(path, "lon.md", ReadBudget(max_bytes=1000)).reason


def test_page_budget_refuses_a_page_flood(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    for _ in range(60):
        writer.add_blank_page(100, 100)
    path = tmp_path / "nhieu-trang.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    err = _refused(path, "nhieu-trang.pdf", ReadBudget(max_pages=50))
    assert "60 trang, vượt hạn mức đọc 50 trang" in err.reason


def test_pdf_bytes_named_txt_are_read_as_pdf_with_a_warning(tmp_path):
    from helpers import tiny_pdf

    path = tmp_path / "gia-danh.txt"
    path.write_bytes(tiny_pdf("Ke hoach chuyen doi so cua tinh nam 2025"))
    doc = read_file(path, "gia-danh.txt")[0]
    assert doc.format == "pdf" and "Ke hoach chuyen doi so" in doc.text and "%PDF" not in doc.text
    assert doc.warnings[0] == "tên có đuôi .txt nhưng nội dung là PDF: đã đọc như PDF"


@pytest.mark.parametrize("tag", ["svg", "style", "SCRIPT"])
def test_html_with_an_unclosed_hiding_tag(tmp_path, tag):
    hidden = tmp_path / "an.html"
    hidden.write_text(f"<html><body><{tag}><p>Nghị quyết về chuyển đổi số quốc gia.</p></body></html>",
                      encoding="utf-8")
    err = _refused(hidden, "an.html", ReadBudget())
    assert f"thẻ <{tag.lower()}> không được đóng" in err.reason and f"</{tag.lower()}>" in err.fix
    partly = tmp_path / "mot-phan.html"
    partly.write_text(f"<p>Kế hoạch phát triển hạ tầng số.</p><{tag}><p>Phần bị ẩn.</p>", encoding="utf-8")
    doc = read_file(partly, "mot-phan.html")[0]
    assert f"thẻ <{tag.lower()}> không được đóng: phần chữ sau nó không được đưa vào chỉ mục" in doc.warnings
    closed = tmp_path / "dong.html"
    closed.write_text(f"<{tag}>x</{tag}><p>Kế hoạch phát triển hạ tầng số.</p>", encoding="utf-8")
    assert not any("không được đóng" in w for w in read_file(closed, "dong.html")[0].warnings)
