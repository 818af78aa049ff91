"""Fusion weights that depend on the query (issue 14): when the query's words are not in the passages BM25 found,
the dense ranking counts more; when the query names a document or uses the documents' own words, lexical leads.

People ask in their own words ("người tài" for "nhân tài", "bà con" for "nhân dân"). Then BM25 still returns a
list, led by passages that share the query's common words, and fusing it at the usual weight drowns the dense
ranking, the only one that bridges the words (party-paraphrase-dev: hybrid hit@5 0.292 against dense alone 0.417).
The signal is how much of the query the best lexical passages hold: the idf-weighted share of the query's word
pairs (folded bigrams, "nhan_tai") found in the best of the top few. Word pairs, not single syllables, because
Vietnamese words are mostly two syllables and single syllables ("người", "tài") match everywhere. Measured on
party-dev, paraphrase-dev and ALQAC train (bench/README.md, "Query-dependent fusion"): party-dev questions have
0.17-1.00 (one at 0.00, found first by both retrievers), paraphrase questions 0.00-0.12.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from tracuu.retrieval.fusion import FusionConfig, Ranked, base_dense_weight
from tracuu.retrieval.query_plan import QueryPlan
from tracuu.results import Passage
from tracuu.text.analyzer import Analyzer

TOP_PASSAGES = 5  # lexical candidates whose words are compared with the query's
# Pair coverage at or above FULL: the documents' own words, usual weights; at or below NONE: the dense weight is
# FusionConfig.dense_weight_unmatched; in between, a straight line. Tuned by bench/adaptive.py on the dev sets.
COVERAGE_FULL = 0.2
COVERAGE_NONE = 0.1


@dataclass(frozen=True)
class FusionWeights:
    """The weights one query was fused with, and why (shown by `explain`)."""

    lexical: float
    dense: float
    coverage: float | None  # share of the query's word pairs in the best top lexical passage; None: not measured
    reason: str


def pair_coverage(query_tokens: Sequence[str], passages: Sequence[Passage | None], analyzer: Analyzer,
                  idf: Callable[[str], float]) -> float | None:
    """Idf-weighted share of the query's folded word pairs found in the best of `passages`; None without pairs."""
    pairs = sorted({t for t in query_tokens if "_" in t})
    if not pairs:
        return None
    weight = {t: idf(t) for t in pairs}
    total = sum(weight.values())
    best = 0.0
    for passage in passages:
        if passage is None:
            continue
        have = set(analyzer.analyze(passage.text).folded)
        best = max(best, sum(w for t, w in weight.items() if t in have) / total)
    return best


def choose(config: FusionConfig, plan: QueryPlan, names_document: bool, coverage: float | None) -> FusionWeights:
    """Lexical weight stays; the dense weight rises from its usual value towards `dense_weight_unmatched` as the
    query's word pairs go missing from the lexical candidates."""
    base = base_dense_weight(config, accented=plan.accented, restored=plan.restored is not None)
    lexical = config.lexical_weight
    high = config.dense_weight_unmatched
    if names_document:
        return FusionWeights(lexical, base, coverage, "câu hỏi nêu tên văn bản: từ khoá dẫn, trọng số thường")
    if coverage is None:
        return FusionWeights(lexical, base, None, "không có cặp từ để so: trọng số thường")
    if base <= 0 or high <= base:
        return FusionWeights(lexical, base, coverage, "tìm theo nghĩa không đọc được câu này: trọng số thường")
    if coverage >= COVERAGE_FULL:
        return FusionWeights(lexical, base, coverage,
                             f"{coverage:.2f} cặp từ của câu hỏi có trong các đoạn khớp từ khoá đầu: trọng số thường")
    # A step, not a line, when the two thresholds meet.
    share = 1.0 if COVERAGE_FULL <= COVERAGE_NONE else min(1.0, (COVERAGE_FULL - coverage) / (COVERAGE_FULL - COVERAGE_NONE))
    dense = base + share * (high - base)
    return FusionWeights(lexical, dense, coverage,
                         f"chỉ {coverage:.2f} cặp từ của câu hỏi có trong các đoạn khớp từ khoá đầu: văn bản nói bằng "
                         f"lời khác, nên nghĩa được tính nặng hơn")


def weigh(config: FusionConfig, plan: QueryPlan, names_document: bool, lexical: Ranked,
          passages_at: Callable[[list], list[Passage | None]], analyzer: Analyzer,
          idf: Callable[[str], float]) -> FusionWeights:
    """The weights for one hybrid query, from its lexical candidates (read only when they can change them)."""
    if names_document or not config.dense_weight_unmatched:
        return choose(config, plan, names_document, None)
    coverage = pair_coverage(plan.lexical.folded, passages_at(lexical.rows[:TOP_PASSAGES]), analyzer, idf)
    return choose(config, plan, names_document, coverage)
