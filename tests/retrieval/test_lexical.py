"""BM25 fields: scores follow term rarity and length, and survive a save/load round trip."""
import numpy as np

from tracuu.text.analyzer import Analyzer
from tracuu.retrieval.bm25 import BM25Field, LexicalIndex

TEXTS = [
    "Đẩy mạnh chuyển đổi số quốc gia, phát triển kinh tế số",
    "Tỉ lệ đô thị hoá khoảng 45%",
    "Đường lối đối ngoại độc lập, tự chủ, đa phương hoá, đa dạng hoá",
    "Phát triển văn hoá, xây dựng con người Việt Nam",
]


def _index():
    a = Analyzer()
    analyzed = [a.analyze(t) for t in TEXTS]
    return a, LexicalIndex.build([x.exact for x in analyzed], [x.folded for x in analyzed])


def test_unaccented_query_finds_the_accented_passage():
    a, lex = _index()
    q = a.analyze("ty le do thi hoa")
    scores = lex.scores(q.exact, q.folded, q.accented)
    assert int(np.argmax(scores)) == 1


def test_new_tone_style_query_matches_old_style_text():
    a, lex = _index()
    q = a.analyze("đa phương hóa, đa dạng hóa")
    exact_only = lex.exact.scores(q.exact)
    assert int(np.argmax(exact_only)) == 2 and exact_only[2] > 0


def test_accents_rank_exact_matches_first():
    a = Analyzer()
    texts = ["con đường phát triển", "con dương phát triển", "con đương phát triển"]
    analyzed = [a.analyze(t) for t in texts]
    lex = LexicalIndex.build([x.exact for x in analyzed], [x.folded for x in analyzed])
    q = a.analyze("đường")
    scores = lex.scores(q.exact, q.folded, q.accented)
    assert int(np.argmax(scores)) == 0
    folded = a.analyze("duong")
    flat = lex.scores(folded.exact, folded.folded, folded.accented)
    assert flat[0] == flat[1] == flat[2] > 0


def test_rare_terms_weigh_more_and_absent_terms_score_zero():
    field = BM25Field.build([["a", "b"], ["a", "c"], ["a", "d"]])
    s = field.scores(["a", "c"])
    assert s[1] > s[0] == s[2] > 0
    assert not field.scores(["zzz"]).any()


def test_save_and_load_give_the_same_scores(tmp_path):
    a, lex = _index()
    lex.save(tmp_path)
    again = LexicalIndex.load(tmp_path)
    q = a.analyze("chuyển đổi số")
    assert np.allclose(lex.scores(q.exact, q.folded, True), again.scores(q.exact, q.folded, True))
    assert not list(tmp_path.glob("*.pkl"))
