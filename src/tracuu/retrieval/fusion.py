"""Where lexical and dense rankings are fused into one ranking, with the ranks kept for `explain`."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tracuu.results import Explanation


@dataclass(frozen=True)
class FusionConfig:
    """Weighted fusion of the lexical and dense rankings; the weights are measured on the dev data (bench/tune.py).

    Dense retrieval collapses on queries typed without diacritics, so it gets a separate weight then (none), and
    another when the diacritics were restored before encoding (the restoration can be wrong). The other search
    settings (candidates, field weights, references, the query read as a passage) are `SearchSettings`'.
    """

    # Defaults from bench/tune.py (mean MRR@10 over ALQAC train and party-dev, as written and folded: linear 0.844,
    # the best RRF 0.842; linear wins on ALQAC train 0.922 vs 0.895, RRF on party-dev 0.801 vs 0.773).
    method: str = "linear"  # "linear" (min-max scaled scores), "rrf" (reciprocal rank), "lexical" or "dense"
    k: int = 60
    lexical_weight: float = 1.0
    dense_weight: float = 0.5
    dense_weight_unaccented: float = 0.0
    # 0.3 until passages were encoded under their headings (passage_text.py); with those vectors 0.5 lifts party-dev
    # folded hit@5 0.913 -> 0.957 and leaves ALQAC train folded at 0.939 (bench/README.md).
    dense_weight_restored: float = 0.5
    # Query-dependent fusion (adaptive_fusion.py): the dense weight when the query's word pairs are missing from the
    # lexical candidates (the documents say it in other words); 0 turns the rule off. bench/adaptive.py.
    dense_weight_unmatched: float = 2.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FusionConfig":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


# A passage's key in a ranking: its row in an embedded index, its id in Milvus (hashable and ordered either way).
Key = int | str


@dataclass(frozen=True)
class Ranked:
    rows: list[Key]
    scores: list[float]

    def rank_of(self) -> dict[Key, tuple[int, float]]:
        return {r: (i + 1, s) for i, (r, s) in enumerate(zip(self.rows, self.scores))}


def merge(first: Ranked, second: Ranked) -> Ranked:
    """One candidate list from two (the whole corpus, and documents a query names): each key once, with its
    better score, best first."""
    if not first.rows:
        return second
    best = dict(zip(first.rows, first.scores))
    for key, score in zip(second.rows, second.scores):
        if key not in best or score > best[key]:
            best[key] = score
    ordered = sorted(best.items(), key=lambda item: -item[1])
    return Ranked([key for key, _ in ordered], [score for _, score in ordered])


def top_rows(scores: np.ndarray, n: int, allowed: np.ndarray | None = None) -> Ranked:
    """Best `n` rows with a positive score (a passage sharing no query term is no lexical candidate)."""
    if allowed is not None:
        masked = np.full_like(scores, -np.inf)
        masked[allowed] = scores[allowed]
        scores = masked
    n = min(n, int(np.sum(scores > 0)))
    if n <= 0:
        return Ranked([], [])
    idx = np.argpartition(-scores, n - 1)[:n]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return Ranked(idx.tolist(), scores[idx].tolist())


def _contributions(ranked: Ranked, method: str, k: int) -> dict[Key, float]:
    """Each candidate's share from one retriever: 1/(k + rank) for RRF, or its score min-max scaled to [0, 1]."""
    if method == "linear":
        if not ranked.rows:
            return {}
        top, low = max(ranked.scores), min(ranked.scores)
        span = top - low
        return {r: (s - low) / span if span > 0 else 1.0 for r, s in zip(ranked.rows, ranked.scores)}
    return {r: 1.0 / (k + i + 1) for i, r in enumerate(ranked.rows)}


def base_dense_weight(config: FusionConfig, *, accented: bool, restored: bool) -> float:
    """The dense weight before the query's own words are looked at: by how it was typed."""
    if restored:
        return config.dense_weight_restored
    return config.dense_weight if accented else config.dense_weight_unaccented


def fuse(lexical: Ranked, dense: Ranked, config: FusionConfig, *, accented: bool,
         restored: bool = False, weights: Any = None) -> list[tuple[Key, Explanation]]:
    """Weighted fusion: the sum over both rankings of weight x contribution (see `_contributions`). `weights`
    (adaptive_fusion.FusionWeights) replaces the usual weights for this query and is shown by explain."""
    lex = lexical.rank_of()
    den = dense.rank_of()
    dense_weight = base_dense_weight(config, accented=accented, restored=restored)
    reason = ""
    if config.method == "lexical":
        dense_weight, lex_weight = 0.0, 1.0
    elif config.method == "dense":
        dense_weight, lex_weight = 1.0, 0.0
    elif weights is not None:
        lex_weight, dense_weight, reason = weights.lexical, weights.dense, weights.reason
    else:
        lex_weight = config.lexical_weight
    method = "linear" if config.method == "linear" else "rrf"
    lex_part = _contributions(lexical, method, config.k)
    den_part = _contributions(dense, method, config.k)
    fused: list[tuple[Key, Explanation]] = []
    for row in lex.keys() | den.keys():
        lr, ls = lex.get(row, (None, None))
        dr, ds = den.get(row, (None, None))
        score = lex_weight * lex_part.get(row, 0.0) + dense_weight * den_part.get(row, 0.0)
        # A candidate scaled to zero (last in its list) is still a match; only a zero-weight list adds nobody.
        if (lr and lex_weight) or (dr and dense_weight):
            fused.append((row, Explanation(lr, ls, dr, ds, score, lexical_weight=lex_weight,
                                           dense_weight=dense_weight, weighting=reason)))
    # Ties (same fused score) fall back to the lexical rank, then the row, so results are deterministic.
    fused.sort(key=lambda item: (-item[1].fused_score, item[1].lexical_rank or 10**9, item[0]))
    return fused
