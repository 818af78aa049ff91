"""The one Vietnamese analyzer, saved with each index and used at index AND query time."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

ANALYZER_VERSION = 1

# Tone marks are combining characters; vowel-quality marks (circumflex, breve, horn) stay part of the letter.
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "3", "\u0309": "4", "\u0323": "5"}
_WORD = re.compile(r"[^\W_]+")
# Syllables that are a consonant onset plus a lone "y" are spelled with "i" as well (tỷ/tỉ, kỷ/kỉ, lý/lí, mỹ/mĩ).
_Y_AS_I = re.compile(r"^(ph|th|tr|ch|kh|nh|ng|gh|[bcdđghklmnprstvx])y(?=[0-9]?$)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _fold_slowly(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).replace("đ", "d").replace("Đ", "D")


# Vietnamese text lies in these blocks (Latin, its combining marks, Latin Extended Additional, punctuation). There,
# folding is a per-character table (checked against _fold_slowly on the whole ALQAC corpus, the shared corpus and
# random strings): 2.5x faster, which search pays for on every passage it shows (copies.py) and the build on all.
_FAST_BLOCKS = [*range(0x0, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070)]
# Unchanged characters map to themselves too: str.translate is slow on a character the table lacks.
_FOLD_TABLE = {cp: None if unicodedata.combining(chr(cp)) else _fold_slowly(chr(cp)) for cp in _FAST_BLOCKS}
_OUTSIDE_FAST_BLOCKS = re.compile(r"[^\u0000-\u036f\u1e00-\u1eff\u2000-\u206f]")


def fold(text: str) -> str:
    """Remove every diacritic and map đ to d (U+0111 has no decomposition, so stripping marks keeps it)."""
    composed = unicodedata.normalize("NFC", text)
    if _OUTSIDE_FAST_BLOCKS.search(composed) is None:
        return composed.translate(_FOLD_TABLE)
    return _fold_slowly(text)


def fold_aligned(text: str) -> str:
    """`fold(text).lower()` with one character per character of `text`, so a match on it cuts `text` itself (a
    character that would fold to none or two, such as a stray combining mark, is only lower-cased)."""
    whole = fold(text).lower()
    if len(whole) == len(text):  # the usual case (NFC text): folding the whole string at once is 10x faster
        return whole
    return "".join(f if len(f := fold(ch).lower()) == 1 else ch.lower() for ch in text)


def tone_key(syllable: str) -> str:
    """Match key that is the same whatever tone-mark placement was used (hoá/hóa, thuỷ/thủy, uỷ/ủy).

    The tone is moved off the vowel into a trailing digit, so placement stops mattering, and closed
    syllables (hoàn, toán) or qu-/gi- onsets (quý, giữ) need no placement rules at all.
    """
    tone = ""
    base = []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            base.append(ch)
    key = unicodedata.normalize("NFC", "".join(base)) + tone
    return _Y_AS_I.sub(r"\1i", key)


@lru_cache(maxsize=1 << 16)
def _syllable_keys(syllable: str) -> tuple[str, str, bool]:
    """(exact key, folded key, has diacritics) of one lower-case syllable; a corpus has a few thousand distinct
    syllables, so caching makes analysis a dictionary lookup per syllable."""
    folded = fold(syllable)
    return tone_key(syllable), _Y_AS_I.sub(r"\1i", folded), folded != syllable


@dataclass(frozen=True)
class Analyzed:
    """Tokens of one text for each lexical field: exact (accents kept, tone-placement free) and folded."""

    exact: list[str]
    folded: list[str]
    accented: bool


@dataclass(frozen=True)
class Analyzer:
    """Settings travel in the index manifest so the query side rebuilds exactly the same analyzer."""

    bigrams: bool = True
    version: int = ANALYZER_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "bigrams": self.bigrams, **self.extra}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Analyzer":
        data = dict(data)
        version = int(data.pop("version", ANALYZER_VERSION))
        bigrams = bool(data.pop("bigrams", True))
        return cls(bigrams=bigrams, version=version, extra=data)

    def syllables(self, text: str) -> list[str]:
        """Lower-cased NFC syllables; one-letter syllables (y, ý, ở, á) are words and are kept."""
        # Ð (U+00D0, Icelandic eth) is typed for Đ by some keyboards and converters; it looks the same.
        return _WORD.findall(nfc(text).lower().replace("ð", "đ"))

    def analyze(self, text: str) -> Analyzed:
        keys = [_syllable_keys(s) for s in self.syllables(text)]
        exact = [k[0] for k in keys]
        folded = [k[1] for k in keys]
        accented = any(k[2] for k in keys)
        return Analyzed(self._with_bigrams(exact), self._with_bigrams(folded), accented)

    def _with_bigrams(self, tokens: list[str]) -> list[str]:
        if not self.bigrams or len(tokens) < 2:
            return tokens
        return tokens + [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]
