"""Evaluation rules: the bench folding, document-level metrics, clear errors on bad input files."""
import pytest

from tracuu.errors import InputFileError
from tracuu.evaluate import bench_fold, gold_rank, ranking_metrics, read_qrels, read_queries


def test_bench_fold_matches_the_shared_rule():
    assert bench_fold("Tỉ lệ **đô thị** hoá\\-  khoảng") == "ti le do thi hoa- khoang"


def test_gold_rank_finds_snippets_across_markup_and_accents():
    texts = ["không liên quan", "tỉ lệ **đô thị hoá** khoảng 45%"]
    assert gold_rank(texts, ["tỉ lệ đô thị hóa khoảng 45%"]) == 2  # tone placement vanishes with the marks
    assert gold_rank(texts, ["đô thị hoá khoảng 50%"]) is None


def test_ranking_metrics_count_each_document_once():
    m = ranking_metrics(["a", "a", "b", "c"], {"b"})
    assert m["mrr@10"] == 0.5 and m["recall@1"] == 0.0 and m["recall@5"] == 1.0


def test_bad_files_name_the_line(tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text('{"_id": "1", "text": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"q.jsonl:2"):
        read_queries(q)
    r = tmp_path / "r.tsv"
    r.write_text("query-id\tcorpus-id\tscore\nonlyone\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"r.tsv:2"):
        read_qrels(r)
