"""Cleaning: extracted text to NFC text without markup or PDF debris, keeping an exact offset map."""
from __future__ import annotations

import bisect
import re
from collections import Counter

import numpy as np

from tracuu.ingest.extracted import CleanedText, ExtractedDocument, Heading, Table
from tracuu.ingest.mapped_text import Line, MappedText, split_lines
from tracuu.ingest.markdown_clean import html_text, markdown_lines

# Formats whose line breaks may be layout, not meaning (converted from PDF or hard-wrapped).
_REFLOWED = frozenset({"pdf", "md", "txt"})
_NEWLINES = re.compile(r"\r\n?|[\f\v\x1c-\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\x00-\x08\x0e-\x1b\x7f]+")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,4}(?:\s*-)?$|^(?:[Tt]rang|Page)\s+\d{1,4}(?:\s*/\s*\d{1,4})?$"
                          r"|^\d{1,4}\s*/\s*\d{1,4}$")
_SENTENCE_END = frozenset('.:;!?"”»…')
_LIST_MARK = re.compile(r"^[a-zđ][).]\s")
_SPLIT_WORD_HEAD = re.compile(r"(?:^|\s)[A-Za-z]{2,}-$")
_SPLIT_WORD_TAIL = re.compile(r"^[a-z]+(?![^\W\d_])")
# News page furniture: a photo credit ("Ảnh: VGP/Gia Huy", "(Ảnh: TTXVN)"), alone or closing its caption line, and
# the author's byline closing the article ("Gia Huy"). It stays in the extracted text (offsets point there), but out
# of passages: a caption is not what an article says, and "Ảnh: VGP" would be quoted and searched as text.
_PHOTO_CREDIT = re.compile(r"(?:^|[.!?]\s+)\(?(?:Ảnh|Nguồn ảnh)(?: minh h[oọ]ạ?| minh hoạ)?\s*:\s*[^.;!?()]{1,60}\)?$"
                           r"|^\(?Ảnh minh h(?:ọa|oạ)\)?$")
_CAPTION_MAX = 250  # a longer line that ends with a credit is a paragraph, not a caption
_BYLINE = re.compile(r"^(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\W\d_]*\s){1,3}[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\W\d_]*$")
_RUNNING_DEPTH = 2  # lines from the top and the bottom of a page that can be a running header or footer
_RUNNING_MIN_PAGES = 3


def clean(doc: ExtractedDocument) -> CleanedText:
    """Cleaned text of `doc` with, per character, where it came from in `doc.text`; headings and tables found."""
    mapped = html_text(doc.text)[0] if doc.format == "html" else MappedText.of(doc.text)
    mapped = mapped.sub(_NEWLINES, "\n").sub(_INVISIBLE, "").nfc()
    lines = split_lines(mapped)
    if doc.format == "pdf":
        lines = _drop_running_lines(lines, doc.page_starts)
    if doc.format in ("md", "docx"):
        lines = markdown_lines(lines, inline=doc.format == "md")
    lines = [_squeeze(line) for line in lines]
    if doc.format in ("txt", "md", "html", "docx"):
        lines = _drop_news_furniture(lines)
    if doc.format in _REFLOWED:
        lines = _join_broken([ln for ln in lines if not _is_page_number(ln)])
    return _assemble(lines, len(doc.text))


def _squeeze(line: Line) -> Line:
    text = line.text.sub(_SPACES, " ").strip()
    kind = "blank" if not text.text else line.kind
    return Line(text, kind, line.level, line.header, line.table)


def _drop_news_furniture(lines: list[Line]) -> list[Line]:
    """Photo captions with their credit, and a closing byline: a few Title Case words after a long last paragraph
    (an official document ends with its signer under an upper-case title instead, which stays)."""
    kept = [ln for ln in lines if not (ln.kind == "text" and len(ln.text.text) <= _CAPTION_MAX
                                       and _PHOTO_CREDIT.search(ln.text.text))]
    texts = [i for i, ln in enumerate(kept) if ln.kind != "blank"]
    if len(texts) >= 2:
        last, before = kept[texts[-1]], kept[texts[-2]]
        if (last.kind == "text" and len(last.text.text) <= 40 and _BYLINE.match(last.text.text)
                and len(before.text.text) > 200 and before.text.text.endswith((".", "”", "\"", "…"))):
            del kept[texts[-1]]
    return kept


def _is_page_number(line: Line) -> bool:
    return line.kind == "text" and bool(_PAGE_NUMBER.match(line.text.text))


def _drop_running_lines(lines: list[Line], page_starts: tuple[int, ...]) -> list[Line]:
    """Drop headers and footers: lines repeated at the same place from a page's top or bottom on many pages."""
    pages: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.text.text.strip():
            pages.setdefault(bisect.bisect_right(page_starts, line.text.end) - 1, []).append(i)
    if len(pages) < _RUNNING_MIN_PAGES:
        return lines
    seen: Counter = Counter()
    places: dict[int, tuple] = {}
    for members in pages.values():
        for depth in range(min(_RUNNING_DEPTH, len(members))):
            for side, i in (("top", members[depth]), ("bottom", members[-1 - depth])):
                # Page numbers inside a running line change from page to page.
                key = (side, depth, re.sub(r"\d+", "#", " ".join(lines[i].text.text.split())))
                places[i] = places.get(i, ()) + (key,)
        for key in {k for i in members for k in places.get(i, ())}:
            seen[key] += 1
    running = {i for i, keys in places.items() if any(seen[k] >= _RUNNING_MIN_PAGES for k in keys)}
    return [line for i, line in enumerate(lines) if i not in running]


def _join_broken(lines: list[Line]) -> list[Line]:
    """Rejoin a paragraph cut by a page or line break: the line before ends mid-sentence, the next is lower case."""
    out: list[Line] = []
    blanks: list[Line] = []
    for line in lines:
        if line.kind == "blank":
            blanks.append(line)
            continue
        prev = out[-1] if out else None
        if prev is not None and prev.kind == line.kind == "text":
            joined = _joined(prev, line, hyphen_ok=not blanks)
            if joined is not None:
                out[-1] = joined
                blanks = []
                continue
        out.extend(blanks)
        blanks = []
        out.append(line)
    out.extend(blanks)
    return out


def _joined(prev: Line, line: Line, *, hyphen_ok: bool) -> Line | None:
    head, tail = prev.text, line.text
    if hyphen_ok and _SPLIT_WORD_HEAD.search(head.text) and _SPLIT_WORD_TAIL.match(tail.text):
        return Line(MappedText.join([head.slice(0, len(head) - 1), tail], tail.end))
    if head.text[-1] in _SENTENCE_END or not tail.text[0].islower() or _LIST_MARK.match(tail.text):
        return None
    return Line(MappedText.join([head, MappedText.literal(" ", head.end), tail], tail.end))


def _assemble(lines: list[Line], source_len: int) -> CleanedText:
    parts: list[MappedText] = []
    headings: list[Heading] = []
    tables: list[Table] = []
    size = 0
    pending_break = ""
    last_row_table = -1  # the table of the line just emitted, when it was a body row
    for line in lines:
        if line.kind == "blank":
            pending_break = "\n\n" if parts else ""
            continue
        if parts:
            parts.append(MappedText.literal(pending_break or "\n", parts[-1].end))
            size += len(parts[-1])
        pending_break = ""
        start, size = size, size + len(line.text)
        parts.append(line.text)
        if line.kind == "heading":
            headings.append(Heading(start, size, line.level))
        elif line.kind == "table_row" and line.table == last_row_table:
            tables[-1] = Table(tables[-1].start, size, line.header)
        elif line.kind == "table_row":
            tables.append(Table(start, size, line.header))
        last_row_table = line.table if line.kind == "table_row" else -1
    text = MappedText.join(parts, source_len)
    offsets = np.array(text.starts + [source_len], dtype=np.int64)
    return CleanedText(text.text, offsets, tuple(headings), tuple(tables), ends=np.array(text.ends, dtype=np.int64))
