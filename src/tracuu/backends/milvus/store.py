"""The Milvus half of the index backends: passages with server-side BM25 on our analyzer's tokens, vectors, documents."""
from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np

from tracuu.text.analyzer import ANALYZER_VERSION
from tracuu.errors import DocumentNotFoundError, IndexNotFoundError, InvalidQueryError, PassageNotFoundError
from tracuu.backends.milvus.client import Caller, connect
from tracuu.backends.milvus.codec import (as_list, batches, blob_rows, document_rows, info_from_head, joined, joined_body,
                           passage_from_row, passage_row, query_text, stored_from_rows, top_scores)
from tracuu.backends.milvus.filters import MilvusTarget, literal_list, parse_uri
from tracuu.retrieval.filters import literal
from tracuu.backends.milvus.schema import (DOCS_SUFFIX, DOCUMENT_FIELDS, INDEX_TYPES, PASSAGE_FIELDS, PASSAGE_OUTPUT, Recorded,
                            check_fields, document_indexes, document_schema, passage_indexes, passage_schema)
from tracuu.results import DocumentInfo, Passage
from tracuu.ingest.stored import StoredDocument

MAX_TOPK = 16384  # Milvus's limit on one search's results
ID_BATCH = 500  # ids per `in [...]` expression


def _and(*clauses: str | None) -> str:
    return " and ".join(f"({c})" for c in clauses if c)


class MilvusStore:
    """One index in Milvus: collection `<name>` holds passages, `<name>__documents` the documents' texts.

    Open it with `MilvusStore.open(uri, ...)` or make it with `MilvusStore.create(uri, ...)`; `uri` is
    `milvus://host:19530/name`, `http(s)://host:port/name`, or a local milvus-lite file `path/x.db[/name]`.
    """

    def __init__(self, client, target: MilvusTarget, recorded: Recorded, *, consistency: str, timeout: float,
                 retries: int, backoff: float, batch_size: int, nprobe: int) -> None:
        self.target, self.recorded = target, recorded
        self.uri = target.display()
        self.passages_collection = target.collection
        self.documents_collection = target.collection + DOCS_SUFFIX
        self.batch_size, self.nprobe = batch_size, nprobe
        self._client = client
        self._closed = False
        self._call = Caller(client, self.uri, timeout=timeout, retries=retries, backoff=backoff,
                            consistency=consistency)

    # -- opening --------------------------------------------------------------------------------------------
    @classmethod
    def create(cls, uri: str, collection: str | None = None, *, encoder_name: str, dim: int,
               analyzer_version: int = ANALYZER_VERSION, index_type: str = "AUTOINDEX", nlist: int = 128,
               settings: dict[str, Any] | None = None, overwrite: bool = False, consistency: str = "Bounded",
               timeout: float = 10.0, retries: int = 3, backoff: float = 0.2, batch_size: int = 256,
               nprobe: int = 32) -> "MilvusStore":
        """Make the collections (or open them if they exist and match; `overwrite` drops them first)."""
        if index_type not in INDEX_TYPES:
            raise InvalidQueryError("index_type",
                                    f"phải là một trong {', '.join(INDEX_TYPES)}, nhận được {index_type!r}")
        target = parse_uri(uri, collection)
        recorded = Recorded(analyzer_version, encoder_name, dim, index_type, settings=dict(settings or {}))
        store = cls(connect(target, timeout), target, recorded, consistency=consistency, timeout=timeout,
                    retries=retries, backoff=backoff, batch_size=batch_size, nprobe=nprobe)
        try:
            if overwrite:
                store.drop()
            if store._call("has_collection", store.passages_collection):
                store._verify(analyzer_version, encoder_name, dim)
            else:
                store._make(index_type, nlist, consistency)
        except Exception:
            store.close()
            raise
        return store

    def _make(self, index_type: str, nlist: int, consistency: str) -> None:
        call, client = self._call, self._client
        if call("has_collection", self.documents_collection):
            call("drop_collection", self.documents_collection)  # left over from a create that failed half-way
        call("create_collection", self.documents_collection, schema=document_schema(client),
             index_params=document_indexes(client), consistency_level=consistency)
        # The passages collection last: its existence is what says the index exists.
        call("create_collection", self.passages_collection, schema=passage_schema(client, self.recorded),
             index_params=passage_indexes(client, index_type, nlist), consistency_level=consistency)

    @classmethod
    def open(cls, uri: str, collection: str | None = None, *, analyzer_version: int = ANALYZER_VERSION,
             encoder_name: str | None = None, dim: int | None = None, consistency: str = "Bounded",
             timeout: float = 10.0, retries: int = 3, backoff: float = 0.2, batch_size: int = 256,
             nprobe: int = 32) -> "MilvusStore":
        """Open an existing index; refuses one built with another analyzer version, encoder or dimension
        (None: accept the recorded encoder, as the embedded index reads its manifest)."""
        target = parse_uri(uri, collection)
        store = cls(connect(target, timeout), target, Recorded(analyzer_version, encoder_name or "", dim or 0),
                    consistency=consistency, timeout=timeout, retries=retries, backoff=backoff,
                    batch_size=batch_size, nprobe=nprobe)
        if not store._call("has_collection", store.passages_collection):
            store.close()
            raise IndexNotFoundError(store.uri)
        store._verify(analyzer_version, encoder_name, dim)
        return store

    def _verify(self, analyzer_version: int, encoder_name: str | None, dim: int | None) -> None:
        try:
            described = self._call("describe_collection", self.passages_collection)
            recorded = Recorded.from_description(described.get("description", ""), self.uri)
            recorded.check(self.uri, analyzer_version=analyzer_version, encoder_name=encoder_name, dim=dim)
            check_fields(self.uri, described, PASSAGE_FIELDS, "bảng đoạn")
            if not self._call("has_collection", self.documents_collection):
                check_fields(self.uri, {}, DOCUMENT_FIELDS, "bảng văn bản")
            check_fields(self.uri, self._call("describe_collection", self.documents_collection), DOCUMENT_FIELDS,
                         "bảng văn bản")
            for name in (self.passages_collection, self.documents_collection):
                self._call("load_collection", name)
        except Exception:
            self.close()
            raise
        self.recorded = recorded

    def close(self) -> None:
        """Idempotent: the backends of successive generations share one store."""
        if not self._closed:
            self._closed = True
            self._client.close()

    def __enter__(self) -> "MilvusStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------------------------
    def upsert_documents(self, docs: Sequence[StoredDocument], passages: Sequence[Passage],
                         exact_tokens: Sequence[str | Sequence[str]], folded_tokens: Sequence[str | Sequence[str]],
                         vectors: np.ndarray) -> int:
        """Add or replace these documents with exactly these passages (tokens from `Analyzer.analyze` of
        `passage_text.index_text(passage)`, one row of `vectors` each); their old passages are removed. Returns the
        number of passages written."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(passages), -1) if len(passages) else vectors
        if not len(passages) == len(exact_tokens) == len(folded_tokens) == len(vectors):
            raise ValueError("passages, exact_tokens, folded_tokens and vectors must be aligned")
        if len(passages) and vectors.shape[1] != self.recorded.dim:
            raise ValueError(f"vectors have dimension {vectors.shape[1]}, the index {self.recorded.dim}")
        metadata = {d.id: d.metadata for d in docs}
        counts = {d.id: 0 for d in docs}
        rows = []
        for p, exact, folded, vec in zip(passages, exact_tokens, folded_tokens, vectors):
            if p.document_id not in metadata:
                raise ValueError(f"passage {p.id} belongs to {p.document_id!r}, which is not among `docs`")
            counts[p.document_id] += 1
            rows.append(passage_row(p, joined(exact), joined(folded), vec, metadata[p.document_id]))
        ids = list(metadata)
        old = {r["id"] for r in self._scan_docs(self.passages_collection, ids, ["id"])}
        # New rows first, stale ones after: a concurrent search never finds a document without passages.
        for batch in batches(rows, self.batch_size):
            self._call("upsert", self.passages_collection, list(batch))
        self._delete_ids(self.passages_collection, "id", sorted(old - {r["id"] for r in rows}))
        doc_rows = [row for d in docs for row in document_rows(d, counts[d.id])]
        old_keys = {r["key"] for r in self._scan_docs(self.documents_collection, ids, ["key"], 'kind == "document"')}
        for batch in batches(doc_rows, max(1, self.batch_size // 8)):  # document parts are up to 64 KB each
            self._call("upsert", self.documents_collection, list(batch))
        self._delete_ids(self.documents_collection, "key", sorted(old_keys - {r["key"] for r in doc_rows}))
        return len(rows)

    def delete_documents(self, document_ids: Sequence[str]) -> None:
        for batch in batches(list(document_ids), ID_BATCH):
            self._call("delete", self.passages_collection, filter=f"document_id in {literal_list(batch)}")
            self._call("delete", self.documents_collection,
                       filter=f'kind == "document" and document_id in {literal_list(batch)}')

    def put_blob(self, name: str, text: str) -> None:
        """An index-wide file (the diacritic restorer, learned abbreviations), kept beside the documents."""
        old = {r["key"] for r in self._call.scan(self.documents_collection,
                                                  f'kind == "blob" and document_id == {literal(name)}', ["key"])}
        rows = blob_rows(name, text)
        for batch in batches(rows, 8):
            self._call("upsert", self.documents_collection, list(batch))
        self._delete_ids(self.documents_collection, "key", sorted(old - {r["key"] for r in rows}))

    def get_blob(self, name: str) -> str | None:
        rows = list(self._call.scan(self.documents_collection, f'kind == "blob" and document_id == {literal(name)}',
                                    ["part", "head", "body"]))
        return joined_body(rows) if rows else None

    def drop(self) -> None:
        for name in (self.passages_collection, self.documents_collection):
            if self._call("has_collection", name):
                self._call("drop_collection", name)

    def _delete_ids(self, collection: str, field: str, ids: list[str]) -> None:
        for batch in batches(ids, ID_BATCH):
            self._call("delete", collection, filter=f"{field} in {literal_list(batch)}")

    def _scan_docs(self, collection: str, document_ids: list[str], fields: list[str],
                   extra: str | None = None) -> list[dict]:
        out: list[dict] = []
        for batch in batches(document_ids, ID_BATCH):
            out.extend(self._call.scan(collection, _and(f"document_id in {literal_list(batch)}", extra), fields))
        return out

    def passage_ids_of(self, document_ids: Sequence[str]) -> set[str]:
        """Ids of the passages stored for these documents (an update writes only what differs)."""
        return {r["id"] for r in self._scan_docs(self.passages_collection, list(document_ids), ["id"])}

    def all_passages(self, fields: list[str]) -> Iterator[dict]:
        """These fields of every passage row, in batches (index-wide statistics: restorer, frequencies)."""
        return iter(self._call.scan(self.passages_collection, "", fields))

    # -- searching ------------------------------------------------------------------------------------------
    def lexical_search(self, exact_query: str | Sequence[str], folded_query: str | Sequence[str], accented: bool,
                       n: int, filter_expr: str | None = None, *, exact_weight: float = 1.0
                       ) -> list[tuple[str, float]]:
        """BM25 on the folded field, plus `exact_weight` x BM25 on the exact field when the query has accents:
        the embedded `LexicalIndex.scores`. Passages found by only one field get their other score fetched."""
        n = min(n, MAX_TOPK)
        folded = query_text(folded_query)
        exact = query_text(exact_query) if accented and exact_weight else ""
        scores = self._bm25("folded_sparse", folded, n, filter_expr)
        if not exact:
            return top_scores(scores, n)
        exact_scores = self._bm25("exact_sparse", exact, n, filter_expr)
        # A passage in one field's top n may score in the other too, below its top n: fetch that score.
        for field, text, have, other in (("folded_sparse", folded, scores, exact_scores),
                                         ("exact_sparse", exact, exact_scores, scores)):
            missing = [pid for pid in other if pid not in have]
            for batch in batches(missing, ID_BATCH):
                have.update(self._bm25(field, text, len(batch), f"id in {literal_list(batch)}"))
        total = {pid: scores.get(pid, 0.0) + exact_weight * exact_scores.get(pid, 0.0)
                 for pid in scores.keys() | exact_scores.keys()}
        return top_scores(total, n)

    def _bm25(self, field: str, text: str, n: int, filter_expr: str | None) -> dict[str, float]:
        if not text or n <= 0:
            return {}
        found = self._call.read("search", self.passages_collection, data=[text], anns_field=field, limit=n,
                                filter=filter_expr or "", search_params={"metric_type": "BM25"})
        return {hit["id"]: float(hit["distance"]) for hit in found[0] if hit["distance"] > 0}

    def dense_search(self, vector: np.ndarray, n: int, filter_expr: str | None = None) -> list[tuple[str, float]]:
        """Inner product of normalized vectors (cosine), best first: the embedded `DenseIndex.search`."""
        found = self._call.read("search", self.passages_collection, data=[as_list(vector)], anns_field="vector",
                                limit=min(n, MAX_TOPK), filter=filter_expr or "", search_params=self._dense_params())
        return [(hit["id"], float(hit["distance"])) for hit in found[0]]

    def _dense_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"metric_type": "IP"}
        if self.recorded.index_type == "IVF_FLAT":
            params["params"] = {"nprobe": self.nprobe}
        return params

    # -- look-ups -------------------------------------------------------------------------------------------
    def passages(self, ids: Sequence[str]) -> list[Passage]:
        """These passages in this order; ids no longer in the index (deleted meanwhile) are left out."""
        found: dict[str, Passage] = {}
        for batch in batches(list(ids), ID_BATCH):
            rows = self._call.read("query", self.passages_collection, filter=f"id in {literal_list(batch)}",
                                   output_fields=PASSAGE_OUTPUT, limit=len(batch))
            found.update((r["id"], passage_from_row(r)) for r in rows)
        return [found[i] for i in ids if i in found]

    def passage(self, passage_id: str) -> Passage:
        found = self.passages([passage_id])
        if not found:
            raise PassageNotFoundError(passage_id)
        return found[0]

    def passages_of(self, document_id: str) -> list[Passage]:
        rows = self._scan_docs(self.passages_collection, [document_id], PASSAGE_OUTPUT)
        return sorted((passage_from_row(r) for r in rows), key=lambda p: p.ordinal)

    def vectors(self, passage_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by passage id, so an update re-encodes nothing that did not change."""
        out: dict[str, np.ndarray] = {}
        for batch in batches(list(passage_ids), ID_BATCH):
            rows = self._call.read("query", self.passages_collection, filter=f"id in {literal_list(batch)}",
                                   output_fields=["id", "vector"], limit=len(batch))
            out.update((r["id"], np.asarray(r["vector"], dtype=np.float32)) for r in rows)
        return out

    def _heads(self, extra: str | None = None) -> list[tuple[str, dict]]:
        rows = self._call.scan(self.documents_collection, _and('kind == "document" and part == 0', extra),
                               ["document_id", "head"])
        return sorted((r["document_id"], r["head"]) for r in rows)

    def documents(self) -> list[DocumentInfo]:
        return [info_from_head(d, head) for d, head in self._heads()]

    def document(self, document_id: str) -> DocumentInfo:
        found = self._heads(f"document_id == {literal(document_id)}")
        if not found:
            raise DocumentNotFoundError(document_id)
        return info_from_head(*found[0])

    def stored_document(self, document_id: str) -> StoredDocument | None:
        """The document with its full extracted text and offset map (None when it is not in the index)."""
        rows = self._scan_docs(self.documents_collection, [document_id], ["part", "head", "body"],
                               'kind == "document"')
        return stored_from_rows(document_id, rows) if rows else None

    def hashes(self) -> dict[str, tuple[str, str]]:
        """document id -> (content hash, file hash), as `Store.hashes`."""
        return {d: (h["content_hash"], h["file_hash"]) for d, h in self._heads()}

    def count(self, which: str = "passages") -> int:
        name = self.passages_collection if which == "passages" else self.documents_collection
        extra = "" if which == "passages" else 'kind == "document" and part == 0'
        rows = self._call.read("query", name, filter=extra, output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def info(self) -> dict[str, Any]:
        r = self.recorded
        return {"index": self.uri, "backend": "milvus-lite" if self.target.lite else "milvus",
                "collection": self.passages_collection, "format_version": r.format_version,
                "analyzer_version": r.analyzer_version, "encoder": {"name": r.encoder_name, "dim": r.dim},
                "index_type": r.index_type, "settings": r.settings, "consistency": self._call.consistency,
                "documents": self.count("documents"), "passages": self.count("passages")}
