"""The CLI in-process: each verb mirrors the library, prints JSON on request, and fails with one line plus a fix."""
from __future__ import annotations

import json
import re

import pytest

from tracuu.cli import main, parser

from helpers import ROOT

README = ROOT / "README.md"


@pytest.fixture
def index_dir(tmp_path, docs_dir, capsys):
    root = tmp_path / "idx"
    assert main(["build", str(docs_dir), "--index", str(root), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    return root


def test_build_then_search_json(index_dir, capsys):
    assert main(["search", "ty le lao dong qua dao tao", "--index", str(index_dir), "-k", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    hit = out["hits"][0]
    assert "70%" in hit["text"] and hit["rank"] == 1
    assert hit["document"]["id"] == "nghi-quyet-mau.txt" and "citation" in hit


def test_search_text_output_with_explain(index_dir, capsys):
    assert main(["search", "tuổi thọ", "--index", str(index_dir), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "74,5 tuổi" in out and "từ khoá: hạng 1, điểm " in out


def test_batch_search_prints_one_json_line_per_query(index_dir, tmp_path, capsys):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "query": "tuổi thọ"}\n{"id": "b", "query": "hoc tap quan triet"}\n',
                       encoding="utf-8")
    assert main(["search", "--index", str(index_dir), "--queries", str(queries), "-k", "1", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert "quán triệt" in lines[1]["hits"][0]["text"]


def test_info_add_remove(index_dir, tmp_path, capsys):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "moi.txt").write_text("Phát triển hạ tầng số hiện đại.", encoding="utf-8")
    assert main(["add", str(extra), "--index", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == ["moi.txt"]
    assert main(["info", "--index", str(index_dir), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["documents"] == 3 and info["encoder"]["name"] == "hashing" and info["format_version"] == 3
    assert main(["remove", "moi.txt", "--index", str(index_dir)]) == 0
    capsys.readouterr()
    assert main(["info", "--index", str(index_dir)]) == 0
    assert "2 văn bản" in capsys.readouterr().out


def test_errors_are_one_line_and_a_fix(tmp_path, capsys):
    assert main(["search", "đảng", "--index", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == f"tracuu: không có chỉ mục tại {tmp_path / 'none'}"
    assert err[1] == f"  cách khắc phục: tạo chỉ mục trước: tracuu build corpus/ --index {tmp_path / 'none'}"
    assert "Traceback" not in "\n".join(err)


def test_bad_filter_and_empty_query(index_dir, capsys):
    assert main(["search", "đảng", "--index", str(index_dir), "--filter", "loai"]) == 2
    assert "'loai' không có dạng KHOÁ=GIÁ_TRỊ" in capsys.readouterr().err
    assert main(["search", "  ", "--index", str(index_dir)]) == 2
    assert "query: câu hỏi trống" in capsys.readouterr().err


def test_eval_on_gold_snippets(tmp_path, docs_dir, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "query": "tuổi thọ trung bình", "gold": ["74,5 tuổi"],
                                "kind": "question"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["eval", "--corpus", str(docs_dir), "--gold", str(gold), "--encoder", "hashing", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_written"]["all"]["hit@1"] == 1.0 and out["folded"]["all"]["hit@5"] == 1.0


def test_eval_can_read_queries_as_passages_too(tmp_path, docs_dir, capsys, monkeypatch):
    from tracuu.index import Index
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "query": "tuổi thọ trung bình", "gold": ["74,5 tuổi"],
                                "kind": "question"}, ensure_ascii=False) + "\n", encoding="utf-8")
    seen, search = [], Index.search

    def spy(self, query, k=10, **kw):
        seen.append(kw.get("settings"))
        return search(self, query, k, **kw)
    monkeypatch.setattr(Index, "search", spy)
    argv = ["eval", "--corpus", str(docs_dir), "--gold", str(gold), "--encoder", "hashing", "--json"]
    assert main([*argv, "--query-as-passage", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["as_written"]["all"]["hit@1"] == 1.0
    assert seen and all(f.query_as_passage == 1.0 for f in seen)
    assert main([*argv, "--query-as-passage", "11"]) == 2
    assert "--query-as-passage: phải từ 0 đến 10, nhận được 11" in capsys.readouterr().err


def test_every_verb_has_help_and_is_documented(capsys):
    verbs = parser()._subparsers._group_actions[0].choices
    readme = README.read_text(encoding="utf-8")
    for name in verbs:
        with pytest.raises(SystemExit) as exc:
            main([name, "--help"])
        assert exc.value.code == 0
        assert capsys.readouterr().out.startswith("cách dùng: tracuu " + name)
        assert re.search(rf"tracuu {name}\b", readme), f"`tracuu {name}` is not in README.md"


def test_documents_lists_metadata_and_filters(tmp_path, shared_corpus, capsys):
    root = tmp_path / "idx"
    assert main(["build", str(shared_corpus), "--index", str(root), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    assert main(["documents", "--index", str(root), "--filter", "doc_type=KL"]) == 0
    out = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("    ")]  # no warnings
    assert len(out) == 1 and "69-KL/TW" in out[0] and "Bộ Chính trị" in out[0] and "2024-01-11" in out[0]
    assert main(["documents", "--index", str(root), "--json", "--filter", "issuer=Chính phủ"]) == 0
    numbers = {d["metadata"].get("number") for d in json.loads(capsys.readouterr().out)["documents"]}
    assert "03/NQ-CP" in numbers and "57-NQ/TW" not in numbers


@pytest.mark.parametrize("argv, env, threads", [([], None, "1"), ([], "3", "3"), (["--encoder-threads", "2"], "3", "2")])
def test_serve_chooses_encoder_threads_before_the_model_loads(index_dir, monkeypatch, argv, env, threads):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    if env is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", env)
    assert main(["serve", "--index", str(index_dir), "--port", "8123", *argv]) == 0
    import os
    assert os.environ["OMP_NUM_THREADS"] == threads and seen["port"] == 8123
