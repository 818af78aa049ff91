"""The Milvus backend against milvus-lite, started here: as a local .db file and as a TCP server on 127.0.0.1."""
from __future__ import annotations

import importlib.util
import time
from dataclasses import replace

import numpy as np
import pytest

import tracuu
from tracuu.text.analyzer import ANALYZER_VERSION, Analyzer
from tracuu.ingest.passage_text import index_text
from tracuu.retrieval.encoders import HashingEncoder
from tracuu.errors import (BackendUnavailableError, CollectionMismatchError, DocumentNotFoundError,
                           IndexNotFoundError, InvalidQueryError)
from tracuu.retrieval.fusion import top_rows
from tracuu.index import Index
from tracuu.backends.milvus.client import Caller
from tracuu.backends.milvus.filters import filter_expression, parse_uri

from helpers import DOCS, OFFICIAL_DOCS, free_port, milvus_lite_server, write_docs

pytestmark = [pytest.mark.milvus, pytest.mark.filterwarnings("ignore:pkg_resources is deprecated")]
HAVE_MILVUS = all(importlib.util.find_spec(m) for m in ("pymilvus", "milvus_lite"))
needs_milvus = pytest.mark.skipif(not HAVE_MILVUS, reason="pip install 'tracuu[milvus]' (pymilvus + milvus-lite)")

OFFICIAL = OFFICIAL_DOCS
QUERIES = ["đột phá chuyển đổi số", "phòng, chống tham nhũng, lãng phí", "tuổi thọ trung bình",
           "tu hoc, tu nghien cuu", "chinh quyen so", "đô thị hóa", "an ninh mạng", "ky nang so"]


def embedded_parts(index: Index, ids: list[str] | None = None):
    """Documents, passages, analyzed tokens and vectors of an embedded index: what a Milvus upsert takes."""
    gen = index._backend
    ids = list(gen.documents) if ids is None else ids
    docs = [gen.store.stored_document(d) for d in ids]
    passages = [p for d in ids for p in gen.store.passages_of(d)]
    rows = gen.store.passage_rows()
    vectors = gen.dense.vectors(np.array([rows[p.id] for p in passages]))
    analyzed = [Analyzer().analyze(index_text(p)) for p in passages]
    return docs, passages, [" ".join(a.exact) for a in analyzed], [" ".join(a.folded) for a in analyzed], vectors


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Index:
    folder = tmp_path_factory.mktemp("embedded")
    write_docs(folder / "docs", {**DOCS, **OFFICIAL})
    tracuu.build([folder / "docs"], folder / "index", encoder=HashingEncoder(64))
    return Index.open(folder / "index", encoder=HashingEncoder(64))


@pytest.fixture(scope="module")
def lite_db(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("lite") / "tracuu.db")


@pytest.fixture(scope="module")
def server_uri(tmp_path_factory):
    """milvus-lite's own server binary listening on a TCP port: the code path of a real Milvus server."""
    if not HAVE_MILVUS:
        pytest.skip("pip install 'tracuu[milvus]' (pymilvus + milvus-lite)")
    with milvus_lite_server(tmp_path_factory.mktemp("server")) as address:
        yield f"milvus://{address}/party"


@pytest.fixture(scope="module", params=["lite", "server"])
def store(request, embedded, lite_db):
    if not HAVE_MILVUS:
        pytest.skip("pip install 'tracuu[milvus]' (pymilvus + milvus-lite)")
    from tracuu.backends.milvus.store import MilvusStore

    uri, index_type = (lite_db, "FLAT") if request.param == "lite" else (request.getfixturevalue("server_uri"),
                                                                          "IVF_FLAT")
    st = MilvusStore.create(uri, "party", encoder_name="hashing", dim=64, index_type=index_type, nlist=4,
                            consistency="Strong", overwrite=True, timeout=20, batch_size=3)
    st.upsert_documents(*embedded_parts(embedded))
    yield st
    st.drop()
    st.close()


def _embedded_lexical(embedded: Index, query: str, n: int = 50, allowed=None) -> dict[str, float]:
    a = Analyzer().analyze(query)
    ranked = top_rows(embedded._backend.lexical.scores(a.exact, a.folded, a.accented), n, allowed)
    passages = embedded._backend.store.passages_at(ranked.rows)
    return {p.id: s for p, s in zip(passages, ranked.scores)}


def _milvus_lexical(store, query: str, n: int = 50, filter_expr=None) -> dict[str, float]:
    a = Analyzer().analyze(query)
    return dict(store.lexical_search(a.exact, a.folded, a.accented, n, filter_expr))


def _first_text(store, hits) -> str:
    return store.passages([hits[0][0]])[0].text


# -- searching ----------------------------------------------------------------------------------------------------
@needs_milvus
def test_accented_and_folded_queries_find_the_passage(store):
    for query, words in [("đột phá quan trọng hàng đầu", "đột phá quan trọng hàng đầu"),
                         ("tuoi tho trung binh", "Tuổi thọ trung bình"),
                         ("Số hoá hồ sơ thủ tục hành chính", "Số hoá hồ sơ"),
                         ("so hoa ho so thu tuc hanh chinh", "Số hoá hồ sơ")]:
        a = Analyzer().analyze(query)
        hits = store.lexical_search(a.exact, a.folded, a.accented, 5)
        assert words in _first_text(store, hits), query


@needs_milvus
def test_same_results_and_scores_as_the_embedded_lexical_index(store, embedded):
    for query in QUERIES:
        want, got = _embedded_lexical(embedded, query), _milvus_lexical(store, query)
        assert want, query
        assert got.keys() == want.keys(), query
        for pid, score in want.items():
            assert got[pid] == pytest.approx(score, rel=1e-4), (query, pid)


@needs_milvus
def test_dense_search_matches_faiss(store, embedded):
    for query in QUERIES:
        vec = embedded.encoder.encode_query(query)
        rows, sims = embedded._backend.dense.search(vec, 5)
        want = [p.id for p in embedded._backend.store.passages_at(rows.tolist())]
        got = store.dense_search(vec, 5)
        assert [s for _, s in got] == pytest.approx(sims.tolist(), abs=1e-5), query
        assert got[0][0] == want[0], query


@needs_milvus
@pytest.mark.parametrize("documents, filters", [
    (None, {"doc_type": "nq"}), (None, {"issuer": "THÀNH ỦY HÀ NỘI"}), (None, {"date_from": "2022-01-01"}),
    (None, {"date_to": "2021-03"}), (None, {"date_from": "2021-01-01", "date_to": "2024-12-22"}),
    (["nq57.txt"], None), (["nq57.txt", "bai-bao.md"], {"kind": "official"}), (None, {"issuer": "nobody"}),
])
def test_filters_mirror_the_embedded_index(store, embedded, documents, filters):
    allowed = embedded._backend.allowed_rows(documents, filters)
    expr = filter_expression(documents, filters)
    for query in ["chuyển đổi số", "chinh quyen so", "cán bộ"]:
        assert _milvus_lexical(store, query, filter_expr=expr).keys() == \
            _embedded_lexical(embedded, query, allowed=allowed).keys(), query


# -- reading back -------------------------------------------------------------------------------------------------
@needs_milvus
def test_documents_and_passages_read_back_exactly(store, embedded):
    assert store.documents() == sorted(embedded.documents(), key=lambda d: d.id)
    assert store.document("nq57.txt") == embedded.document("nq57.txt")
    gen = embedded._backend
    for doc_id in gen.documents:
        assert store.stored_document(doc_id) == gen.store.stored_document(doc_id)
        assert store.passages_of(doc_id) == gen.store.passages_of(doc_id)
    first = gen.store.passages_of("nq57.txt")[0]
    assert store.passage(first.id) == first
    assert store.hashes() == {d: h for d, h in gen.store.hashes().items()}
    info = store.info()
    assert (info["documents"], info["passages"], info["analyzer_version"]) == \
        (len(gen.documents), gen.store.count("passages"), ANALYZER_VERSION)
    with pytest.raises(DocumentNotFoundError):
        store.document("missing.txt")
    assert store.stored_document("missing.txt") is None


# -- updating -----------------------------------------------------------------------------------------------------
@pytest.fixture
def scratch(embedded, lite_db):
    if not HAVE_MILVUS:
        pytest.skip("pip install 'tracuu[milvus]' (pymilvus + milvus-lite)")
    from tracuu.backends.milvus.store import MilvusStore

    st = MilvusStore.create(lite_db, "scratch", encoder_name="hashing", dim=64, consistency="Strong",
                            overwrite=True)
    st.upsert_documents(*embedded_parts(embedded))
    yield st
    st.drop()
    st.close()


@needs_milvus
def test_delete_a_document(scratch, embedded):
    scratch.delete_documents(["ctr03.txt"])
    assert "ctr03.txt" not in {d.id for d in scratch.documents()}
    assert scratch.passages_of("ctr03.txt") == [] and scratch.stored_document("ctr03.txt") is None
    hits = _milvus_lexical(scratch, "chinh quyen so")
    assert hits and all(p.document_id != "ctr03.txt" for p in scratch.passages(list(hits)))
    assert scratch.info()["passages"] == embedded._backend.store.count("passages") - len(
        embedded._backend.store.passages_of("ctr03.txt"))


@needs_milvus
def test_reupsert_a_changed_document(scratch, embedded, tmp_path):
    changed = OFFICIAL["ctr03.txt"].replace("đô thị thông minh", "kinh tế tuần hoàn")
    write_docs(tmp_path / "docs", {**DOCS, **OFFICIAL, "ctr03.txt": changed})
    tracuu.build([tmp_path / "docs"], tmp_path / "index", encoder=HashingEncoder(64))
    new = Index.open(tmp_path / "index", encoder=HashingEncoder(64))
    old_ids = {p.id for p in scratch.passages_of("ctr03.txt")}
    scratch.upsert_documents(*embedded_parts(new, ["ctr03.txt"]))
    now = scratch.passages_of("ctr03.txt")
    assert now == new._backend.store.passages_of("ctr03.txt")
    assert scratch.passages(sorted(old_ids - {p.id for p in now})) == []  # the stale passage is gone
    assert scratch.stored_document("ctr03.txt").text == new._backend.store.stored_document("ctr03.txt").text
    assert "kinh tế tuần hoàn" in _first_text(scratch, scratch.lexical_search(
        *_tokens("kinh te tuan hoan"), 3))
    assert _milvus_lexical(scratch, "đô thị thông minh").keys() == _embedded_lexical(new, "đô thị thông minh").keys()


def _tokens(query: str):
    a = Analyzer().analyze(query)
    return a.exact, a.folded, a.accented


@needs_milvus
def test_long_document_and_blobs_are_cut_into_parts(scratch, embedded):
    docs, passages, exact, folded, vectors = embedded_parts(embedded, ["nghi-quyet-mau.txt"])
    long_text = docs[0].text + "Phát triển bền vững. " * 8000  # ~170 KB of UTF-8: several rows
    big = replace(docs[0], text=long_text, clean_offsets=np.arange(len(long_text) + 1, dtype=np.int32).tobytes(),
                  clean_ends=np.arange(1, len(long_text) + 1, dtype=np.int32).tobytes())
    scratch.upsert_documents([big], passages, exact, folded, vectors)
    assert scratch.stored_document(big.id) == big
    scratch.upsert_documents(docs, passages, exact, folded, vectors)  # shorter again: the extra parts go
    assert scratch.stored_document(big.id) == docs[0]
    scratch.put_blob("restorer.json", "ả" * 70000)
    assert scratch.get_blob("restorer.json") == "ả" * 70000 and scratch.get_blob("none") is None


# -- refusing -----------------------------------------------------------------------------------------------------
@needs_milvus
def test_another_analyzer_or_encoder_is_refused(store):
    from tracuu.backends.milvus.store import MilvusStore

    uri = store.target.client_uri if store.target.lite else store.uri
    for kwargs in ({"analyzer_version": ANALYZER_VERSION + 1}, {"encoder_name": "e5-small"}, {"dim": 384}):
        with pytest.raises(CollectionMismatchError) as err:
            MilvusStore.open(uri, "party", **kwargs)
        assert "tracuu build" in err.value.fix
    with pytest.raises(CollectionMismatchError):
        MilvusStore.create(uri, "party", encoder_name="e5-small", dim=384)
    opened = MilvusStore.open(uri, "party", consistency="Strong")  # no encoder named: the recorded one
    assert (opened.recorded.encoder_name, opened.recorded.dim) == ("hashing", 64)
    opened.close()


@needs_milvus
def test_foreign_collection_and_missing_index_are_refused(lite_db):
    from pymilvus import MilvusClient

    from tracuu.backends.milvus.store import MilvusStore

    client = MilvusClient(lite_db)
    client.create_collection("alien", dimension=8)
    try:
        with pytest.raises(CollectionMismatchError):
            MilvusStore.open(lite_db, "alien")
    finally:
        client.drop_collection("alien")
    with pytest.raises(IndexNotFoundError):
        MilvusStore.open(lite_db, "nothing_here")


@needs_milvus
def test_unreachable_server_fails_fast_with_a_clear_error():
    from tracuu.backends.milvus.store import MilvusStore

    started = time.monotonic()
    with pytest.raises(BackendUnavailableError) as err:
        MilvusStore.open(f"milvus://127.0.0.1:{free_port()}/party", timeout=1)
    assert time.monotonic() - started < 10
    assert "127.0.0.1" in str(err.value) and err.value.fix


# -- pieces without a server --------------------------------------------------------------------------------------
def test_filter_expression_mirrors_the_embedded_filters():
    assert filter_expression() is None
    expr = filter_expression(["a.txt", 'b"c'], {"doc_type": "Nghị Quyết", "date_from": "2024", "date_to": "2024-05"})
    assert expr == ('(document_id in ["a.txt", "b\\"c"]) and (filters["doc_type"] == "nghị quyết") and '
                    '(filters["date"] >= "2024") and (filters["date"] < "2024-05~")')
    with pytest.raises(InvalidQueryError):
        filter_expression(None, {'x"] or true or ["': "1"})


def test_uris_name_server_or_file_and_collection():
    assert parse_uri("milvus://db.local:19530/party") == parse_uri("http://db.local:19530", "party")
    t = parse_uri("milvus://user:secret@db.local/party")
    assert (t.client_uri, t.collection, t.token, t.display()) == ("http://db.local:19530", "party", "user:secret",
                                                                  "milvus://db.local:19530/party")
    assert parse_uri("index/x.db/party").client_uri == "index/x.db"
    assert parse_uri("index/x.db").collection == "tracuu"
    with pytest.raises(InvalidQueryError):
        parse_uri("milvus://host/bad-name")


def test_transient_failures_are_retried_then_reported():
    class Flaky:
        def __init__(self, failures: int, exc: Exception) -> None:
            self.failures, self.exc, self.calls = failures, exc, 0

        def search(self, *args, **kwargs):
            self.calls += 1
            if self.calls <= self.failures:
                raise self.exc
            return "ok"

    flaky = Flaky(2, ConnectionError("server unavailable"))
    assert Caller(flaky, "milvus://x/p", timeout=1, retries=3, backoff=0, consistency="Strong")("search") == "ok"
    assert flaky.calls == 3
    broken = Flaky(9, ConnectionError("server unavailable"))
    with pytest.raises(BackendUnavailableError):
        Caller(broken, "milvus://x/p", timeout=1, retries=2, backoff=0, consistency="Strong")("search")
    assert broken.calls == 3
    wrong = Flaky(9, ValueError("bad request"))
    with pytest.raises(BackendUnavailableError):
        Caller(wrong, "milvus://x/p", timeout=1, retries=5, backoff=0, consistency="Strong")("search")
    assert wrong.calls == 1  # not transient: no retry
