"""Tone-placement canonicalization over the corpus vocabulary: variants merged, distinct words kept apart.

    python bench/tones.py

For every distinct toned syllable of corpus/ and ALQAC with an oa/oe/uy nucleus, a qu-/gi- onset, or a
closed rhyme, it writes the other placement style with an independent rule (old style: mark on the second vowel
of an open oa/oe/uy; new style: on the first) and checks that the analyzer's exact key is the same for both, that
the folded key ignores the marks, and that no two different words of the vocabulary share a key. Closed rhymes
have one correct placement; for them the variant is the naive misplacement (hòan for hoàn), which must still match.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from tracuu.text.analyzer import Analyzer, fold, tone_key

SHARED = Path(__file__).resolve().parents[2] / "shared"
TONES = "\u0300\u0301\u0303\u0309\u0323"
OPEN_GLIDES = re.compile(r"^(.*?)([oO])([aAeE])$|^(.*?)([uU])([yY])$")


def split_tone(syllable: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((c for c in decomposed if c in TONES), "")
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
    return base, tone


def place(base: str, tone: str, index: int) -> str:
    return unicodedata.normalize("NFC", base[:index + 1] + tone + base[index + 1:])


def other_style(syllable: str) -> str | None:
    """The same word with its mark in the other conventional place, for open oa/oe/uy rhymes only."""
    base, tone = split_tone(syllable)
    if not tone or base.lower().startswith(("qu", "gi")):
        return None
    m = OPEN_GLIDES.match(base)
    if not m:
        return None
    first = len(m.group(1) if m.group(1) is not None else m.group(4))
    old, new = place(base, tone, first + 1), place(base, tone, first)
    return new if syllable == old else old if syllable == new else None


def misplaced(syllable: str) -> str:
    """A closed oa/oe/uy syllable with its mark wrongly on the first vowel (hòan for hoàn), as naive tools write."""
    base, tone = split_tone(syllable)
    m = re.search(r"(o[aăe]|u[yâ])[^aeiouy]+$", base)
    return place(base, tone, m.start()) if m and tone else syllable


def vocabulary() -> set[str]:
    analyzer = Analyzer()
    words: set[str] = set()
    for path in sorted((Path(__file__).resolve().parents[1] / "corpus").rglob("*")):
        if path.suffix in (".md", ".txt"):
            words.update(analyzer.syllables(path.read_text(encoding="utf-8")))
    alqac = SHARED / "bench" / "alqac2023" / "corpus.jsonl"
    for line in alqac.read_text(encoding="utf-8").splitlines():
        words.update(analyzer.syllables(json.loads(line)["text"]))
    return {w for w in words if w.isalpha()}


def main() -> int:
    vocab = vocabulary()
    toned = sorted(w for w in vocab if split_tone(w)[1])
    groups = {
        "open oa/oe/uy": [w for w in toned if other_style(w)],
        "closed oa/oe/uy (hoàn, toán, huỳnh)": [w for w in toned if re.search(r"(o[aăe]|u[yâ])[^aeiouy]+$",
                                                                               split_tone(w)[0])],
        "qu-/gi- onset (quý, giữ)": [w for w in toned if w.startswith(("qu", "gi"))],
        "đ (đường, đảng)": [w for w in toned if w.startswith("đ")],
    }
    print("| group | syllables | variant merged | folded = no marks | example |")
    print("|---|---|---|---|---|")
    failures = []
    for name, words in groups.items():
        merged = 0
        for w in words:
            variant = other_style(w) or misplaced(w)
            ok = tone_key(variant) == tone_key(w) and fold(variant) == fold(w)
            merged += ok
            if not ok:
                failures.append((w, variant))
        folded_ok = sum(1 for w in words if not any(unicodedata.combining(c)
                                                     for c in unicodedata.normalize("NFD", fold(w))))
        example = next(iter(words), "")
        print(f"| {name} | {len(words)} | {merged}/{len(words)} | {folded_ok}/{len(words)} | "
              f"{example} ~ {other_style(example) or misplaced(example)} |")
    by_key: dict[str, set[str]] = defaultdict(set)
    for w in vocab:
        by_key[tone_key(w)].add(w)
    collisions = {k: ws for k, ws in by_key.items()
                  if len({(split_tone(w)[0].replace("y", "i"), split_tone(w)[1]) for w in ws}) > 1}
    print(f"\nvocabulary {len(vocab)} syllables, {len(by_key)} exact keys; keys shared by different words: "
          f"{len(collisions)} {sorted(collisions.items())[:5]}")
    print(f"failures: {failures[:10]}")
    return 1 if failures or collisions else 0


if __name__ == "__main__":
    sys.exit(main())
