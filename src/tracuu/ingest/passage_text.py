"""What retrieval reads of a passage: BM25 reads its words, the encoder reads them under their headings.

A clause of a law ("1. Chấp nhận hoặc từ chối giải quyết tranh chấp.") or an item of a resolution ("- Có chương
trình tuyên truyền…") rarely says what it is about: its article title or section heading does. Encoding
"document title | enclosing sections" above the passage lifted ALQAC train hybrid MRR@10 from 0.929 to 0.935 and
party-dev from 0.775 to 0.848 (bench/README.md, "Passages under their headings"). BM25 does not get the heading:
it would count the same title words once per passage, and the document-title field (titles.py) already covers it.
"""
from __future__ import annotations

from typing import Mapping, Protocol, Sequence

from tracuu.results import Passage


class Tokenizer(Protocol):
    """What splitting and the encoder's text need of an encoder (`retrieval.encoders.Encoder` has it): its budget."""

    max_tokens: int

    def count_tokens(self, text: str) -> int: ...


# Recorded in the manifest's encoder entry: vectors made from another recipe are encoded again, not reused.
# Change the version whenever heading_parts or dense_text changes what the encoder reads.
WITH_HEADING = "heading+text/1"
TEXT_ONLY = "text/1"
TITLE_WORDS = 24  # long official titles ("Nghị quyết số 57-NQ/TW ngày … về …") are cut: their head names them
LABELS = 2  # the innermost section labels; outer ones are mostly the document's own parts ("III- NHIỆM VỤ")
RESERVED_TOKENS = 16  # the e5 "passage: " prefix and the special tokens, as the splitter leaves them


def recipe(encoder: object) -> str:
    """An encoder reads headings unless it says otherwise: the tests' bag-of-words encoder does not, since a
    24-word title would outweigh a short passage's own words in its hashed counts."""
    return WITH_HEADING if getattr(encoder, "reads_headings", True) else TEXT_ONLY


def index_text(passage: Passage) -> str:
    """What BM25 reads: the table header (context) before the passage's own words."""
    return f"{passage.context}\n{passage.text}" if passage.context else passage.text


def own_title(passage: Passage, title: str) -> str:
    """`title`, or "" when it is only the file name: a document with no title of its own is named by its file, and
    a file name is no heading (nor the same in a copy of the document under another name)."""
    return "" if title == passage.document_id else title


def heading_parts(passage: Passage, title: str) -> list[str]:
    title = own_title(passage, title)
    opening = " ".join(passage.text[:400].split())
    parts: list[str] = []
    for part in [" ".join(title.split()[:TITLE_WORDS]), *passage.section[-LABELS:]]:
        part = " ".join(part.rstrip("…").split())
        # A passage that opens with its title or its section's label already says it: twice costs tokens.
        if part and part not in parts and not opening.startswith(part):
            parts.append(part)
    return parts


def heading(passage: Passage, title: str) -> str:
    return " | ".join(heading_parts(passage, title))


def unchanged(passages: Sequence[Passage], titles: Mapping[str, str], before: Mapping[str, Passage],
              before_titles: Mapping[str, str]) -> list[Passage]:
    """The passages whose stored vector still fits: stored before (same id, so same text) with the same table
    header above it (`context`, which the encoder also reads) and under the same heading. Both backends decide
    vector reuse with this."""
    return [p for p in passages if (old := before.get(p.id)) is not None and old.context == p.context
            and heading(old, before_titles.get(old.document_id, "")) == heading(p, titles.get(p.document_id, ""))]


def dense_text(passage: Passage, title: str, encoder: Tokenizer) -> str:
    """The passage under its heading, within the encoder's budget: the passage is never cut, so a long one
    drops the outer parts of its heading first, then the heading altogether."""
    body = index_text(passage)
    parts = heading_parts(passage, title) if recipe(encoder) == WITH_HEADING else []
    budget = encoder.max_tokens - RESERVED_TOKENS
    while parts:
        text = " | ".join(parts) + "\n" + body
        if encoder.count_tokens(text) <= budget:
            return text
        parts = parts[1:]
    return body
