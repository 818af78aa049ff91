"""Markdown and HTML markup removal that keeps the offset map: headings, tables, emphasis, links, entities."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from tracuu.ingest.mapped_text import Line, MappedText

_HEADING = re.compile(r"^\s{0,8}(#{1,6})(?:\s+(.*?))??(?:\s+#+)?\s*$")
# Thematic breaks and code fences carry no text.
_RULE = re.compile(r"^\s*(?:([-*_])(?:\s*\1){2,}|```[\w-]*|~~~[\w-]*)\s*$")
_BULLET = re.compile(r"^(\s*)\*(\s+)")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_PIPE = re.compile(r"(?<!\\)\|")

_INLINE = [
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"), 1),
    (re.compile(r"<(https?://[^>\s]+)>"), 1),
    (re.compile(r"<br\s*/?>", re.I), " "),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),
    (re.compile(r"(?<!\\)\*\*+|(?<![\w\\])__+|__+(?!\w)"), ""),
    # A lone * between spaces (2 * 3) or in a footnote mark (*) is text, not emphasis.
    (re.compile(r"(?<![(\s\\])\*|(?<!\\)\*(?![)\s])"), ""),
    (re.compile(r"(?<![\w\\])_(?=\S)|(?<=[^\s\\])_(?!\w)"), ""),
    (re.compile(r"\\([!-/:-@\[-`{-~])"), 1),
]
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: MappedText) -> MappedText:
    def repl(m: re.Match) -> str | int:
        decoded = html.unescape(m.group())
        return 0 if decoded == m.group() else decoded

    return text.sub(_ENTITY, repl)


def clean_inline(text: MappedText) -> MappedText:
    """Drop emphasis, escapes, links' targets, images and tags from one line of Markdown."""
    for pattern, repl in _INLINE:
        text = text.sub(pattern, repl)
    return decode_entities(text)


def markdown_lines(lines: list[Line], *, inline: bool = True) -> list[Line]:
    """Classify Markdown lines (headings, tables) and clean them; `inline=False` keeps emphasis chars (docx)."""
    out: list[Line] = []
    tables = 0
    i = 0
    while i < len(lines):
        if lines[i].text.text.lstrip().startswith("|"):
            j = i
            while j < len(lines) and lines[j].text.text.lstrip().startswith("|"):
                j += 1
            out.extend(_table(lines[i:j], tables, inline))
            tables += 1
            i = j
            continue
        out.append(_text_line(lines[i].text, inline))
        i += 1
    return out


def _text_line(text: MappedText, inline: bool) -> Line:
    raw = text.text
    clean = clean_inline if inline else (lambda t: t)
    if _RULE.match(raw):
        return Line(text.slice(0, 0), "blank")
    heading = _HEADING.match(raw)
    if heading:
        body = text.slice(*heading.span(2)) if heading.group(2) else text.slice(0, 0)
        return Line(clean(body), "heading", len(heading.group(1)))
    if inline:
        text = text.sub(_BULLET, lambda m: [1, "-", 2])
        if _is_bold_heading(raw):
            return Line(clean(text), "heading", 0)
    return Line(clean(text), "text")


def _is_bold_heading(raw: str) -> bool:
    """A short line that opens in bold and is mostly bold (or all capitals): a heading of unknown level."""
    line = raw.strip()
    if not line.startswith(("**", "__")) or len(line) > 400:
        return False
    parts = re.split(r"\*\*|__", line)
    bold = sum(ch.isalpha() for part in parts[1::2] for ch in part)
    letters = sum(ch.isalpha() for ch in line)
    if not bold:
        return False
    # A long bold sentence is an emphasised lead paragraph, not a heading.
    if len(line) > 120 and re.sub(r"[*_\s]+$", "", line).endswith((".", ";")):
        return False
    capitals = all(not ch.isalpha() or ch.isupper() for ch in line)
    return capitals or bold >= 0.6 * letters


def _table(lines: list[Line], table: int, inline: bool) -> list[Line]:
    separators = [bool(_SEPARATOR.match(line.text.text)) for line in lines]
    has_header = len(lines) > 1 and separators[1] and not separators[0]
    header: tuple[str, ...] = ()
    out: list[Line] = []
    for k, line in enumerate(lines):
        if separators[k]:
            continue
        cells = _cells(line.text, inline)
        if k == 0 and has_header:
            header = tuple(c.text for c in cells)
            out.append(Line(_join_cells(cells, line.text), "table_header", table=table))
        elif any(c.text for c in cells):
            joined = _labelled_cells(cells, header, line.text) or _join_cells(cells, line.text)
            out.append(Line(joined, "table_row", header=header, table=table))
    return out


_ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]+|[a-zđ])[.)]?$")
LABELLED_CELLS = 3  # a row with fewer filled cells heads a group of rows ("I. | Nâng cao nhận thức…"): no labels


def _labelled_cells(cells: list[MappedText], header: tuple[str, ...], row: MappedText) -> MappedText | None:
    """A record row read with its column names: "69. | Tên nhiệm vụ: Hoàn thành… | Cơ quan chủ trì: Bộ Công An |
    Thời gian hoàn thành: 12/2025"; empty cells left out, the row's number unlabelled. The names are inserted
    text standing for no source character (zero-width at their cell's start), so every offset stays exact.
    None when the table has no header or the row is a group heading."""
    filled = [(k, c) for k, c in enumerate(cells) if c.text]
    if not header or len(filled) < LABELLED_CELLS:
        return None
    parts: list[MappedText] = []
    for n, (k, cell) in enumerate(filled):
        if parts:
            parts.append(MappedText.literal(" | ", parts[-1].end))
        name = " ".join(header[k].split()) if k < len(header) else ""
        if name and not (n == 0 and _ROW_NUMBER.match(cell.text)):
            parts.append(MappedText.literal(f"{name}: ", cell.pos(0)))
        parts.append(cell)
    return MappedText.join(parts, row.end)


def _cells(row: MappedText, inline: bool) -> list[MappedText]:
    stripped = row.strip()
    bounds = [m.start() for m in _PIPE.finditer(stripped.text)]
    edges = [-1] + bounds + [len(stripped.text)]
    cells = [stripped.slice(a + 1, b) for a, b in zip(edges, edges[1:])]
    if stripped.text.startswith("|"):
        cells = cells[1:]
    if len(cells) > 1 and stripped.text.endswith("|") and not stripped.text.endswith("\\|"):
        cells = cells[:-1]
    clean = clean_inline if inline else (lambda t: t)
    return [clean(cell).strip() for cell in cells]


def _join_cells(cells: list[MappedText], row: MappedText) -> MappedText:
    """Cells joined by " | "; an empty cell stays (as nothing between separators) so columns line up."""
    parts: list[MappedText] = []
    for k, cell in enumerate(cells):
        if k:
            at = cell.pos(0) if cell.text else cell.end
            parts.append(MappedText.literal(" | ", parts[-1].end if parts else at))
        parts.append(cell)
    return MappedText.join(parts, row.end)


_BLOCKS = frozenset("""address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6
header hr li main nav ol p pre section table tbody td th thead tfoot tr ul title""".split())
_SKIPPED = frozenset({"script", "style", "head", "noscript", "template", "svg"})


class _HtmlText(HTMLParser):
    """Collects the visible text of an HTML page as MappedText pieces, positions taken from the parser."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
        self.parts: list[MappedText] = []
        self.skipping = 0
        self.pre = 0

    def _here(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _break(self) -> None:
        self.parts.append(MappedText.literal("\n", self._here()))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "pre":
            self.pre += 1
        if tag in _BLOCKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = MappedText.of(data, self._here())
        # Outside <pre>, a newline in the source is just a space.
        self.parts.append(text if self.pre else text.sub(r"[\r\n]", " "))

    def handle_entityref(self, name: str) -> None:
        self._entity(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._entity(f"&#{name};")

    def _entity(self, ref: str) -> None:
        if self.skipping:
            return
        start = self._here()
        # One feed() call, so rawdata is still the whole source; a reference may lack its ";".
        size = len(ref) if self.rawdata.startswith(ref, start) else len(ref) - 1
        self.parts.append(MappedText.literal(html.unescape(ref), start, start + size))


def html_text(source: str) -> tuple[MappedText, str]:
    """The visible text of an HTML document with its map into `source`, and its <title>."""
    parser = _HtmlText(source)
    parser.feed(source)
    parser.close()
    return MappedText.join(parser.parts, len(source)), html_title(source)


def html_title(source: str) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", source, re.I | re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split()) if m else ""
