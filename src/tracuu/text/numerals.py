"""Congress, term and plenum numbers: Roman, Arabic and Vietnamese words, recognised only in their contexts."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tracuu.text.analyzer import fold, fold_aligned, nfc

MAX_NUMBER = 60  # congresses, terms and plenums stay far below this; it keeps "DI", "MI", "CD" out of Roman
_ROMAN = [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
_UNITS = ["", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
# Folded spellings of the unit words, with the variants an ordinal or a compound takes (tư, lăm, mốt, bẩy).
_FOLDED_UNITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6, "bay": 7,
                 "tam": 8, "chin": 9}
_UNIT_WORD = "(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin)"
_WORDS = rf"(?:nhat|(?:(?:hai|ba|bon|nam|sau) muoi|muoi)(?: {_UNIT_WORD})?|{_UNIT_WORD})"
_NUM = r"(?:\d{1,2}|[ivxl]{1,7})"
_END = r"(?![\w])"

# Contexts on the folded, lower-cased query; the number is group "n".
_CONGRESS = re.compile(rf"\bdai hoi(?: dang)?(?: dai bieu(?: toan quoc)?)?(?P<lan> lan thu)?"
                       rf" (?P<n>{_NUM}|(?<=lan thu ){_WORDS}){_END}")
# "ĐH13", "ĐH XIII": how cadres type a congress. Only with a number right after: "ĐH" alone is also "đại học".
_CONGRESS_SHORT = re.compile(rf"\bdh ?(?P<n>\d{{1,2}}|[ivxl]{{1,7}}){_END}")
_TERM = re.compile(rf"\bkhoa (?P<n>{_NUM}){_END}")
_PLENUM = re.compile(rf"\bhoi nghi (?:ban chap hanh )?(?:trung uong|tw)(?: dang)?(?P<lan> lan thu)?"
                     rf" (?P<n>\d{{1,2}}|(?<=lan thu ){_WORDS}){_END}")
_PLENUM_LONG = re.compile(rf"\bhoi nghi lan thu (?P<n>\d{{1,2}}|{_WORDS}) ban chap hanh trung uong{_END}")
_ORDINAL = re.compile(rf"\b(?P<ctx>lan thu|ky hop thu|phien hop thu|phien thu) (?P<n>\d{{1,2}}|{_WORDS}){_END}")
_CONTEXT_WORDS = {"lan thu": "lần thứ", "ky hop thu": "kỳ họp thứ", "phien hop thu": "phiên họp thứ",
                  "phien thu": "phiên thứ"}


def to_roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def from_roman(text: str) -> int | None:
    """Value of a canonical Roman numeral up to MAX_NUMBER ("XIII" -> 13); None for "IIII", "VX" or words."""
    upper = text.upper()
    if not upper or set(upper) - set("IVXL"):
        return None
    total, prev = 0, 0
    for ch in reversed(upper):
        value = {"I": 1, "V": 5, "X": 10, "L": 50}[ch]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total if 0 < total <= MAX_NUMBER and to_roman(total) == upper else None


def to_words(n: int, ordinal: bool = False) -> str:
    """Vietnamese words: 13 -> "mười ba", 21 -> "hai mươi mốt"; ordinals say "thứ nhất", "thứ tư" after lần thứ."""
    if ordinal and n == 1:
        return "nhất"
    if ordinal and n == 4:
        return "tư"
    tens, unit = divmod(n, 10)
    if tens == 0:
        return _UNITS[unit]
    head = "mười" if tens == 1 else f"{_UNITS[tens]} mươi"
    if unit == 0:
        return head
    tail = {5: "lăm", 1: "mốt" if tens > 1 else "một", 4: "tư" if tens > 1 else "bốn"}.get(unit, _UNITS[unit])
    return f"{head} {tail}"


def from_words(folded: str) -> int | None:
    """Value of folded Vietnamese number words ("muoi ba" -> 13, "nhat" -> 1, "hai muoi tu" -> 24)."""
    parts = folded.split()
    if parts == ["nhat"]:
        return 1
    if len(parts) == 1:
        return 10 if parts[0] == "muoi" else _FOLDED_UNITS.get(parts[0])
    if parts[0] == "muoi":
        tens, rest = 1, parts[1:]
    elif len(parts) >= 2 and parts[1] == "muoi" and parts[0] in _FOLDED_UNITS:
        tens, rest = _FOLDED_UNITS[parts[0]], parts[2:]
    else:
        return None
    if len(rest) > 1 or (rest and rest[0] not in _FOLDED_UNITS):
        return None
    return tens * 10 + (_FOLDED_UNITS[rest[0]] if rest else 0)


@dataclass(frozen=True)
class NumberSpan:
    """One recognised number in its context; start/end index the original query."""

    start: int
    end: int
    kind: str  # congress | term | plenum | ordinal
    value: int
    variants: tuple[str, ...]  # the span's phrasings, the canonical Arabic one first
    context: str = ""
    written: str = "arabic"  # arabic | roman | words: how the text wrote the number


def _value(raw: str, original: str) -> int | None:
    if raw.isdigit():
        n = int(raw)
        return n if 0 < n <= MAX_NUMBER * 2 else None
    if re.fullmatch(r"[ivxl]+", raw):
        # A token written with diacritics ("vì", "xí") is a word, never a Roman numeral.
        return from_roman(raw) if fold(original) == original else None
    return from_words(raw)


def _variants(kind: str, n: int, context: str) -> tuple[str, ...]:
    roman, words = to_roman(n), to_words(n, ordinal=True)
    if kind == "congress":
        return (f"Đại hội {n}", f"Đại hội {roman}", f"Đại hội lần thứ {words}")
    if kind == "term":
        return (f"khóa {n}", f"khóa {roman}")
    if kind == "plenum":  # the formal title; "Hội nghị Trung ương lần thứ sáu" shares all but one bigram with it
        return (f"Hội nghị Trung ương {n}", f"Hội nghị lần thứ {words} Ban Chấp hành Trung ương")
    return (f"{context} {n}", f"{context} {words}")


def find_numbers(text: str) -> list[NumberSpan]:
    """Every congress, term, plenum or session number in `text`, each with its equivalent phrasings."""
    text = nfc(text)
    low = fold_aligned(text)
    spans: list[NumberSpan] = []
    taken: list[tuple[int, int]] = []
    patterns = [("plenum", _PLENUM_LONG), ("plenum", _PLENUM), ("congress", _CONGRESS), ("congress", _CONGRESS_SHORT),
                ("term", _TERM), ("ordinal", _ORDINAL)]
    for kind, pattern in patterns:
        for m in pattern.finditer(low):
            a, b = m.span("n")
            if any(a < e and s < b for s, e in taken):
                continue  # the number already belongs to a longer context ("Hội nghị TW lần thứ 6")
            raw = text[a:b]
            if kind == "congress" and raw.lower() == "vi" and raw != "VI":
                continue  # unaccented "đại hội vì ..." is likelier than a lower-case Roman six
            n = _value(m.group("n"), raw)
            if n is None:
                continue
            context = _CONTEXT_WORDS.get(m.groupdict().get("ctx") or "", "")
            written = "arabic" if raw.isdigit() else "roman" if from_roman(raw) else "words"
            spans.append(NumberSpan(m.start(), m.end(), kind, n, _variants(kind, n, context), context, written))
            taken.append((a, b))
    return sorted(spans, key=lambda s: s.start)


def _already_said(variant: str, low_query: str) -> bool:
    return fold_aligned(variant) in low_query


def expand_query(query: str) -> list[str]:
    """Other phrasings of the query's congress/term/plenum numbers, to search alongside the query.

    Returns the rewritten span only ("khóa XI" for "khóa 11"), not the whole query, so that appending them to the
    query adds the new number tokens and their bigrams without repeating every other word. Congresses are spelled
    in words only for a query that used words: documents write "Đại hội XIII", and "lần thứ mười ba" added to
    every such query pulled in unrelated "lần thứ" passages (party-dev d01 fell from rank 1 to 2).
    """
    low = fold_aligned(nfc(query))
    out: list[str] = []
    for span in find_numbers(query):
        variants = span.variants
        if span.kind == "congress" and span.written != "words":
            variants = variants[:2]
        for variant in variants:
            if not _already_said(variant, low) and variant not in out:
                out.append(variant)
    return out


def write_out(text: str) -> str:
    """`text` with short congress forms written as the documents write them ("ĐH13" -> "Đại hội XIII"), for the
    dense encoder, which reads words, not initials. Long forms ("Đại hội 13") stay as typed."""
    low = fold_aligned(nfc(text))
    out, at = [], 0
    for span in find_numbers(text):
        if span.kind == "congress" and low.startswith("dh", span.start):
            out += [text[at:span.start], f"Đại hội {to_roman(span.value)}"]
            at = span.end
    return "".join(out) + text[at:] if out else text
