"""A document as an index keeps it: its extracted text (the reference for every offset), metadata and offset maps."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class StoredDocument:
    """A document row with its full extracted text (the reference for every character offset)."""

    id: str
    source: str
    title: str
    format: str
    content_hash: str
    file_hash: str
    text: str
    page_starts: tuple[int, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    # The cleaning step's offset map (int32 bytes): cleaned character -> extracted start / end.
    clean_offsets: bytes = b""
    clean_ends: bytes = b""

    @classmethod
    def from_row(cls, row: tuple) -> "StoredDocument":
        *head, page_starts, metadata, warnings, offsets, ends = row
        return cls(*head, tuple(json.loads(page_starts)), json.loads(metadata), tuple(json.loads(warnings)),
                   offsets, ends)

    def source_span(self, clean_start: int, clean_end: int) -> tuple[int, int]:
        """Extracted-text span of a cleaned-text span (empty spans map to a point)."""
        offsets = np.frombuffer(self.clean_offsets, dtype=np.int32)
        if clean_end <= clean_start:
            return int(offsets[clean_start]), int(offsets[clean_start])
        ends = np.frombuffer(self.clean_ends, dtype=np.int32)
        return int(offsets[clean_start]), int(ends[clean_end - 1])

    def clean_span(self, source_start: int, source_end: int) -> tuple[int, int]:
        """Cleaned-text span of the cleaned characters that an extracted-text span holds whole (both maps rise)."""
        ends = np.frombuffer(self.clean_ends, dtype=np.int32)
        starts = np.frombuffer(self.clean_offsets, dtype=np.int32)[:len(ends)]  # the last one marks the end
        first = int(np.searchsorted(starts, source_start, "left"))
        return first, max(first, int(np.searchsorted(ends, source_end, "right")))
