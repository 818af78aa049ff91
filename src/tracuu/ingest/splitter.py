"""Split cleaned document text into structure-aware passages that carry their section path."""
from __future__ import annotations

import bisect
import os.path
import re
from dataclasses import dataclass
from typing import Any, Callable

from tracuu.ingest.extracted import CleanedText, Table
from tracuu.text.sentences import fit_spans, strip_span


@dataclass(frozen=True)
class PassageSpan:
    """A passage: `cleaned.text[start:end]`, its enclosing section labels, and retrieval-only context."""

    start: int
    end: int
    section: tuple[str, ...]
    context: str = ""


# Ranks order section kinds from the top; Markdown heading levels 1-6 rank above every textual marker.
BOLD_HEADING_RANK, PART, CHAPTER, SUBCHAPTER, LETTER_UPPER, ROMAN, ARTICLE, ARABIC, ARABIC_PAREN, LETTER = (
    9, 10, 11, 12, 13, 14, 15, 16, 19, 20)
ITEM_RANK = ARABIC  # items (1., 1.1., 1), a)) may share a passage with their parent; higher levels never do
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_MARKERS: list[tuple[re.Pattern[str], int | None]] = [
    (re.compile(r"(?:Phần|PHẦN)\s+(?:thứ\s+\S+|THỨ\s+\S+|[IVXLC]+|\d+)(?=$|[\s.:)-])[.:)-]?"), PART),
    (re.compile(r"(?:Chương|CHƯƠNG)\s+(?:[IVXLC]+|\d+)(?=$|[\s.:)-])[.:)-]?"), CHAPTER),
    (re.compile(r"(?:Mục|MỤC)\s+(?:\d+|[IVXLC]+)(?=$|[\s.:)-])[.:)-]?"), SUBCHAPTER),
    (re.compile(r"(?:Điều|ĐIỀU)\s+\d+[a-z]?\s*[.:]"), ARTICLE),
    (re.compile(r"([IVXL]+)[.)-](?=\s|$)"), ROMAN),
    (re.compile(r"[A-ZĐ][.)-](?=\s|$)"), LETTER_UPPER),
    (re.compile(r"(\d{1,3}(?:\.\d{1,3}){0,3})[.-](?=\s|$)"), ARABIC),
    (re.compile(r"\d{1,3}\)(?=\s|$)"), ARABIC_PAREN),
    (re.compile(r"[a-zđ][.)](?=\s|$)"), LETTER),
    (re.compile(r"[-+•–·*](?=\s|$)"), None),  # bullets split blocks but name no section
]
_TERMINAL = tuple(".;!?…")
_TABLE_SEPARATOR = re.compile(r"[\s|:+-]*")
HEADING_MAX_WORDS = 40   # a marked line this short without final punctuation is a heading, not content
LABEL_WORDS = 10         # words kept after the marker in a long item's label
SHORT_LABEL_WORDS = 12   # a line this short is kept whole as a label


@dataclass
class _Block:
    start: int
    end: int
    rank: float | None = None        # section rank when the block opens a section
    label: str = ""
    heading: bool = False            # a heading line alone: glued to what follows it
    table: Table | None = None
    path: tuple[str, ...] = ()
    words: int = 0
    announces: bool = False          # ends with ":", so the items below complete it
    floating: bool = False           # a bold line of unknown level: nests under the current heading


@dataclass
class _Unit:
    blocks: list[_Block]
    words: int
    tokens: int
    table: Table | None = None

    @property
    def opens(self) -> _Block | None:
        return self.blocks[0] if self.blocks[0].rank is not None else None


@dataclass
class _Limits:
    text: str
    max_words: int
    count_tokens: Callable[[str], int] | None
    max_tokens: int

    def fits(self, start: int, end: int) -> bool:
        piece = self.text[start:end]
        if len(piece.split()) > self.max_words:
            return False
        return self.count_tokens is None or self.count_tokens(piece) <= self.max_tokens


def split_passages(cleaned: CleanedText, *, target_words: int = 120, max_words: int = 220,
                   count_tokens: Callable[[str], int] | None = None, max_tokens: int = 480) -> list[PassageSpan]:
    """Passages of `cleaned`, in document order, non-overlapping, each within max_words (and max_tokens)."""
    if max_words < 1 or (count_tokens is not None and max_tokens < 1):
        raise ValueError("max_words and max_tokens must be positive")
    text = cleaned.text
    limits = _Limits(text, max_words, count_tokens, max_tokens)
    blocks = _assign_paths(_blocks(cleaned))
    passages: list[PassageSpan] = []
    for group in _group(_units(blocks, limits), target_words, limits):
        section = _content_path([b for unit in group for b in unit.blocks])
        start, end = group[0].blocks[0].start, group[-1].blocks[-1].end
        context = _table_context(group[0].table, text[start:end])
        spans = fit_spans(text, start, end, limits.fits, max_words)
        passages.extend(PassageSpan(a, b, section, context) for a, b in spans)
    return passages


def _table_context(table: Table | None, text: str) -> str:
    """The table's header for retrieval, unless the row already reads with its column names ("Cơ quan chủ trì:
    Bộ Công An", markdown_clean._labelled_cells): twice would double their weight and the row's length in BM25."""
    if table is None or any(f"{name}: " in text for name in table.header if name):
        return ""
    return " | ".join(table.header)


def _blocks(cleaned: CleanedText) -> list[_Block]:
    """Paragraph-like blocks: blank lines, markers, headings and table rows start a new one."""
    text, blocks = cleaned.text, []
    tables, headings = (sorted(spans, key=lambda s: s.start) for spans in (cleaned.tables, cleaned.headings))
    table_starts, heading_starts = [t.start for t in tables], [h.start for h in headings]
    current: _Block | None = None
    for line in re.finditer(r"^.*$", text, re.M):
        start, end = strip_span(text, line.start(), line.end())
        if start == end:
            current = None
            continue
        table = _covering(tables, table_starts, start, start + 1)
        if table is not None:
            current = None
            if not _TABLE_SEPARATOR.fullmatch(text[start:end]):
                blocks.append(_row_block(text, start, end, table))
            continue
        heading = _covering(headings, heading_starts, start, end)
        rank, marker = _marker(text[start:end])
        if current is not None and current.floating and heading is not None and heading.level < 1 and not marker:
            current.end = end  # a bold title broken over several lines is one heading
        elif current is None or heading is not None or marker or current.heading or current.table:
            current = _Block(start, end, rank, heading=heading is not None)
            if heading is not None and rank is None:
                current.rank = heading.level if heading.level >= 1 else BOLD_HEADING_RANK
                current.floating = heading.level < 1
            blocks.append(current)
            if rank in (PART, CHAPTER, SUBCHAPTER):
                current = None  # its title, if on the next line, is folded in by _fold_titles
        else:
            current.end = end
    for block in blocks:
        block.words = len(text[block.start:block.end].split())
        block.announces = text[block.end - 1] == ":"
        if block.table is None:
            _describe(text, block)
    return _fold_titles(text, blocks)


def _covering(spans: list[Any], starts: list[int], start: int, end: int) -> Any:
    """The span (headings or tables, sorted, not overlapping) that overlaps [start, end), or None."""
    i = bisect.bisect_left(starts, end) - 1
    return spans[i] if i >= 0 and spans[i].end > start else None


def _marker(line: str) -> tuple[int | None, str]:
    """(rank, marker text) of a line-initial structural marker; rank None for a bullet; (None, "") if none."""
    for pattern, rank in _MARKERS:
        match = pattern.match(line)
        if match is None:
            continue
        if rank == ROMAN and not _ROMAN.fullmatch(match.group(1)):
            continue  # "L-" or "C." are letters of a lettered list, not Roman numerals
        if rank == ARABIC:
            rank = ARABIC + min(match.group(1).count("."), 2)
        return rank, match.group()
    return None, ""


def _describe(text: str, block: _Block) -> None:
    """Label a block that opens a section, and tell whether it is a heading standing alone."""
    if block.rank is None:
        return
    lines = text[block.start:block.end].split("\n")
    first_line = " ".join(lines if block.floating else lines[:1]).strip()  # a bold title's lines all label it
    _, marker = _marker(first_line)
    block.label = _label(first_line, len(marker.split()))
    rest = first_line[len(marker):].strip()
    block.heading = block.heading or ("\n" not in text[block.start:block.end] and (
        not rest or (block.words <= HEADING_MAX_WORDS and not rest.endswith(_TERMINAL))))


def _label(line: str, marker_words: int) -> str:
    words = line.split()
    if len(words) <= SHORT_LABEL_WORDS:
        return " ".join(words)
    return " ".join(words[:marker_words + LABEL_WORDS]).rstrip(",;:-–") + "…"


def _fold_titles(text: str, blocks: list[_Block]) -> list[_Block]:
    """Join "Chương I" and its title line below ("QUY ĐỊNH CHUNG") into one heading block."""
    folded: list[_Block] = []
    for block in blocks:
        prev = folded[-1] if folded else None
        if (prev is not None and prev.rank in (PART, CHAPTER, SUBCHAPTER) and prev.heading
                and len(prev.label.split()) <= 3 and block.table is None and (block.rank or 0) <= BOLD_HEADING_RANK
                and block.words <= HEADING_MAX_WORDS and not text[block.start:block.end].endswith(_TERMINAL)):
            prev.label = f"{prev.label} - {' '.join(text[block.start:block.end].split())}"
            prev.end, prev.words = block.end, prev.words + block.words
            continue
        folded.append(block)
    return folded


def _row_block(text: str, start: int, end: int, table: Table) -> _Block:
    """A table row; a row naming only a section ("I. | Nâng cao nhận thức… |  |") heads the rows below it."""
    cells = [c.strip() for c in text[start:end].strip("| \t").split("|")]
    block = _Block(start, end, table=table, words=len(text[start:end].split()))
    filled = [c for c in cells if c]
    if max(len(cells), len(table.header)) >= 3 and len(cells) >= 2 and cells[0] and cells[1] and not any(cells[2:]):
        rank, _ = _marker(cells[0] + ("" if cells[0][-1] in ".)-" else "."))
        if rank is not None and rank < ARABIC:
            block.rank, block.heading = rank, True
            block.label = _label(" ".join(filled), 1)
    return block


def _assign_paths(blocks: list[_Block]) -> list[_Block]:
    """Give each block the labels of the sections enclosing it; a table's own sections end with the table."""
    stack: list[tuple[float, str, bool]] = []
    outer: list[tuple[float, str, bool]] | None = None
    table: Table | None = None
    for block in blocks:
        if block.table is not table:
            if outer is not None:
                stack = outer
            outer, table = (list(stack), block.table) if block.table is not None else (None, None)
        if block.floating:
            block.rank = _floating_rank(stack)
        if block.rank is not None:
            while stack and stack[-1][0] >= block.rank:
                stack.pop()
            stack.append((block.rank, block.label, block.floating))
        block.path = tuple(label for _, label, _ in stack)
    return blocks


def _floating_rank(stack: list[tuple[float, str, bool]]) -> float:
    """Rank of a bold line of unknown level: just below the innermost heading-level section, closing its items;
    a sibling of a bold line already there; at the top (a title line) when there is no heading yet."""
    headings = [(rank, floating) for rank, _, floating in stack if rank < ITEM_RANK]
    if not headings:
        return BOLD_HEADING_RANK
    rank, floating = headings[-1]
    return rank if floating else rank + 0.5


def _units(blocks: list[_Block], limits: _Limits) -> list[_Unit]:
    """Glue headings standing alone to the first block inside them, so no passage is a bare heading."""
    units: list[_Unit] = []
    pending: list[_Block] = []
    for block in blocks:
        inside = bool(pending) and block.table is pending[-1].table and (
            block.path[:len(pending[-1].path)] == pending[-1].path
            or (block.floating and pending[-1].floating))  # title lines ("PHỤ LỤC II", "DANH MỤC…") go together
        if pending and not inside:
            units.append(_make_unit(pending, limits))
            pending = []
        pending.append(block)
        if not block.heading:
            units.append(_make_unit(pending, limits))
            pending = []
    if pending:
        units.append(_make_unit(pending, limits))
    return units


def _make_unit(blocks: list[_Block], limits: _Limits) -> _Unit:
    tokens = limits.count_tokens(limits.text[blocks[0].start:blocks[-1].end]) if limits.count_tokens else 0
    return _Unit(list(blocks), sum(b.words for b in blocks), tokens, blocks[0].table)


def _group(units: list[_Unit], target_words: int, limits: _Limits) -> list[list[_Unit]]:
    """Greedy merge of consecutive units towards target_words without crossing a section boundary."""
    groups: list[list[_Unit]] = []
    floor = 0  # units opening a section at this depth or above cannot join the current group
    words = tokens = 0
    for unit in units:
        joinable = bool(groups) and _may_share(groups[-1], unit, floor)
        if joinable and _size_allows(unit, words, tokens, target_words, limits):
            groups[-1].append(unit)
            words, tokens = words + unit.words, tokens + unit.tokens
        else:
            if not joinable:  # a section boundary; after a mere size break the section's floor carries on
                floor = 0 if unit.opens else len(_content_path(unit.blocks))
            groups.append([unit])
            words, tokens = unit.words, unit.tokens
        floor = max(floor, _unit_floor(unit))
    return groups


def _unit_floor(unit: _Unit) -> int:
    """Depth at or above which later sections may not join: an item closes its siblings out, except that
    points (a), 1)) close out only their parent's siblings, so that short points can share a passage."""
    depths = [len(b.path) - (b.rank >= ARABIC_PAREN) for b in unit.blocks if b.rank is not None]
    return max(depths, default=0)


def _may_share(group: list[_Unit], unit: _Unit, floor: int) -> bool:
    """Structure alone: may `unit` share a passage with the group before it?"""
    if unit.table is not None or group[-1].table is not None:
        return False  # one table row, one passage: rows are self-contained records
    opener = unit.opens
    if opener is None:
        return True
    # Only an item nested below the group's own section joins it: never "II" into "I", nor a section into a
    # preamble; a numbered item joins only the text announcing it ("Cụ thể là:"), points (a), 1)) join freely.
    nested = opener.rank >= ITEM_RANK and floor >= 1 and len(opener.path) > floor
    return nested and (opener.rank >= ARABIC_PAREN or group[-1].blocks[-1].announces)


def _size_allows(unit: _Unit, words: int, tokens: int, target_words: int, limits: _Limits) -> bool:
    total = words + unit.words
    if total > limits.max_words or (limits.count_tokens and tokens + unit.tokens > limits.max_tokens):
        return False
    # Join only while it brings the passage closer to the target size.
    return words < target_words and (total <= target_words or total - target_words < target_words - words)


def _content_path(blocks: list[_Block]) -> tuple[str, ...]:
    """The sections shared by the blocks' content (headings glued in front don't count); commonprefix is
    element-wise, so it works on tuples of labels."""
    content = [b for b in blocks if not b.heading] or blocks[-1:]
    return tuple(os.path.commonprefix([b.path for b in content]))



