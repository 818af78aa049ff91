"""Weighted reciprocal rank fusion keeps both rankings visible and leans on lexical for unaccented queries."""
import numpy as np
import pytest

from tracuu.retrieval.fusion import FusionConfig, Ranked, fuse, merge, top_rows


def test_top_rows_skips_zero_scores_and_respects_allowed_rows():
    scores = np.array([0.0, 3.0, 1.0, 2.0], dtype=np.float32)
    assert top_rows(scores, 10).rows == [1, 3, 2]
    assert top_rows(scores, 10, allowed=np.array([2, 0])).rows == [2]


def test_fusion_rewards_agreement_and_explains_ranks():
    lex = Ranked([5, 7, 9], [9.0, 8.0, 7.0])
    den = Ranked([7, 1], [0.9, 0.8])
    fused = fuse(lex, den, FusionConfig(method="rrf"), accented=True)
    assert fused[0][0] == 7
    why = dict(fused)[7]
    assert (why.lexical_rank, why.dense_rank) == (2, 1)
    assert dict(fused)[1].lexical_rank is None


def test_unaccented_queries_trust_dense_less():
    lex = Ranked([1, 2], [2.0, 1.0])
    den = Ranked([2, 1], [0.9, 0.1])
    cfg = FusionConfig(method="rrf", lexical_weight=1.0, dense_weight=1.5, dense_weight_unaccented=0.2)
    assert fuse(lex, den, cfg, accented=True)[0][0] == 2
    assert fuse(lex, den, cfg, accented=False)[0][0] == 1


def test_single_mode_uses_one_ranking():
    lex = Ranked([1], [2.0])
    den = Ranked([2], [0.9])
    assert [r for r, _ in fuse(lex, den, FusionConfig(method="lexical"), accented=True)] == [1]
    assert [r for r, _ in fuse(lex, den, FusionConfig(method="dense"), accented=True)] == [2]


def test_linear_fusion_uses_score_margins():
    # Lexical: row 1 is far ahead of row 2; dense: row 2 is barely ahead of row 1. RRF calls it a tie,
    # linear fusion keeps the lexical margin.
    lex = Ranked([1, 2, 3], [10.0, 2.0, 1.0])
    den = Ranked([2, 1, 3], [0.90, 0.89, 0.70])
    linear = fuse(lex, den, FusionConfig(method="linear", dense_weight=1.0), accented=True)
    assert linear[0][0] == 1
    assert linear[0][1].fused_score == pytest.approx(1.0 + (0.89 - 0.70) / (0.90 - 0.70))
    # Row 3 is last in both lists: scaled to zero, it still matched, so it stays, last.
    assert [row for row, _ in linear] == [1, 2, 3] and linear[2][1].fused_score == 0.0


def test_merge_keeps_each_key_once_with_its_better_score():
    corpus = Ranked([5, 2, 9], [3.0, 2.0, 1.0])
    named = Ranked([9, 7], [4.0, 0.5])  # row 9 scored higher when only the named document was searched
    merged = merge(corpus, named)
    assert merged.rows == [9, 5, 2, 7] and merged.scores == [4.0, 3.0, 2.0, 0.5]
    assert merge(Ranked([], []), named) is named
