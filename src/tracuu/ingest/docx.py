"""Word (.docx) text: paragraphs, tables and heading styles of word/document.xml, read under a budget."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from tracuu.errors import UnreadableDocumentError
from tracuu.ingest.limits import ReadBudget, read_member

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path, budget: ReadBudget) -> tuple[str, str]:
    """The document's lines (headings as Markdown "#"), and the title its properties state ("" if none)."""
    try:
        with zipfile.ZipFile(path) as archive:
            # Inflated under the budget: a few hundred KB can unzip to gigabytes of XML.
            xml = read_member(archive, "word/document.xml", str(path), budget)
            body = ElementTree.fromstring(xml).find(f"{_W}body")
            del xml
            core = read_member(archive, "docProps/core.xml", str(path), budget) \
                if "docProps/core.xml" in archive.namelist() else b""
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise UnreadableDocumentError(str(path), f".docx bị hỏng: {exc}", fix="mở và lưu lại trong Word") from exc
    lines = _docx_blocks(body) if body is not None else []
    return "\n".join(lines), _docx_core_title(core)


def _docx_blocks(parent) -> list[str]:
    lines: list[str] = []
    for child in parent:
        if child.tag == f"{_W}p":
            lines.append(_docx_paragraph(child))
        elif child.tag == f"{_W}tbl":
            lines.extend(_docx_table(child))
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            lines.extend(_docx_blocks(content) if content is not None else [])
    return lines


def _docx_paragraph(p, headings: bool = True) -> str:
    parts: list[str] = []
    for node in p.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
    text = "".join(parts)
    style = p.find(f"{_W}pPr/{_W}pStyle")
    level = _heading_level(style.get(f"{_W}val", "")) if style is not None and headings else 0
    # Heading styles become Markdown headings so the cleaner records them like any other heading.
    return f"{'#' * level} {text}" if level and text.strip() else text


def _heading_level(style: str) -> int:
    m = re.fullmatch(r"(?i)heading\s*([1-6])|(title)", style)
    return (int(m.group(1)) if m.group(1) else 1) if m else 0


def _docx_table(tbl) -> list[str]:
    rows = []
    for tr in tbl.iter(f"{_W}tr"):
        cells = [" ".join(_docx_paragraph(p, False) for p in tc.iter(f"{_W}p")).replace("|", "¦").strip()
                 for tc in tr.findall(f"{_W}tc")]
        rows.append("| " + " | ".join(cells) + " |")
    if len(rows) > 1:  # a Word table's first row is taken as its header
        columns = rows[0].count(" | ") + 1
        rows.insert(1, "|" + "---|" * columns)
    return rows


def _docx_core_title(core: bytes) -> str:
    if not core:
        return ""
    try:
        node = ElementTree.fromstring(core).find("{http://purl.org/dc/elements/1.1/}title")
    except ElementTree.ParseError:
        return ""
    return (node.text or "") if node is not None else ""
