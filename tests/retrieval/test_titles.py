"""Document titles as their own small field: a query sharing words with a title lifts that document's passages."""
from __future__ import annotations

import json

import tracuu
from tracuu.text.analyzer import Analyzer
from tracuu.retrieval.encoders import HashingEncoder
from tracuu.retrieval.fusion import Ranked
from tracuu.retrieval.settings import SearchSettings
from tracuu.results import DocumentInfo
from tracuu.retrieval.titles import DocumentTitles, title_text


def _doc(doc_id: str, title: str, **metadata) -> DocumentInfo:
    return DocumentInfo(doc_id, "x", title, "jsonl", "h", 1, metadata)


def test_title_text_includes_names():
    doc = _doc("a", "Phạm vi điều chỉnh", law_id="Luật Du lịch 2017", article_id="1")
    assert title_text(doc) == "Phạm vi điều chỉnh Luật Du lịch 2017"


def test_lift_reorders_by_title_and_keeps_unknown_documents():
    docs = {"a": _doc("a", "Quyền của khách du lịch"), "b": _doc("b", "Nghĩa vụ của doanh nghiệp lữ hành")}
    titles = DocumentTitles(docs, Analyzer())
    folded = Analyzer().analyze("quyen cua khach du lich").folded
    ranked = Ranked([10, 11, 12], [5.0, 4.9, 4.0])
    lifted = titles.lift(ranked, ["b", "a", None], folded, 0.3)
    assert lifted.rows[0] == 11 and lifted.scores[0] > 4.9  # "a" rose past "b"
    assert 12 in lifted.rows and dict(zip(lifted.rows, lifted.scores))[12] == 4.0
    assert titles.lift(ranked, ["b", "a", None], folded, 0.0) is ranked


def test_title_words_break_a_tie_between_equal_bodies(tmp_path):
    body = "Khách du lịch được cung cấp thông tin về chương trình, dịch vụ, điểm đến du lịch."
    rows = [{"_id": "Luật Du lịch 2017|15", "law_id": "Luật Du lịch 2017", "title": "Nghĩa vụ của khách du lịch",
             "text": body},
            {"_id": "Luật Du lịch 2017|14", "law_id": "Luật Du lịch 2017", "title": "Quyền của khách du lịch",
             "text": body}]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    tracuu.build([corpus], tmp_path / "idx", encoder=HashingEncoder())
    index = tracuu.open_index(tmp_path / "idx", encoder=HashingEncoder())
    query = "quyền của khách du lịch được cung cấp thông tin"
    assert index.search(query, k=1, mode="lexical")[0].document.id == "Luật Du lịch 2017|14"
    off = SearchSettings(title_weight=0.0)
    plain = index.search(query, k=2, mode="lexical", settings=off, explain=True)
    # Same body, same BM25: only the title tells them apart.
    assert plain[0].explanation.lexical_score == plain[1].explanation.lexical_score
