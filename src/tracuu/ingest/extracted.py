"""Pipeline types between reading, cleaning and splitting: text as extracted, cleaned text with its offset map."""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

import numpy as np


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ExtractedDocument:
    """One document's text exactly as extracted from its file: every character offset in tracuu points into `text`.

    `key` is the document id inside an index: the path relative to the folder given to the build (posix
    separators), the file name when a single file was given, or the `_id` of a line of a .jsonl corpus.
    """

    key: str
    source: str
    format: str
    text: str
    title: str = ""
    page_starts: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # metadata the source states itself: a .jsonl line's other fields
    # The part of a file after the last official text's signature block (multidoc.py): someone's commentary, known
    # not to be an official text, so ask and quotes leave it out (furniture.py).
    commentary: bool = False

    @property
    def content_hash(self) -> str:
        # Stated metadata counts: a corpus line whose fields changed is re-read (its vectors are still reused).
        stated = "".join(f"\x00{key}={value}" for key, value in self.fields)
        return text_hash(self.text + stated)

    def page_at(self, offset: int) -> int | None:
        """1-based page holding `offset`, or None when the format has no pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass(frozen=True)
class Heading:
    """A heading line in the cleaned text (Markdown `#`, or a whole bold line), by span and level (1 = top)."""

    start: int
    end: int
    level: int


@dataclass(frozen=True)
class Table:
    """A table in the cleaned text: rows are the lines in [start, end), cells separated by " | "; header excluded."""

    start: int
    end: int
    header: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class CleanedText:
    """Cleaned text plus, for every character, the offset of the extracted character it came from.

    `offsets` has len(text) + 1 entries; the last is the end of the extracted text, so that a span
    [a, b) of the cleaned text maps to [offsets[a], offsets[b - 1] + 1) of the extracted text.
    `ends`, when given, has len(text) entries: where each character's source ends (exclusive); it matters
    when one cleaned character stands for several extracted ones (NFD "ệ" is 3 characters, "&amp;" is 5).
    """

    text: str
    offsets: np.ndarray
    headings: tuple[Heading, ...] = ()
    tables: tuple[Table, ...] = ()
    ends: np.ndarray | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            pos = int(self.offsets[start])
            return pos, pos
        last = int(self.ends[end - 1]) if self.ends is not None else int(self.offsets[end - 1]) + 1
        return int(self.offsets[start]), last

    @classmethod
    def identity(cls, text: str) -> "CleanedText":
        """Cleaned text that is its own source (tests, and text that needs no cleaning)."""
        return cls(text, np.arange(len(text) + 1, dtype=np.int64))
