"""Reading budgets: how much text, how many pages and how many unzipped bytes one file may cost before it is refused.

A reader checks these while it reads (a zip member while it inflates, a PDF before its pages are extracted), so a
hostile file is refused after a bounded amount of work instead of after it has filled the memory. The defaults fit
whole corpora read by `tracuu build`; the HTTP app passes tighter ones for uploads (api/limits.py).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from tracuu.errors import UnreadableDocumentError, thousands

_CHUNK = 1 << 16


@dataclass(frozen=True)
class ReadBudget:
    """What reading one file may cost. `max_chars` bounds each document's text (a .jsonl line's too)."""

    max_chars: int = 20_000_000
    max_bytes: int = 400 * 1024 * 1024  # a text file read whole: decoding needs several times its size
    max_pages: int = 20_000
    max_unzipped: int = 256 * 1024 * 1024  # one member of a .docx, inflated
    max_ratio: float = 200.0  # inflated / compressed, for members past `ratio_from` bytes (Word XML: 5-30)
    ratio_from: int = 1024 * 1024
    max_documents: int = 1_000_000  # lines of one .jsonl

    def chars(self, path: str, count: int, what: str = "nội dung") -> None:
        if count > self.max_chars:
            raise UnreadableDocumentError(path, f"{what} dài hơn {thousands(self.max_chars)} ký tự, vượt hạn mức đọc",
                                          fix="chia thành các văn bản nhỏ hơn")


DEFAULT = ReadBudget()


def read_member(archive: zipfile.ZipFile, name: str, path: str, budget: ReadBudget) -> bytes:
    """The inflated bytes of `name`, refused from its declared size and again while it inflates (a header can lie)."""
    info = archive.getinfo(name)
    _check_size(path, name, info.file_size, info.compress_size, budget, "khai báo kích thước giải nén")
    out = bytearray()
    with archive.open(info) as member:
        while block := member.read(_CHUNK):
            out += block
            _check_size(path, name, len(out), info.compress_size, budget, "giải nén ra")
    return bytes(out)


def _check_size(path: str, name: str, size: int, packed: int, budget: ReadBudget, verb: str) -> None:
    if size > budget.max_unzipped:
        raise UnreadableDocumentError(
            path, f"{name} {verb} hơn {budget.max_unzipped // (1024 * 1024)} MB (bom zip?)",
            fix="lưu lại văn bản trong Word, hoặc chia nhỏ nó")
    if size > budget.ratio_from and size > budget.max_ratio * max(packed, 1):
        raise UnreadableDocumentError(
            path, f"{name} {verb} gấp {size / max(packed, 1):.0f} lần kích thước nén, vượt hạn mức "
                  f"{budget.max_ratio:.0f} lần (bom zip?)", fix="lưu lại văn bản trong Word, hoặc chia nhỏ nó")


def sniff(head: bytes, fmt: str, suffix: str) -> tuple[str, str | None]:
    """The format the file's first bytes prove, and a warning when it is not the one its name says.

    Only unambiguous signatures count: a PDF named .txt would otherwise be indexed as PDF syntax.
    """
    if head.startswith(b"%PDF-") and fmt != "pdf":
        return "pdf", f"tên có đuôi {suffix} nhưng nội dung là PDF: đã đọc như PDF"
    if head.startswith(b"PK\x03\x04") and fmt in ("txt", "md", "html", "jsonl"):
        return "docx", f"tên có đuôi {suffix} nhưng nội dung là tệp zip: đã đọc như .docx"
    return fmt, None


_HIDING = re.compile(r"<(svg|style|script|noscript|template)\b", re.I)


def unclosed_hiding_tag(source: str) -> str | None:
    """A <svg>, <style>, <script>… opened more often than closed: the HTML reader hides everything after it.

    Counted, not matched pair by pair, so a page of many such tags costs one pass."""
    opened: dict[str, int] = {}
    for found in _HIDING.finditer(source):
        tag = found.group(1).lower()
        opened[tag] = opened.get(tag, 0) + 1
    for tag, count in opened.items():
        if len(re.findall(rf"</{tag}\s*>", source, re.I)) < count:
            return tag
    return None
