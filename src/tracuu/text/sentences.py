"""Vietnamese-aware sentence splitting, and cutting a span at sentence, then word boundaries to fit a limit."""
from __future__ import annotations

import re
from typing import Callable

# Abbreviations whose final dot is not a full stop (compared lower-case, leading punctuation removed).
ABBREVIATIONS = frozenset({
    "tp", "tx", "tr", "vs", "v.v", "vv", "gs", "pgs", "ts", "ths", "th.s", "bs", "ks", "ncs", "tskh",
    "gs.ts", "pgs.ts", "gs.tskh", "ttg", "nxb", "tm", "kt", "tl", "tuq", "đ/c", "mr", "ms", "dr",
})

# A full-stop candidate: terminator(s), optional closing quotes or brackets, then whitespace.
_CANDIDATE = re.compile(r"(?:\.{3}|…|[.!?])+[\"'”’»)\]]*(?=\s)")
_OPENERS = "\"'“‘«(["
# The dot of a line-initial item marker ("1.", "2.1.", "II.", "a.", "Điều 5.") never ends a sentence.
_LINE_MARKER = re.compile(
    r"\s*(?:(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)\s+)?"
    r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]+|[A-ZĐ]|[a-zđ]|thứ\s+\w+)\.",
)
_TOKEN_BEFORE = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of `text`, each without surrounding whitespace, in order."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        bounds = [line.start(), *(line.start() + cut for cut in _cuts(line.group())), line.end()]
        for start, end in zip(bounds, bounds[1:]):
            start, end = strip_span(text, start, end)
            if start < end:
                spans.append((start, end))
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) narrowed to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def fit_spans(text: str, start: int, end: int, fits: Callable[[int, int], bool],
              max_words: int) -> list[tuple[int, int]]:
    """Cut text[start:end] into consecutive spans that each satisfy `fits`: at sentence ends, then between words,
    then inside a single over-long word; every non-space character stays in some span (nothing is truncated)."""
    return _fit(text, start, end, fits, max_words, 0)


def _fit(text: str, start: int, end: int, fits: Callable[[int, int], bool], max_words: int,
         level: int) -> list[tuple[int, int]]:
    if fits(start, end):
        return [(start, end)]
    if level == 2:
        if end - start < 2:
            raise ValueError(f"a single character does not fit the limit: {text[start:end]!r}")
        half = start + (end - start) // 2
        return _fit(text, start, half, fits, max_words, 2) + _fit(text, half, end, fits, max_words, 2)
    if level == 0:
        pieces = [(start + a, start + b) for a, b in split_sentences(text[start:end])]
    else:
        pieces = [(m.start(), m.end()) for m in re.compile(r"\S+").finditer(text, start, end)]
    if len(pieces) <= 1:
        return _fit(text, start, end, fits, max_words, level + 1)
    # Aim at equal parts, so that a long paragraph does not leave a tail of a few words.
    words = len(text[start:end].split())
    budget = -(-words // max(1, -(-words // max_words)))
    spans: list[tuple[int, int]] = []
    group_start, group_end = pieces[0]
    for piece_start, piece_end in pieces[1:]:
        if len(text[group_start:group_end].split()) < budget and fits(group_start, piece_end):
            group_end = piece_end
        else:
            spans.extend(_fit(text, group_start, group_end, fits, max_words, level + 1))
            group_start, group_end = piece_start, piece_end
    spans.extend(_fit(text, group_start, group_end, fits, max_words, level + 1))
    return spans


def _cuts(line: str) -> list[int]:
    """Offsets inside one line just after each sentence-ending punctuation run."""
    cuts = []
    for match in _CANDIDATE.finditer(line):
        if _ends_sentence(line, match.start(), match.end()):
            cuts.append(match.end())
    return cuts


def _ends_sentence(line: str, start: int, end: int) -> bool:
    following = line[end:].lstrip()
    if not following or not _starts_sentence(following):
        return False
    punct = line[start:end]
    if not punct.startswith(".") or punct.startswith("..."):
        return True
    before = line[:start]
    if _LINE_MARKER.fullmatch(line[: start + 1]):
        return False
    return not _is_abbreviation(before)


def _starts_sentence(following: str) -> bool:
    """True when the next text starts like a sentence: an upper-case letter, maybe after an opening quote."""
    first = following.lstrip(_OPENERS)[:1]
    return first.isupper()


def _is_abbreviation(before: str) -> bool:
    match = _TOKEN_BEFORE.search(before)
    if not match:
        return False
    token = match.group(1).lstrip(_OPENERS).lower()
    if token in ABBREVIATIONS:
        return True
    if len(token) == 1 and (token.isascii() or token == "đ") and token.isalpha():
        # An initial ("Nguyễn V. A.") or a single-letter abbreviation ("Q. Ba Đình"); a toned vowel is a word
        # that ends the sentence ("... Đông Nam Á. Đến năm 2045").
        return True
    # Dotted abbreviations such as "PGS.TS" or "Th.S": short alphabetic chunks joined by dots.
    chunks = token.split(".")
    return len(chunks) > 1 and all(chunk.isalpha() and len(chunk) <= 4 for chunk in chunks)
