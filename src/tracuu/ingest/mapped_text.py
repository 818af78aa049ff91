"""Text that remembers, for every character, the span of the extracted text it came from."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Union

# A replacement is built from pieces: an int keeps that regex group with its own source spans, a str is
# new text whose characters cover the source between the previous kept piece and the next one.
Piece = Union[int, str]
Replacement = Union[str, int, Callable[[re.Match], Union[Piece, Sequence[Piece]]]]


class MappedText:
    """A string plus, per character, the source span [starts[i], ends[i]) it stands for.

    `end` is the source position just after the text, so an empty MappedText still knows where it is.
    """

    __slots__ = ("text", "starts", "ends", "end")

    def __init__(self, text: str, starts: list[int], ends: list[int], end: int) -> None:
        self.text, self.starts, self.ends, self.end = text, starts, ends, end

    @classmethod
    def of(cls, text: str, base: int = 0) -> "MappedText":
        """Text that is its own source, starting at source offset `base`."""
        starts = list(range(base, base + len(text)))
        return cls(text, starts, [s + 1 for s in starts], base + len(text))

    @classmethod
    def join(cls, parts: Iterable["MappedText"], end: int) -> "MappedText":
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for part in parts:
            text.append(part.text)
            starts.extend(part.starts)
            ends.extend(part.ends)
        return cls("".join(text), starts, ends, end)

    @classmethod
    def literal(cls, text: str, start: int, end: int | None = None) -> "MappedText":
        """New text standing for source [start, end) (an inserted separator when end is None)."""
        stop = start if end is None else end
        return cls(text, [start] * len(text), [stop] * len(text), stop)

    def __len__(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return f"MappedText({self.text!r})"

    def pos(self, i: int) -> int:
        """Source offset of the character at i (or of the end, for i == len)."""
        return self.starts[i] if i < len(self.text) else self.end

    def slice(self, a: int, b: int) -> "MappedText":
        return MappedText(self.text[a:b], self.starts[a:b], self.ends[a:b], self.pos(b))

    def strip(self) -> "MappedText":
        a, b = 0, len(self.text)
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        return self.slice(a, b)

    def sub(self, pattern: re.Pattern | str, repl: Replacement) -> "MappedText":
        """Like re.sub, composing the map: kept groups keep their spans, new text covers what it replaced."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        text: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        done = 0
        for m in regex.finditer(self.text):
            text.append(self.text[done : m.start()])
            starts.extend(self.starts[done : m.start()])
            ends.extend(self.ends[done : m.start()])
            self._emit(m, _pieces(repl, m), text, starts, ends)
            done = m.end()
        if done == 0 and not text:
            return self
        text.append(self.text[done:])
        starts.extend(self.starts[done:])
        ends.extend(self.ends[done:])
        return MappedText("".join(text), starts, ends, self.end)

    def _emit(self, m: re.Match, pieces: Sequence[Piece], text: list, starts: list, ends: list) -> None:
        cursor = m.start()
        for k, piece in enumerate(pieces):
            if isinstance(piece, int):
                a, b = m.span(piece)
                if a < 0:
                    continue
                text.append(self.text[a:b])
                starts.extend(self.starts[a:b])
                ends.extend(self.ends[a:b])
                cursor = b
            elif piece:
                until = _next_kept(m, pieces, k + 1)
                lo = self.pos(cursor)
                hi = self.ends[until - 1] if until > cursor else lo
                text.append(piece)
                starts.extend([lo] * len(piece))
                ends.extend([hi] * len(piece))

    def nfc(self) -> "MappedText":
        """NFC, one cluster (starter plus combining marks) at a time, so the map stays exact."""
        if unicodedata.is_normalized("NFC", self.text):
            return self
        return self.sub(_CLUSTER, _nfc_cluster)


def _pieces(repl: Replacement, m: re.Match) -> Sequence[Piece]:
    if isinstance(repl, (str, int)):
        return (repl,)
    out = repl(m)
    return (out,) if isinstance(out, (str, int)) else out


def _next_kept(m: re.Match, pieces: Sequence[Piece], k: int) -> int:
    for piece in pieces[k:]:
        if isinstance(piece, int) and m.start(piece) >= 0:
            return m.start(piece)
    return m.end()


def _nfc_cluster(m: re.Match) -> str | Sequence[Piece]:
    composed = unicodedata.normalize("NFC", m.group())
    return 0 if composed == m.group() else composed


def _char_class(codepoints: Iterable[int]) -> str:
    ranges: list[list[int]] = []
    for c in codepoints:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


_PLANES = range(0x30000)
# Hangul vowel and final jamo compose with the jamo before them although their combining class is 0.
_MARKS = _char_class(c for c in _PLANES if unicodedata.combining(chr(c)) or 0x1161 <= c <= 0x11C2)
# Characters NFC rewrites on their own (Ω, Å, U+0340, CJK compatibility ideographs...).
_SINGLETONS = _char_class(c for c in _PLANES if unicodedata.normalize("NFC", chr(c)) != chr(c))
_CLUSTER = re.compile(f"[^{_MARKS}]?[{_MARKS}]+|[{_SINGLETONS}]", re.S)


class Line:
    """One line of a document being cleaned, with what the cleaner learned about it."""

    __slots__ = ("text", "kind", "level", "header", "table")

    def __init__(self, text: MappedText, kind: str = "text", level: int = 0,
                 header: tuple[str, ...] = (), table: int = -1) -> None:
        # kind: "text", "blank", "heading", "table_header" or "table_row"; table: which table a row belongs to.
        self.text, self.kind, self.level, self.header, self.table = text, kind, level, header, table

    def __repr__(self) -> str:
        return f"Line({self.kind}, {self.text.text!r})"


def split_lines(mapped: MappedText) -> list[Line]:
    """Lines without their newline; each line's `end` is the source offset of the newline that ended it."""
    lines: list[Line] = []
    start = 0
    text = mapped.text
    while True:
        stop = text.find("\n", start)
        if stop < 0:
            lines.append(Line(mapped.slice(start, len(text))))
            return lines
        lines.append(Line(mapped.slice(start, stop)))
        start = stop + 1
