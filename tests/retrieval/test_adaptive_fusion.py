"""Query-dependent fusion: a question in other words leans on dense; one naming a document or quoting it stays lexical."""

import pytest

import tracuu
from tracuu.results import Passage
from tracuu.retrieval import adaptive_fusion
from tracuu.retrieval.fusion import FusionConfig
from tracuu.retrieval.query_plan import plan_query
from tracuu.text.analyzer import Analyzer

from helpers import OFFICIAL_DOCS, write_docs

ANALYZER = Analyzer()


def plan(query: str):
    return plan_query(query, ANALYZER, None, exact_weight=0.5, restored_exact_weight=0.0)


def passage(text: str) -> Passage:
    return Passage("p", "d", 0, text, (), "", 0, len(text))


def test_coverage_counts_the_querys_word_pairs_in_the_best_passage():
    query = ANALYZER.analyze("thu hút nhân tài").folded
    same = passage("Có chính sách đặc biệt để thu hút nhân tài cho khoa học.")
    other = passage("Chính sách đối với người tài ở các địa phương.")
    assert adaptive_fusion.pair_coverage(query, [other, same], ANALYZER, lambda t: 1.0) == 1.0
    assert adaptive_fusion.pair_coverage(query, [other], ANALYZER, lambda t: 1.0) == 0.0
    # A one-syllable query has no pair to compare: the rule leaves the weights alone.
    assert adaptive_fusion.pair_coverage(ANALYZER.analyze("tài").folded, [same], ANALYZER, lambda t: 1.0) is None


def test_dense_counts_more_as_the_query_words_go_missing():
    config = FusionConfig(dense_weight=0.5, dense_weight_unmatched=2.0)
    q = plan("nhà nước tính sao với người giỏi")
    assert adaptive_fusion.choose(config, q, False, 0.0).dense == 2.0
    assert "lời khác" in adaptive_fusion.choose(config, q, False, 0.0).reason
    middle = adaptive_fusion.choose(config, q, False, (adaptive_fusion.COVERAGE_NONE +
                                                       adaptive_fusion.COVERAGE_FULL) / 2).dense
    assert 0.5 < middle < 2.0
    assert adaptive_fusion.choose(config, q, False, 0.9).dense == 0.5
    # Naming a document keeps lexical in charge however few of its words match.
    named = adaptive_fusion.choose(config, plan("Nghị quyết 57 nói gì về người giỏi"), True, 0.0)
    assert named.dense == 0.5 and "nêu tên văn bản" in named.reason
    # Turned off, or a query dense search cannot read (no diacritics, none restored): usual weights.
    assert adaptive_fusion.choose(FusionConfig(dense_weight_unmatched=0.0), q, False, 0.0).dense == 0.5
    unaccented = adaptive_fusion.choose(config, plan("nha nuoc tinh sao voi nguoi gioi"), False, 0.0)
    assert unaccented.dense == config.dense_weight_unaccented


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> tracuu.Index:
    root = tmp_path_factory.mktemp("adaptive")
    tracuu.build([write_docs(root / "docs", OFFICIAL_DOCS)], root / "idx", encoder="hashing")
    return tracuu.open_index(root / "idx")


def weights_of(index: tracuu.Index, query: str):
    hits = index.search(query, 3, explain=True)
    assert hits, query
    return hits[0].explanation


def test_a_paraphrase_gets_a_higher_dense_weight_than_the_documents_words(index: tracuu.Index):
    paraphrase = weights_of(index, "mạng lưới an toàn cho người dùng internet")
    quoted = weights_of(index, "bảo đảm an ninh mạng, an toàn thông tin")
    assert paraphrase.dense_weight > quoted.dense_weight == FusionConfig().dense_weight
    assert "lời khác" in paraphrase.weighting and "trọng số thường" in quoted.weighting


def test_a_query_naming_a_document_keeps_lexical_in_charge(index: tracuu.Index):
    named = weights_of(index, "Nghị quyết 57 nói gì về mạng lưới an toàn cho người dùng")
    assert named.dense_weight == FusionConfig().dense_weight
    assert named.lexical_weight == FusionConfig().lexical_weight
    assert "nêu tên văn bản" in named.weighting


def test_explain_shows_the_weights_in_the_cli(index: tracuu.Index, capsys):
    from tracuu.cli import main

    assert main(["search", "mạng lưới an toàn cho người dùng internet", "--index", str(index.path), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "trọng số: từ khoá 1, ngữ nghĩa 2.00" in out and "lời khác" in out


def test_single_retriever_modes_are_not_reweighted(index: tracuu.Index):
    hits = index.search("mạng lưới an toàn cho người dùng internet", 3, mode="lexical", explain=True)
    assert all(h.explanation.dense_weight == 0.0 and not h.explanation.weighting for h in hits)
