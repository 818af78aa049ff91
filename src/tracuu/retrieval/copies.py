"""Where copies of one text become one hit: the same resolution indexed from two files must not fill a list twice.

A folder of Party documents often holds a resolution twice: as its own file and inside a compilation, or as a PDF
and a DOCX. Every passage of it then came back twice in a row (NQ 57's "Mục tiêu đến năm 2030" at ranks 7 and 8 of
the shared corpus), pushing other answers out of the top k. A copy has the same words under the same title; the
better-ranked one stays and names the others (`Hit.also_in`), so no source is lost.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from tracuu.text.analyzer import fold
from tracuu.ingest.passage_text import own_title
from tracuu.results import Passage

_WORD = re.compile(r"[^\W_]+")
Key = TypeVar("Key")


def text_key(text: str) -> str:
    """The words of a text, folded and lower-cased. Copies of one document differ in markup, punctuation, spacing
    and tone placement (hoá / hóa); their words do not. Two different passages with the same words in the same
    order (diacritics aside) say the same thing, so folding loses nothing here."""
    return " ".join(_WORD.findall(fold(text).lower()))


def copy_key(passage: Passage, title: str) -> str:
    """A passage's words under its document's title. Two articles of a law can share a body word for word
    ("Quyền của khách du lịch" and "Nghĩa vụ của khách du lịch"): their titles tell them apart, so they are no
    copies. Section labels are left out: two files of one resolution label the opening differently."""
    return f"{_title_key(own_title(passage, title))}\n{text_key(passage.text)}"


# An index has few titles and a search reads each many times: party-dev lexical search at k=100, p50 6.5 ms
# without this cache, 5.6 ms with it (the shared corpus's titles are long and shared by every passage).
_title_key = lru_cache(maxsize=4096)(text_key)


@dataclass(frozen=True)
class Distinct(Generic[Key]):
    key: Key
    passage: Passage
    copies: tuple[Passage, ...] = ()


def distinct(ranked: Sequence[Key], look_up: Callable[[list[Key]], list[Passage | None]], k: int,
             same: Callable[[Passage], str] = lambda p: text_key(p.text)) -> list[Distinct]:
    """The first `k` passages of `ranked` that are no copy of an earlier one (equal `same`), each with its later
    copies; `look_up` reads passages (None for one removed meanwhile), in chunks, only as far down as needed."""
    kept: list[Distinct] = []
    where: dict[str, int] = {}
    copies: dict[int, list[Passage]] = {}
    pos = 0
    while pos < len(ranked) and len(kept) < k:
        # One look-up usually suffices: copies are few, so read only what is still missing, plus a small margin.
        chunk = list(ranked[pos:pos + max(k - len(kept), 1) + 4])
        pos += len(chunk)
        for key, passage in zip(chunk, look_up(chunk)):
            if passage is None:
                continue
            mark = same(passage)
            first = where.get(mark)
            if first is not None:
                copies.setdefault(first, []).append(passage)
            elif len(kept) < k:
                where[mark] = len(kept)
                kept.append(Distinct(key, passage))
    return [Distinct(d.key, d.passage, tuple(copies.get(i, ()))) for i, d in enumerate(kept)]
