"""Pick a gold snippet (8-25 words inside one paragraph, copied verbatim) from a passage for a query."""
from __future__ import annotations

import re

from tracuu.evaluate import bench_fold

MIN_WORDS, MAX_WORDS = 8, 25
WINDOW = 20
_WORD = re.compile(r"\S+")
_SYLLABLE = re.compile(r"[^\W_]+")


def syllables(text: str) -> set[str]:
    return set(_SYLLABLE.findall(bench_fold(text)))


def windows(text: str, size: int = WINDOW, step: int = 5) -> list[str]:
    """Verbatim spans of MIN_WORDS..MAX_WORDS words, each inside one line of text (a paragraph or clause)."""
    out = []
    for line in text.splitlines():
        spans = [m.span() for m in _WORD.finditer(line)]
        if len(spans) < MIN_WORDS:
            continue
        if len(spans) <= MAX_WORDS:
            out.append(line[spans[0][0]:spans[-1][1]])
            continue
        starts = list(range(0, len(spans) - size + 1, step))
        if starts[-1] != len(spans) - size:
            starts.append(len(spans) - size)
        out += [line[spans[s][0]:spans[s + size - 1][1]] for s in starts]
    return out


def best_snippet(text: str, query: str, *, skip_first_line: bool = False) -> str | None:
    """The window sharing most syllables with the query (earliest on ties): the words that answer it."""
    body = text.split("\n", 1)[1] if skip_first_line and "\n" in text else text
    candidates = windows(body) or windows(text)
    if not candidates:
        return None
    terms = syllables(query)
    return max(candidates, key=lambda w: (len(syllables(w) & terms), -candidates.index(w)))
