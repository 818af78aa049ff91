"""The facade end to end with the tiny encoder: build, search, explain, filters, updates, versions."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import unicodedata

import pytest

import tracuu
from tracuu.retrieval.encoders import HashingEncoder
from tracuu.errors import (EncoderMismatchError, IndexNotFoundError, IndexVersionError, InvalidQueryError,
                           NothingIndexedError, StrictBuildError, TracuuError)
from tracuu.backends.embedded.generations import live_generation

from helpers import write_docs


@pytest.fixture
def built(tmp_path, docs_dir, encoder):
    root = tmp_path / "idx"
    report = tracuu.build([docs_dir], root, encoder=encoder)
    return root, report


def test_build_reports_and_search_finds_the_passage(built, encoder):
    root, report = built
    assert report.documents == 2 and report.passages >= 4 and not report.failures
    index = tracuu.open_index(root, encoder=encoder)
    hits = index.search("tuổi thọ trung bình", k=3)
    assert "74,5 tuổi" in hits[0].passage.text
    assert hits[0].document.id == "nghi-quyet-mau.txt"


def test_unaccented_query_finds_accented_text(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    hits = index.search("chong quan lieu sach nhieu tieu cuc", k=3)
    assert "quan liêu, sách nhiễu" in hits[0].passage.text


def test_passage_offsets_slice_the_extracted_text(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    for doc in index.documents():
        text = index.document_text(doc.id)
        for hit in index.search("Thành ủy", k=20, documents=[doc.id]):
            p = hit.passage
            source = text[p.char_start:p.char_end]
            assert p.text.split()[0].strip("*#") in source
            assert p.text.split()[-1].strip("*#") in source


def test_section_path_and_citation(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    hit = index.search("lao động qua đào tạo", k=1)[0]
    assert hit.passage.section[0].startswith("I")
    assert "mục" in hit.citation.text


def test_explain_shows_both_rankings(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    hit = index.search("đô thị hoá", k=1, explain=True)[0]
    why = hit.explanation
    assert why.lexical_rank == 1 and why.dense_rank is not None and why.fused_score > 0
    assert index.search("đô thị hoá", k=1)[0].explanation is None


def test_document_filter(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    hits = index.search("Thành ủy Hà Nội", k=10, documents=["nghi-quyet-mau.txt"])
    assert all(h.document.id == "nghi-quyet-mau.txt" for h in hits)
    assert index.search("Thành ủy Hà Nội", k=10, documents=["khong-co.txt"]) == []


def test_modes_and_bad_queries(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    assert index.search("chuyển đổi số", mode="lexical")[0].explanation is None
    assert index.search("chuyển đổi số", mode="dense")
    for bad in ("", "   "):
        with pytest.raises(InvalidQueryError, match="query"):
            index.search(bad)
    with pytest.raises(InvalidQueryError, match="k"):
        index.search("đảng", k=0)
    with pytest.raises(InvalidQueryError, match="mode"):
        index.search("đảng", mode="magic")


def test_add_replace_remove_reach_every_part(tmp_path, built, encoder):
    root, _ = built
    index = tracuu.open_index(root, encoder=encoder)
    extra = write_docs(tmp_path / "more", {"ke-hoach.txt": "Kế hoạch phát triển hạ tầng số và điện toán đám mây."})
    report = index.add([extra])
    assert report.added == ("ke-hoach.txt",) and report.encoded >= 1
    assert index.search("điện toán đám mây", k=1)[0].document.id == "ke-hoach.txt"

    (extra / "ke-hoach.txt").write_text("Kế hoạch phát triển năng lượng nguyên tử.", encoding="utf-8")
    report = index.add([extra])
    assert report.replaced == ("ke-hoach.txt",)
    assert index.search("năng lượng nguyên tử", k=1)[0].document.id == "ke-hoach.txt"
    assert all("đám mây" not in h.passage.text for h in index.search("điện toán đám mây", k=10))

    report = index.remove(["ke-hoach.txt"])
    assert report.removed == ("ke-hoach.txt",)
    assert all(h.document.id != "ke-hoach.txt" for h in index.search("năng lượng nguyên tử", k=10))
    reopened = tracuu.open_index(root, encoder=encoder)
    assert {d.id for d in reopened.documents()} == {"nghi-quyet-mau.txt", "bai-bao.md"}
    with pytest.raises(tracuu.TracuuError, match="khong-co"):
        index.remove(["khong-co"])


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__(64)
        self.name = "hashing-64"
        self.encoded = 0

    def encode_passages(self, texts):
        self.encoded += len(texts)
        return super().encode_passages(texts)


def test_rebuild_of_unchanged_files_encodes_nothing(tmp_path, docs_dir):
    root = tmp_path / "idx"
    first = CountingEncoder()
    tracuu.build([docs_dir], root, encoder=first)
    assert first.encoded > 0
    again = CountingEncoder()
    report = tracuu.build([docs_dir], root, encoder=again)
    assert again.encoded == 0 and report.encoded == 0 and len(report.unchanged) == 2
    index = tracuu.open_index(root, encoder=again)
    assert index.add([docs_dir]).encoded == 0


def test_encoder_mismatch_is_refused(built):
    with pytest.raises(EncoderMismatchError, match="hashing"):
        tracuu.open_index(built[0], encoder=_named("other-model"))


def _named(name):
    enc = HashingEncoder(64)
    enc.name = name
    return enc


def test_unknown_format_version_names_the_rebuild_command(built):
    root, _ = built
    manifest = live_generation(root) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["format_version"] = 99
    manifest.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexVersionError) as info:
        tracuu.open_index(root)
    assert info.value.found == 99 and "tracuu build" in info.value.fix


def test_missing_index_and_nothing_to_index(tmp_path, encoder):
    with pytest.raises(IndexNotFoundError, match="tracuu build"):
        tracuu.open_index(tmp_path / "none")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "rong.txt").write_text("   \n", encoding="utf-8")
    with pytest.raises(NothingIndexedError):
        tracuu.build([empty], tmp_path / "idx", encoder=encoder)
    assert not (tmp_path / "idx" / "CURRENT").exists()


def test_one_bad_file_does_not_stop_the_build(tmp_path, docs_dir, encoder):
    (docs_dir / "hong.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    report = tracuu.build([docs_dir], tmp_path / "idx", encoder=encoder)
    assert report.documents == 2
    assert [p for p, _ in report.failures] == [str(docs_dir / "hong.pdf")]
    with pytest.raises(StrictBuildError, match="hong.pdf"):
        tracuu.build([docs_dir], tmp_path / "idx2", encoder=encoder, strict=True)


def test_refuses_to_write_into_a_folder_that_is_not_an_index(tmp_path, docs_dir, encoder):
    with pytest.raises(TracuuError, match="không phải chỉ mục tracuu"):
        tracuu.build([docs_dir], docs_dir, encoder=encoder)


SLOW_BUILD = textwrap.dedent("""
    import sys, time
    import tracuu
    from tracuu.retrieval.encoders import HashingEncoder

    class Slow(HashingEncoder):
        def encode_passages(self, texts):
            print("encoding", flush=True)
            time.sleep(60)
            return super().encode_passages(texts)

    enc = Slow(64)
    enc.name = "hashing"
    tracuu.build([sys.argv[1]], sys.argv[2], encoder=enc)
""")


def test_killed_build_leaves_the_previous_index_intact(tmp_path, built, encoder):
    root, _ = built
    before = [h.passage.id for h in tracuu.open_index(root, encoder=encoder).search("chuyển đổi số")]
    more = write_docs(tmp_path / "docs2", {"moi.txt": "Văn bản mới về kinh tế số và xã hội số."})
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(more), str(root)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert proc.stdout.readline().strip() == "encoding"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    index = tracuu.open_index(root, encoder=encoder)
    assert [h.passage.id for h in index.search("chuyển đổi số")] == before
    assert {d.id for d in index.documents()} == {"nghi-quyet-mau.txt", "bai-bao.md"}
    # The next write cleans up after the killed one.
    index.add([more])
    assert index.search("kinh tế số", k=1)[0].document.id == "moi.txt"
    assert len([p for p in root.iterdir() if p.name.startswith("gen-")]) == 2


def test_sentences_are_verbatim_slices_of_the_extracted_text(tmp_path, shared_corpus, encoder):
    tracuu.build([shared_corpus], tmp_path / "idx", encoder=encoder)
    index = tracuu.open_index(tmp_path / "idx", encoder=encoder)
    checked = 0
    for doc in index.documents():
        text = index.document_text(doc.id)
        for hit in index.search("phát triển khoa học công nghệ", k=50, documents=[doc.id], mode="lexical"):
            last_word = text[hit.passage.char_start:hit.passage.char_end].split()[-1]
            # The cleaner removed Markdown and normalized to NFC; the words are the same.
            last_word = unicodedata.normalize("NFC", last_word.replace("*", "").replace("\\", ""))
            assert last_word in hit.passage.text
            for sentence in index.sentences(hit.passage):
                assert sentence.text == text[sentence.char_start:sentence.char_end]
                assert hit.passage.char_start <= sentence.char_start < sentence.char_end <= hit.passage.char_end
                checked += 1
    assert checked > 100


def test_neighbours_give_context(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    hit = index.search("lao động qua đào tạo", k=1)[0]
    around = index.neighbours(hit.passage.id)
    assert hit.passage in around and len(around) >= 2
    assert [p.ordinal for p in around] == sorted(p.ordinal for p in around)


def test_damaged_parts_give_a_clear_error(built):
    root, _ = built
    (live_generation(root) / "dense.faiss").write_bytes(b"not faiss")
    with pytest.raises(tracuu.TracuuError, match="damaged") as info:
        tracuu.open_index(root)
    assert "tracuu build" in info.value.fix


def test_unaccented_queries_are_restored_from_the_index_vocabulary(built, encoder):
    index = tracuu.open_index(built[0], encoder=encoder)
    plan = index.plan("tuoi tho trung binh")
    assert plan.restored == "tuổi thọ trung bình" and plan.dense_text == "tuổi thọ trung bình"
    assert index.plan("tuổi thọ trung bình").restored is None  # typed with accents: left alone
    assert "74,5 tuổi" in index.search("tuoi tho trung binh", k=1)[0].passage.text


def test_abbreviations_expand_both_ways_and_are_learned_from_documents(tmp_path, encoder):
    docs = write_docs(tmp_path / "d", {
        "bcd.txt": "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ (BCĐ) họp phiên thứ nhất.\n\n"
                   "BCĐ giao Bộ Khoa học và Công nghệ chủ trì xây dựng đề án.",
        "khac.txt": "Ủy ban nhân dân thành phố tổ chức hội nghị về chuyển đổi số.",
    })
    tracuu.build([docs], tmp_path / "idx", encoder=encoder)
    index = tracuu.open_index(tmp_path / "idx", encoder=encoder)
    plan = index.plan("BCĐ phải làm gì")
    # The document's own definition wins over the curated "Ban Chỉ đạo".
    assert plan.expansions == ("Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ",)
    assert plan.dense_text.startswith("Ban Chỉ đạo")
    assert index.search("Ban Chỉ đạo giao ai chủ trì đề án", k=1)[0].document.id == "bcd.txt"
    assert "BCĐ" in index.plan("ban chi dao phai lam gi").expansions


def test_congress_numbers_match_in_any_notation(tmp_path, encoder):
    docs = write_docs(tmp_path / "d", {
        "dh.txt": "Nghị quyết Đại hội XIII của Đảng xác định tầm nhìn đến năm 2045.",
        "khac.txt": "Đại hội đại biểu Đảng bộ tỉnh lần thứ 13 bàn về tầm nhìn phát triển du lịch.",
    })
    tracuu.build([docs], tmp_path / "idx", encoder=encoder)
    index = tracuu.open_index(tmp_path / "idx", encoder=encoder)
    assert "Đại hội XIII" in index.plan("nghi quyet dai hoi 13").expansions
    assert index.search("nghi quyet dai hoi 13 tam nhin", k=1)[0].document.id == "dh.txt"


def test_metadata_filters_and_links_on_the_shared_corpus(tmp_path, shared_corpus, encoder):
    tracuu.build([shared_corpus], tmp_path / "idx", encoder=encoder)
    index = tracuu.open_index(tmp_path / "idx", encoder=encoder)
    docs = {d.id: d for d in index.documents()}
    nq03 = docs["nq03-ncp-2025_chuong-trinh-hanh-dong-chinh-phu.md"].metadata
    assert nq03["number"] == "03/NQ-CP" and nq03["issuer"] == "Chính phủ"
    assert "nq57-ntw-2024_nghi-quyet-bo-chinh-tri.md" in nq03["implements_documents"]
    assert {d for d in docs if d.startswith("nq57_kl69_nq20-2012_bangoc.md#")} == \
        {f"nq57_kl69_nq20-2012_bangoc.md#{n}" for n in range(1, 5)}
    hits = index.search("khoa học công nghệ", k=20, filters={"doc_type": "KL"})
    assert hits and {h.document.metadata["number"] for h in hits} == {"69-KL/TW"}
    hits = index.search("khoa học công nghệ", k=50, filters={"date_from": "2024-12-01", "date_to": "2025-01"})
    assert hits and all("2024-12-01" <= h.document.metadata["date"] <= "2025-01-31" for h in hits)
    assert index.search("khoa học công nghệ", filters={"issuer": "Không có cơ quan này"}) == []


def test_passage_look_ups_longer_than_one_statement_keep_their_order(tmp_path, docs_dir, monkeypatch):
    # SQLite bounds the parameters of one statement: the store reads in chunks, in the order asked.
    import tracuu.backends.embedded.store
    tracuu.build([docs_dir], tmp_path / "idx", encoder=HashingEncoder())
    store = tracuu.open_index(tmp_path / "idx", encoder=HashingEncoder())._backend.store
    id_of = {row: pid for pid, row in store.passage_rows().items()}
    rows = sorted(id_of, reverse=True)
    assert len(rows) > 4
    monkeypatch.setattr(tracuu.backends.embedded.store, "READ_BATCH", 2)
    assert [p.id for p in store.passages_at(rows)] == [id_of[r] for r in rows]
