"""Files that hold several documents (web compilations, a resolution followed by someone's commentary), split."""
from __future__ import annotations

import re
from dataclasses import replace

from tracuu.ingest.extracted import ExtractedDocument
from tracuu.text.document_patterns import HEADING_TYPES, clean_lines, find_symbols, number_line
from tracuu.ingest.metadata import parse_metadata

_ATX = re.compile(r"^ {0,3}#{1,2}\s+\S")
_H1 = re.compile(r"^ {0,3}#\s+\S")
# After the number in a heading that names a document: nothing, or its date, issuer or trích yếu.
_DESIGNATION_TAIL = re.compile(r"^\s*(?:$|[(,:–-]|ngày\s|của\s|về\s)", re.I)
_TYPE_START = re.compile("^(?:" + "|".join(sorted(map(re.escape, HEADING_TYPES), key=len, reverse=True)) + r")\b",
                         re.I)
# Where an official text ends: its distribution list or signature block.
_END = re.compile(r"Nơi nhận|^\W*(?:T/M|TM\.|THAY MẶT)\s|TỔNG BÍ THƯ|\(Đã ký\)")
_SIGNER = re.compile(r"^(?:K/T|KT\.|Q\.|TUQ\.|BÍ THƯ|CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG)\b")
_SECTION = re.compile(r"^(?:[IVXLC]+|[A-ZĐ]|\d{1,2})\s*[-.)–]\s")  # "II- NHIỆM VỤ" is no letterhead
_NEAR = 12  # lines between a type heading and the "Số" line of its letterhead


def split_documents(doc: ExtractedDocument) -> list[ExtractedDocument]:
    """The documents in `doc`, each an exact slice of its text; a single document comes back as `[doc]`."""
    raw = doc.text.splitlines(keepends=True)
    offsets = [0]
    for line in raw:
        offsets.append(offsets[-1] + len(line))
    cells = [clean_lines(line) for line in raw]
    starts = _starts(raw, cells)
    bounds = [0] + starts[1:]  # whatever precedes the first document's header belongs to it
    commentary = _commentary(raw, cells, bounds[-1])
    if commentary is not None:
        bounds.append(commentary)
    if len(bounds) < 2:
        return [doc]
    ends = bounds[1:] + [len(raw)]
    parts = []
    for n, (first, last) in enumerate(zip(bounds, ends), 1):
        start, end = offsets[first], offsets[last]
        text = doc.text[start:end]
        meta = parse_metadata(text)
        note = f"phần {n}/{len(bounds)} của {doc.source or doc.key}: dòng {first + 1}-{last}, " \
               f"ký tự {start}-{end} của tệp"
        if first == commentary:
            note += "; không phải văn bản chính thức (bình luận sau phần chữ ký cuối cùng)"
        parts.append(replace(doc, key=f"{doc.key}#{n}", text=text, title=meta.get("title") or doc.title,
                             page_starts=_shift(doc.page_starts, start, end),
                             warnings=doc.warnings + (note,), commentary=first == commentary))
    return parts


def _starts(raw: list[str], cells: list[list[str]]) -> list[int]:
    """Lines where a new official document begins: a type heading with its number, or a letterhead over "Số …"."""
    found: list[tuple[int, int, str]] = []  # (first line, line of its number, the number)
    for i, line in enumerate(raw):
        heading = " ".join(cells[i])
        if _ATX.match(line) and _TYPE_START.match(heading):
            m = re.search(r"\bsố\s+", heading, re.I)
            tail = heading[m.end():] if m and _H1.match(line) else ""
            named = [s for s in find_symbols(tail) if s.start == 0 and _DESIGNATION_TAIL.match(tail[s.end:])]
            anchor = (i, named[0].text) if named else _number_below(cells, i)
            if anchor:
                found.append((i, *anchor))
        elif symbol := next((s for cell in cells[i] if (s := number_line(cell))), None):
            top = _letterhead_top(raw, cells, i)
            if top is not None:
                found.append((top, i, symbol.text))
    merged: list[tuple[int, int, str]] = []
    for start, anchor, number in sorted(found):
        # A heading over a letterhead, or a web heading and the letterhead of the same number, are one document.
        if merged and (anchor == merged[-1][1] or start <= merged[-1][1] or number == merged[-1][2]):
            continue
        merged.append((start, anchor, number))
    return [start for start, _, _ in merged]


def _number_below(cells: list[list[str]], at: int) -> tuple[int, str] | None:
    for i in range(at + 1, min(at + _NEAR, len(cells))):
        for cell in cells[i]:
            if symbol := number_line(cell):
                return i, symbol.text
    return None


def _letterhead_top(raw: list[str], cells: list[list[str]], at: int) -> int | None:
    """The first line of the letterhead ("BAN CHẤP HÀNH TRUNG ƯƠNG", "CHÍNH PHỦ") above a "Số" line, if any."""
    top = None
    for i in range(at, max(-1, at - 6), -1):
        if i != at and any(_END.search(c) or _SIGNER.match(c) for c in cells[i]):
            break  # the signature block of the document before
        if any(c.isupper() and len(c.split()) <= 12 and not _SECTION.match(c) for c in cells[i]):
            top = i
        elif cells[i] and i != at and top is not None:
            break
    if top is None:
        return None
    for i in range(top - 1, max(-1, top - 4), -1):  # a heading just above ("# Nghị quyết 20 - 2012") opens it
        if _ATX.match(raw[i]):
            return i
    return top


def _commentary(raw: list[str], cells: list[list[str]], last_start: int) -> int | None:
    """Where a trailing non-official part begins: the first heading after the last document's signature block,
    unless it opens an annex or an attached programme (capitals, "PHỤ LỤC", "Kèm theo …")."""
    end = next((i for i in range(last_start + 1, len(raw)) if any(_END.search(c) for c in cells[i])), None)
    if end is None:
        return None
    for i in range(end + 1, len(raw)):
        if not _ATX.match(raw[i]):
            continue
        heading = " ".join(cells[i])
        below = " ".join(" ".join(c) for c in cells[i + 1:i + 6])
        if heading.isupper() or re.match(r"phụ lục", heading, re.I) or re.search(r"kèm theo", below, re.I):
            return None
        return i
    return None


def _shift(page_starts: tuple[int, ...], start: int, end: int) -> tuple[int, ...]:
    # Pages before the part collapse to 0, so page_at() still answers the page number in the original file.
    return tuple(max(0, p - start) for p in page_starts if p < end)
