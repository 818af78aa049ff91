"""An encoder's similarity scale for ask's confidence (qa/evidence.DENSE_SCALE), measured against e5-small's.

    python bench/dense_scale.py --encoder tracuu-e5

ask's confidence model was fitted with e5-small's similarities mapped to [0, 1] by a (low, high) pair. Another
encoder spreads its cosines differently, so its pair is measured, not guessed: every (question, candidate
sentence) that ask weighs for the tuning questions (party-dev and the `tune` half of bench/calibration.jsonl;
never the held-out half) is encoded by both encoders, and the other encoder's pair is the cosine at the same
quantiles where e5-small's pair sits. The confidence model then reads the same evidence from either encoder.
"""
from __future__ import annotations

import argparse
import json

import numpy as np
from quality import CORPUS, SHARED, open_or_build

from tracuu.evaluate import read_jsonl
from tracuu.qa import evidence
from tracuu.retrieval.encoders import load_encoder


def tuning_questions() -> list[str]:
    party = [row["query"] for row in read_jsonl(SHARED / "bench" / "party-dev.jsonl")]
    tune = [row["query"] for row in read_jsonl(CORPUS.parent / "bench" / "calibration.jsonl") if row["split"] == "tune"]
    return party + tune


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--encoder", required=True)
    args = p.parse_args()
    # e5-small's index, named: its candidates are what was fitted on (the default encoder is tracuu-e5 now)
    index = open_or_build("party", [CORPUS], "e5-small")
    pairs: list[tuple[str, str]] = []
    original = evidence.encode

    def recording(source, query, candidates, max_chars=None, terms=None):
        original(source, query, candidates, max_chars, terms)
        pairs.extend((query, evidence._window(evidence.plain(c.text), max_chars, terms)) for c in candidates)

    evidence.encode = recording
    try:
        from tracuu.qa import ask as ask_module
        ask_module.encode = recording
        for question in tuning_questions():
            index.ask(question)
    finally:
        evidence.encode = original
        ask_module.encode = original
    other = load_encoder(args.encoder)
    base = index.encoder
    queries = sorted({q for q, _ in pairs})
    qv_base = {q: base.encode_query(q) for q in queries}
    qv_other = {q: other.encode_query(q) for q in queries}
    texts = sorted({t for _, t in pairs})
    tv_base = dict(zip(texts, base.encode_passages(texts)))
    tv_other = dict(zip(texts, other.encode_passages(texts)))
    s_base = np.array([float(tv_base[t] @ qv_base[q]) for q, t in pairs])
    s_other = np.array([float(tv_other[t] @ qv_other[q]) for q, t in pairs])
    low, high = evidence.DENSE_SCALE["e5-small"]
    at = [float(np.mean(s_base <= v)) for v in (low, high)]
    mapped = [float(np.quantile(s_other, a)) for a in at]
    print(f"{len(pairs)} (question, sentence) pairs from {len(queries)} questions; "
          f"correlation {np.corrcoef(s_base, s_other)[0, 1]:.3f}")
    print(f"e5-small ({low}, {high}) sits at quantiles ({at[0]:.3f}, {at[1]:.3f}); "
          f"{other.name} at the same quantiles: ({mapped[0]:.3f}, {mapped[1]:.3f})")
    print(json.dumps({other.name: [round(mapped[0], 3), round(mapped[1], 3)]}))


if __name__ == "__main__":
    main()
