"""Whether a sentence is worth quoting on a theme: it carries the theme (its exact words first, then the same
idea in other words), and it stands alone (no procedural boilerplate, no list item whose subject is elsewhere,
no sentence cut at a comma, no "Kết luận này" pointing at a text the reader does not see). Pure functions.
"""
from __future__ import annotations

import re

from tracuu.qa.evidence import STOPWORDS, plain
from tracuu.text.analyzer import fold

EXACT, CLOSE, NONE = 2, 1, 0  # how a sentence carries a theme
CLOSE_COVERAGE = 0.6  # share of the theme's term weight a sentence needs to carry it in other words
CLOSE_COVERAGE_DENSE = 0.4  # the same when the encoder also finds it close (dense level >= CLOSE_LEVEL)
CLOSE_LEVEL = 0.8

# Closing formulas of administrative texts, true everywhere and quotable nowhere.
_BOILERPLATE = re.compile(r"\b(" + "|".join(fold(w) for w in (
    "nếu có", "thực hiện một số nội dung khác", "theo sự phân công", "phổ biến đến chi bộ", "chịu trách nhiệm thi hành",
    "có hiệu lực thi hành", "có hiệu lực kể từ", "nơi nhận", "báo cáo kết quả với", "tổ chức thực hiện nghị quyết này",
    "lưu vt", "kèm theo nghị quyết này",
)) + r")\b")
# A list item that opens with an administrative verb has its subject in the heading above it ("Tổ đảng ở …:
# * Chủ trì thẩm tra …"): alone it says nothing about who. Calls to action ("Khơi dậy khát vọng …") stand alone.
_ACTOR_VERBS = tuple(fold(w) for w in (
    "chủ trì", "tham gia", "phối hợp", "thực hiện", "giám sát", "kiến nghị", "theo dõi", "báo cáo", "rà soát",
    "là cơ quan", "đề xuất", "thẩm tra", "hướng dẫn", "tiếp tục rà soát", "chủ động tổ chức", "tham mưu",
    "giao", "định kỳ", "trình", "ban hành", "xây dựng, trình", "chỉ đạo các cơ quan",
))
# "Kết luận này", "Nghị quyết đó": the reader of one quoted sentence does not know which.
_POINTING = re.compile(r"\b(ket luan|nghi quyet|chuong trinh|ke hoach|hoi nghi|de an|chi thi|quyet dinh|van ban|"
                       r"phien hop|dai hoi|noi dung|van de|viec|chu truong|chinh sach) (nay|do|tren)\b")


def standalone(text: str) -> bool:
    """No boilerplate, no actor-less list item, no sentence ending mid-clause, no pointer without referent."""
    clean = plain(text)
    folded = fold(clean).lower()
    if clean.endswith((",", ";", ":", "-")) or re.search(r":\s*[-*•]", clean):  # or a list run into one line
        return False
    if _BOILERPLATE.search(folded) or _POINTING.search(folded):
        return False
    head = folded.lstrip("“\"'(")
    return not any(head == v or head.startswith(v + " ") or head.startswith(v + ",") for v in _ACTOR_VERBS)


def phrase_of(topic: str) -> str:
    """The theme's words as a sentence would carry them: folded, lower case, without leading or trailing
    function words ("về khát vọng" -> "khat vong")."""
    words = fold(plain(topic)).lower().split()
    while words and words[0] in STOPWORDS:
        words = words[1:]
    while words and words[-1] in STOPWORDS:
        words = words[:-1]
    return " ".join(words)


def theme_fit(phrase: str, text: str, coverage: float, dense_level: float | None) -> int:
    """EXACT when the sentence holds the theme's words in order, CLOSE when it carries most of the theme's
    weighted terms (fewer when the encoder finds it close), NONE otherwise."""
    words = " ".join(re.findall(r"\w+", fold(plain(text)).lower()))
    if phrase and f" {phrase} " in f" {words} ":
        return EXACT
    if coverage >= CLOSE_COVERAGE or (dense_level is not None and dense_level >= CLOSE_LEVEL
                                      and coverage >= CLOSE_COVERAGE_DENSE):
        return CLOSE
    return NONE
