"""What a question specifically asks, and whether a sentence addresses it: the year it names, the figure it names,
and the kind of answer (how many -> a number, when -> a date, who -> a person, which body -> a body, where -> a place).

A question about 2030 is not answered by a sentence about 2025, however close the words: these checks are
evidence next to term coverage and the encoder's similarity, and a mismatch lowers confidence sharply.
Pure functions over strings (questions are folded: they are often typed without diacritics).
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tracuu.text.analyzer import fold, fold_aligned

_YEAR = re.compile(r"(?<![\d.,/])(19[4-9]\d|20\d\d)(?![\d.,]\d)")
# A period: "nhiệm kỳ 2020-2025", "5 năm 2021 - 2025", "từ 2021 đến 2030" (folded or not).
_RANGE = re.compile(r"(?<![\d.,/])(19[4-9]\d|20\d\d)\s*(?:-|–|—|đến|den|tới|toi)\s*(?:năm\s+|nam\s+)?"
                    r"(19[4-9]\d|20\d\d)(?![\d.,]\d)")
# Not part of a name or a code: "ĐĐQH15", "5G", "1Gb/s".
_NUMBER = re.compile(r"(?<![0-9a-z.,/])\d+(?:[.,]\d+)*(?![^\W\d_])")
# A number right after a document's name is part of the name ("Nghị quyết 57", "NQ 03/NQ-CP", "khóa 11"), or
# right before its type ("57-NQ/TW"), not a figure asked about.
_NAME_BEFORE = re.compile(r"(nghi quyet|nq|ket luan|kl|so|dai hoi|dh|khoa|chi thi|ct|quyet dinh|qd|ke hoach|kh|"
                          r"hoi nghi trung uong|trung uong|tw|phien|dieu|khoan|chuong|muc|phu luc|nghi dinh|"
                          r"thong tu|luat|lan thu)\s*(so\s*)?$")
_NAME_AFTER = re.compile(r"^\s*[-/]\s*[a-z]")
_DOCUMENT_YEAR = re.compile(r"(nghi quyet|nq|ket luan|kl|chi thi|quyet dinh|ke hoach|luat)\s+(so\s+)?[\w/-]+"
                            r"(\s+khoa\s+\w+)?\s+(nam\s+)?$")
_KINDS = (
    ("time", re.compile(r"\b(khi nao|bao gio|ngay nao|nam nao|thang nao|luc nao|thoi diem nao|thoi han|"
                        r"ban hanh ngay|ky ngay|dien ra ngay)\b")),
    ("quantity", re.compile(r"\b(bao nhieu|bao lau|may|ty le|ti le|phan tram|chi tieu|quy mo|muc tang|muc giam)\b")),
    ("person", re.compile(r"(^|\s)(ai|nguoi nao|vi nao|dong chi nao)(\s|$|\?)")),
    ("body", re.compile(r"(^|\s)(co quan nao|bo nao|ban nao|don vi nao|to chuc nao)(\s|$|\?)")),
    # "những luật nào", "rà soát luật nào": a sentence naming laws ("Luật An ninh mạng, Luật Cơ yếu").
    ("law", re.compile(r"\b(luat nao|nhung luat|cac luat|bo luat nao|phap lenh nao)\b")),
    ("place", re.compile(r"\b(o dau|tai dau|noi nao)\b")),
)
# "phiên họp thứ hai" is not answered by "Phiên thứ nhất" ("Thứ hai" alone is Monday: only after its noun).
_ORDINAL = re.compile(r"(?:(?<=phien )|(?<=lan )|(?<=hop )|(?<=nghi ))thu (nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)\b")
_COMPARISON = re.compile(r"\b(so sanh|khac nhau|khac gi|giong nhau|giong va khac)\b")
_FRAMING = re.compile(r"\b(so sanh|khac nhau|khac gi|giong nhau|giong va khac)\b\s*:?\s*")
_DATE = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)|\b\d{1,2}/\d{1,2}\b|\bngày \d|\btháng \d|[Qq]uý [IV1-4]")
_BODY = re.compile(r"\b(Bộ|Ban|Ủy ban|Uỷ ban|Văn phòng|Chính phủ|Thủ tướng|Tổng Bí thư|Chủ tịch|Bí thư|Đảng đoàn|"
                   r"Đảng ủy|Đảng uỷ|Mặt trận|Quốc hội|Hội đồng|Thành ủy|Thành uỷ|Tỉnh ủy|Ngân hàng|Tổ đảng|"
                   r"Ban cán sự|Bộ trưởng|Trưởng Ban|đồng chí)\b")
# A person: a title, or "đồng chí" (a title with a name or "do đồng chí Tổng Bí thư … làm Trưởng Ban").
_PERSON = re.compile(r"\b(Tổng Bí thư|Thủ tướng|Chủ tịch|Bộ trưởng|Bí thư|Phó Thủ tướng|đồng chí|Trưởng Ban)\b")
_PLACE = re.compile(r"\b(tại|ở)\s+[A-ZĐÀ-Ỹ]")
_LAW = re.compile(r"\b(Luật|Bộ luật|Pháp lệnh)\s+[A-ZĐÀ-Ỹ]")
# A document's number: "03/NQ-CP", "57-NQ/TW", "3260-KH/ĐĐQH15" (people swap or drop the separators).
_DOCUMENT_NUMBER = re.compile(r"(?<![\w/-])\d+\s*[-/]\s*[A-ZĐ]+(?:\s*[-/&]\s*[A-ZĐ0-9]+)*(?![\w/-])")


@dataclass(frozen=True)
class Asks:
    """The specific asks of a question."""

    years: frozenset[str]
    ranges: frozenset[tuple[str, str]]  # periods named ("nhiệm kỳ 2025-2030"): their years are also in `years`
    figures: frozenset[str]  # numbers that are neither years nor part of a document's name; ordinals ("thu hai")
    kind: str | None  # "time", "quantity", "person", "body", "place" or None
    comparison: bool = False


def asks_of(question: str) -> Asks:
    folded = fold(question).lower()
    # "Nghị quyết 20 năm 2012" names a document by its year: that year is no target asked about.
    years = frozenset(m.group(1) for m in _YEAR.finditer(folded) if not _DOCUMENT_YEAR.search(folded[:m.start()]))
    figures = set()
    for m in _NUMBER.finditer(folded):
        number = m.group()
        if _YEAR.fullmatch(number) or _NAME_BEFORE.search(folded[:m.start()]) or _NAME_AFTER.match(folded[m.end():]):
            continue
        figures.add(number)
    figures |= {m.group(0) for m in _ORDINAL.finditer(folded)}
    kind = next((name for name, rx in _KINDS if rx.search(folded)), None)
    ranges = frozenset((m.group(1), m.group(2)) for m in _RANGE.finditer(folded) if {m.group(1), m.group(2)} <= years)
    return Asks(years, ranges, frozenset(figures), kind, bool(_COMPARISON.search(folded)))


def without_framing(question: str) -> str:
    """The question without the words that frame a comparison ("so sánh", "khác nhau"): what each side is asked
    about, as a sentence of one document says it ("So sánh mục tiêu … về chuyển đổi số" -> "mục tiêu … về …")."""
    folded = fold_aligned(question)  # its spans cut the question as typed
    kept, last = [], 0
    for m in _FRAMING.finditer(folded):
        kept.append(question[last:m.start()])
        last = m.end()
    return "".join(kept + [question[last:]]).strip() or question


def years_in(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def year_fit(asks: Asks, sentence: str, context: str, lead: str = "") -> float:
    """1 when the sentence names a year the question names (or the question names none); 0 when the sentence
    names only other years; otherwise what the sentence's context (its headings and the text before it in the
    passage, nearest last) says: 0.8 when its nearest year is one asked, 0.2 another, 0.5 none. The years of the
    lead-in of the sentence's list ("Định hướng các chỉ tiêu … 5 năm 2021 - 2025:") are the sentence's own.
    A period is one thing, not two years: "nhiệm kỳ 2025-2030" is met by that period or a year inside it after its
    first ("đến năm 2030"), never by "nhiệm kỳ 2020-2025", which shares a year with it (`_periods_fit`)."""
    if not asks.years:
        return 1.0
    own = sentence if years_in(sentence) else lead
    if years_in(own):
        return 1.0 if _periods_fit(asks, own) else 0.0
    before = list(_periods_and_years(context))
    if not before:
        return 0.5
    return 0.8 if _periods_fit(asks, before[-1]) else 0.2


def _periods_and_years(text: str):
    """The periods and lone years of a text in order, each as the text that names it."""
    last = 0
    for m in _RANGE.finditer(text):
        yield from _YEAR.findall(text[last:m.start()])
        yield m.group(0)
        last = m.end()
    yield from _YEAR.findall(text[last:])


def _periods_fit(asks: Asks, text: str) -> bool:
    """Whether what `text` dates matches the question's years and periods (see `year_fit`)."""
    ranges = {(m.group(1), m.group(2)) for m in _RANGE.finditer(text)}
    lone = years_in(_RANGE.sub(" ", text))
    if asks.ranges:
        inside = any(a < y <= b for y in lone for a, b in asks.ranges)
        return bool(ranges & asks.ranges) or inside or bool(lone & (asks.years - _ends(asks.ranges)))
    # The question names lone years: a period's end or start is one of its years, as before.
    return bool((lone | _ends(ranges)) & asks.years)


def _ends(ranges) -> set[str]:
    return {y for r in ranges for y in r}


def figure_fit(asks: Asks, sentence: str, passage: str, event: str = "") -> float:
    """1 when every figure the question names is in the sentence, 0.3 when only in its passage, 0 when absent.
    An ordinal names the event the passage is about ("phiên họp thứ nhất"): its passage is enough, and so is the
    `event` text (the document's title and the passage's headings: an article titled "Phiên họp thứ nhất …" speaks
    of that meeting in every paragraph)."""
    if not asks.figures:
        return 1.0
    own, around = _figures_in(sentence), _figures_in(passage) | _figures_in(sentence)
    ordinals = {f for f in _figures_in(event) if f.startswith("thu ")} | around
    fits = [1.0 if f in own or (f.startswith("thu ") and f in ordinals) else 0.3 if f in around else 0.0
            for f in asks.figures]
    return min(fits)


def _figures_in(text: str) -> set[str]:
    folded = fold(text).lower()
    return set(_NUMBER.findall(folded)) | {m.group(0) for m in _ORDINAL.finditer(folded)}


def kind_fit(asks: Asks, sentence: str) -> float:
    """Whether the sentence holds the kind of thing asked: a figure, a date, a body or person, a place."""
    if asks.kind == "quantity":
        figures = [n for n in _NUMBER.findall(sentence) if not _YEAR.fullmatch(n)]
        return 1.0 if figures else 0.0
    if asks.kind == "time":
        return 1.0 if _DATE.search(sentence) else 0.0
    if asks.kind == "person":
        return 1.0 if _PERSON.search(sentence) else 0.0
    if asks.kind == "body":
        return 1.0 if _BODY.search(sentence) else 0.0
    if asks.kind == "place":
        return 1.0 if _PLACE.search(sentence) else 0.0
    if asks.kind == "law":
        return 1.0 if _LAW.search(sentence) else 0.0
    return 1.0


def names_in(question: str) -> list[str]:
    """Proper names the question holds: two or more capitalised syllables in a row, not opening the question
    ("Đà Nẵng", "Tô Lâm"), bodies named by their type and name ("Bộ Y tế", "Ủy ban Kinh tế", "Thành ủy Hải
    Phòng" gives "Hải Phòng" and the body), and documents' numbers ("03/NQ-CP"); the words only in accented
    questions (unaccented names are ambiguous), the numbers in any."""
    numbers = [" ".join(m.group().split()) for m in _DOCUMENT_NUMBER.finditer(question)]
    if fold(question) == question:
        return numbers
    words = re.findall(r"[^\W\d_]+|\S", question)
    names, run = [], []
    for n, w in enumerate(words + ["."]):
        if n > 0 and _capitalised(w):
            run.append(w)
            continue
        if len(run) >= 2:
            names.append(" ".join(run))
        run = []
    return names + _bodies(words) + numbers


def _capitalised(word: str) -> bool:
    return word[0].isupper() and word.isalpha() and (len(word) == 1 or word[1:].islower())


# The types a body is named by, before its name ("Bộ Y tế", "Ủy ban Kinh tế", "Tỉnh ủy Quảng Ninh").
_BODY_TYPES = ("Bộ", "Ban", "Sở", "Ủy ban", "Uỷ ban", "Thành ủy", "Thành uỷ", "Tỉnh ủy", "Tỉnh uỷ", "Hội đồng")


def _bodies(words: list[str]) -> list[str]:
    """Bodies named by type and name: the capitalised syllables after the type, and one more when the name has a
    single one ("Bộ Y tế", "Ban Dân nguyện"); "Bộ trưởng", "Ban cán sự" name no body (no capital)."""
    found = []
    for n in range(len(words)):
        for kind in _BODY_TYPES:
            size = len(kind.split())
            if " ".join(words[n:n + size]) != kind:
                continue
            run = list(itertools.takewhile(_capitalised, words[n + size:]))
            after = words[n + size + len(run):n + size + len(run) + 1]
            if len(run) == 1 and after and after[0].isalpha() and after[0].islower():
                run += after
            if run:
                found.append(" ".join([kind, *run]))
    return found


def is_document_number(name: str) -> bool:
    """Whether a name `names_in` gave is a document's number ("03/NQ-CP") rather than a body, place or person."""
    return _DOCUMENT_NUMBER.fullmatch(name) is not None


def mentioned(name: str, text: str) -> bool:
    """Whether `text` names `name`, whatever its case and its tone marks' placement ("Uỷ ban", "Ủy ban"); a
    document's number whatever its separators ("57/NQ-TW" names "57-NQ/TW")."""
    if is_document_number(name):
        parts = re.findall(r"\w+", _plain(name))
        return re.search(r"(?<![\w/-])" + r"\s*[-/&]?\s*".join(map(re.escape, parts)) + r"(?![\w/-])",
                         _plain(text)) is not None
    return re.search(rf"(?<!\w){re.escape(_plain(name))}(?!\w)", _plain(text)) is not None


def _plain(text: str) -> str:
    return " ".join(fold(text).lower().split())
