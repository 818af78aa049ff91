"""Chat shorthand people type in a search box ("cỡ bn", "có dc ko", "làm ntn"): written out before a query is
read, so that the restorer, BM25 and the encoder all see words ("bao nhiêu", "được", "không", "như thế nào").

Only lower-case whole words, and only forms that mean one thing in a question: "k" after a digit ("5k") is a
thousand and stays; upper-case "DC", "VS" are not chat; "kh" (kế hoạch), "kg", "dk" (điều kiện), "ns" (nhân sự)
mean other things and are left out. Abbreviations of names and terms live in
abbreviation_table.py; these are spellings of everyday words.
"""
from __future__ import annotations

import re

from tracuu.text.analyzer import fold, nfc

# shorthand -> the word written out (accented; an unaccented query gets it folded, see write_out)
SHORTHAND = {
    "bn": "bao nhiêu", "bnhieu": "bao nhiêu",
    "ko": "không", "k": "không", "khg": "không", "hok": "không",
    "dc": "được", "đc": "được",
    "ntn": "như thế nào", "j": "gì", "vs": "với", "cx": "cũng", "cg": "cũng", "mn": "mọi người",
    "ng": "người", "trc": "trước", "bít": "biết", "bik": "biết", "wa": "qua",
}
# A word of the table, standing alone: not after a digit or a letter ("5k", "ok"), not before one.
_WORD = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, SHORTHAND), key=len, reverse=True)) + r")(?![\w])")


def write_out(text: str, *, accented: bool = True) -> str:
    """`text` with its chat shorthand written out; `accented=False` writes the words without diacritics, for a
    query typed without them (the restorer then reads it as typed)."""
    def full(m: re.Match) -> str:
        word = SHORTHAND[m.group(1)]
        return word if accented else fold(word)
    return _WORD.sub(full, nfc(text))
