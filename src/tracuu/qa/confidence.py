"""Confidence as an estimated probability that an answer is right, from a few pieces of evidence.

A logistic model over the features below, fitted by `bench/fit_confidence.py` on the tuning data (party-dev, the
`tune` half of bench/calibration.jsonl, the everyday no-answer questions of bench/answers.py) and stored as data in
`confidence.json` next to this file, with how and when it was fitted. The held-out half is never fitted on.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PARAMS = Path(__file__).with_name("confidence.json")

# The evidence, each in [0, 1]: the order of the stored weights.
FEATURES = (
    "coverage",   # best share of the question's term weight in a top passage (headings included) or the sentence
    "exact",      # the same, where a syllable typed with marks must be found with them ("lương" is not "lượng")
    "sentence",   # share of the question's term weight in the chosen sentence
    "dense",      # encoder similarity of the chosen sentence on the encoder's measured scale (coverage if unknown)
    "year",       # asks.year_fit: the year the question names is the sentence's year
    "figure",     # asks.figure_fit: the figure the question names is in the sentence
    "kind",       # asks.kind_fit: a figure for "bao nhiêu", a date for "khi nào", a body for "cơ quan nào"
    "unseen",     # share of the question's term weight on words no document holds ("lương")
    "accented",   # 1 when typed with diacritics: without them the encoder collapses and terms are ambiguous
)


@dataclass(frozen=True)
class Calibration:
    weights: tuple[float, ...]
    bias: float
    answer_at: float  # at or above: answered
    low_at: float  # at or above, with passages on topic and no year or figure mismatch: shown as low confidence

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features[name] for w, name in zip(self.weights, FEATURES))
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    data = json.loads(PARAMS.read_text(encoding="utf-8"))
    return Calibration(tuple(float(data["weights"][name]) for name in FEATURES), float(data["bias"]),
                       float(data["answer_at"]), float(data["low_at"]))
