"""The facade's Milvus backend: searches, look-ups and updates over `MilvusStore`; a passage's key is its id."""
from __future__ import annotations

import base64
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from tracuu.backends.base import Documents, Filters, Key, Previous
from tracuu.backends.manifest import Manifest
from tracuu.backends.milvus.codec import batches, top_scores
from tracuu.backends.milvus.filters import filter_expression, parse_uri
from tracuu.backends.milvus.schema import NOT_TRACUU
from tracuu.backends.milvus.store import MilvusStore
from tracuu.backends.writing import encode, manifest, merge_abbreviations, still_valid
from tracuu.errors import BackendUnavailableError, CollectionMismatchError, IndexNotFoundError
from tracuu.ingest.entries import Entry, Progress, link_documents
from tracuu.ingest.passage_text import index_text
from tracuu.ingest.stored import StoredDocument
from tracuu.results import DocumentInfo, Passage
from tracuu.retrieval.bm25 import idf_of
from tracuu.retrieval.encoders import Encoder
from tracuu.retrieval.fusion import Ranked
from tracuu.retrieval.settings import SearchSettings
from tracuu.retrieval.query_plan import QueryPlan
from tracuu.text.abbreviations import learn_definitions
from tracuu.text.analyzer import ANALYZER_VERSION, Analyzer
from tracuu.text.diacritics import DiacriticRestorer

MANIFEST_BLOB = "manifest.json"
RESTORER_BLOB = "restorer"
ABBREVIATIONS_BLOB = "abbreviations.json"  # per document, so removing one drops its definitions
DF_BLOB = "document-frequencies.json"  # folded-field document frequencies, for `idf`
UPSERT_DOCS = 64  # documents per upsert: bounds the memory an update holds
CONSISTENCY = "Strong"  # a write is visible to the next read, as with the embedded index


class MilvusPrevious:
    """What an update starts from in Milvus: the documents' hashes, and the stored passages and vectors by id."""

    def __init__(self, store: MilvusStore, recipe: str | None, titles: Mapping[str, str], *,
                 carry: bool = True) -> None:
        self.store, self.recipe, self.titles, self.carry = store, recipe, titles, carry
        self.hashes: dict[str, tuple[str, str]] = store.hashes()

    def carried(self, document_id: str) -> Entry | None:
        doc = self.store.stored_document(document_id)
        return Entry(doc, self.store.passages_of(document_id)) if doc else None

    def vectors(self, passages: Sequence[Passage], titles: Mapping[str, str], encoder: Encoder
                ) -> dict[str, np.ndarray]:
        valid = still_valid(passages, titles, encoder, self.recipe, self.store.passages, self.titles)
        try:
            return self.store.vectors([p.id for p in valid]) if valid else {}
        except BackendUnavailableError:
            # milvus-lite keeps no raw vectors beside an IVF or HNSW index: encode them again instead.
            return {}


def _restorer_text(restorer: DiacriticRestorer) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        restorer.save(Path(tmp))
        return json.dumps({"json": (Path(tmp) / "restorer.json").read_text(encoding="utf-8"),
                           "npz": base64.b64encode((Path(tmp) / "restorer.npz").read_bytes()).decode("ascii")})


def _restorer_from(text: str) -> DiacriticRestorer:
    data = json.loads(text)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "restorer.json").write_text(data["json"], encoding="utf-8")
        (Path(tmp) / "restorer.npz").write_bytes(base64.b64decode(data["npz"]))
        return DiacriticRestorer.load(Path(tmp))


def _info_of(e: Entry) -> DocumentInfo:
    d = e.doc
    return DocumentInfo(d.id, d.source, d.title, d.format, d.content_hash, len(e.passages), dict(d.metadata),
                        tuple(d.warnings))


class MilvusBackend:
    """One index in Milvus, as the facade sees it; a write returns a fresh backend over the same store."""

    def __init__(self, store: MilvusStore, location: str) -> None:
        self.store, self.location = store, location
        text = store.get_blob(MANIFEST_BLOB)
        if text is None:  # written by MilvusStore directly, not by `tracuu.build`
            r = store.recorded
            self.manifest = Manifest(Analyzer().to_dict(), {"name": r.encoder_name, "dim": r.dim}, store.count(
                "documents"), store.count("passages"), {}, dict(r.settings.get("fusion", {})))
        else:
            self.manifest = Manifest(**json.loads(text))
        self.generation = self.manifest.created or "milvus"
        self.documents = {d.id: d for d in store.documents()}
        restorer = store.get_blob(RESTORER_BLOB)
        self.restorer = _restorer_from(restorer) if restorer else None
        learned = json.loads(store.get_blob(ABBREVIATIONS_BLOB) or "{}")
        self.abbreviations = merge_abbreviations(learned.values())
        self._learned_by_document: dict[str, dict[str, list[str]]] = learned
        self._df: dict[str, Any] | None = None

    @property
    def path(self) -> str:
        return self.location

    @property
    def folder_on_disk(self) -> Path | None:
        return None

    @classmethod
    def open(cls, uri: str) -> "MilvusBackend":
        return cls(MilvusStore.open(uri, consistency=CONSISTENCY), uri)

    @classmethod
    def create(cls, uri: str, encoder: Encoder, settings: SearchSettings) -> "MilvusBackend":
        """Open the index at `uri` for a full build, or make it; one built with another encoder or analyzer is
        dropped and made again (as a folder build starts from nothing then)."""
        recorded = {"fusion": settings.to_dict()}
        try:
            store = MilvusStore.open(uri, consistency=CONSISTENCY)
            r = store.recorded
            if (r.encoder_name, r.dim) == (encoder.name, encoder.dim):
                return cls(store, uri)
            store.close()
            overwrite = True
        except IndexNotFoundError:
            overwrite = False
        except CollectionMismatchError as exc:
            if exc.what == NOT_TRACUU:
                raise  # someone else's collection: never dropped
            overwrite = True
        # milvus-lite keeps raw vectors (reused by updates) only beside a FLAT index; a server picks its own.
        index_type = "FLAT" if is_lite(uri) else "AUTOINDEX"
        return cls(MilvusStore.create(uri, encoder_name=encoder.name, dim=encoder.dim, settings=recorded,
                                      index_type=index_type, overwrite=overwrite, consistency=CONSISTENCY,
                                      analyzer_version=ANALYZER_VERSION), uri)

    # -- searching ------------------------------------------------------------------------------------------
    def lexical_candidates(self, plan: QueryPlan, expansion_weight: float, n: int, documents: Documents,
                           filters: Filters) -> Ranked:
        if documents is not None and not documents:
            return Ranked([], [])
        expr = filter_expression(documents, filters)
        t = plan.lexical
        scores = dict(self.store.lexical_search(t.exact, t.folded, t.accented, n, expr,
                                                exact_weight=plan.exact_weight))
        extra = plan.expansion_tokens
        if extra is not None and expansion_weight:
            for pid, s in self.store.lexical_search(extra.exact, extra.folded, extra.accented, n, expr,
                                                    exact_weight=plan.exact_weight):
                scores[pid] = scores.get(pid, 0.0) + expansion_weight * s
        synonyms = plan.synonym_tokens
        if synonyms is not None and plan.synonym_weight:
            for pid, s in self.store.lexical_search(synonyms.exact, synonyms.folded, synonyms.accented, n, expr,
                                                    exact_weight=plan.exact_weight):
                scores[pid] = scores.get(pid, 0.0) + plan.synonym_weight * s
        top = top_scores(scores, n)
        return Ranked([p for p, _ in top], [s for _, s in top])

    def dense_candidates(self, vector: np.ndarray, n: int, documents: Documents, filters: Filters) -> Ranked:
        if (documents is not None and not documents) or not self.manifest.passages:
            return Ranked([], [])
        found = self.store.dense_search(vector, n, filter_expression(documents, filters))
        return Ranked([p for p, _ in found], [s for _, s in found])

    def idf(self, term: str) -> float:
        if self._df is None:
            self._df = json.loads(self.store.get_blob(DF_BLOB) or '{"n": 0, "df": {}}')
        return idf_of(self._df["df"].get(term), int(self._df["n"]))

    # -- look-ups -------------------------------------------------------------------------------------------
    def passages_at(self, keys: Sequence[Key]) -> list[Passage | None]:
        found = {p.id: p for p in self.store.passages([str(k) for k in keys])}
        return [found.get(str(k)) for k in keys]  # None: deleted since the search

    def document_ids(self, keys: Sequence[Key]) -> list[str | None]:
        return [p.document_id if p else None for p in self.passages_at(keys)]

    def passage(self, passage_id: str) -> Passage | None:
        found = self.store.passages([passage_id])
        return found[0] if found else None

    def passages_of(self, document_id: str) -> list[Passage]:
        return self.store.passages_of(document_id)

    def stored_document(self, document_id: str) -> StoredDocument | None:
        return self.store.stored_document(document_id)

    def info(self) -> dict[str, Any]:
        lite = self.store.target.lite
        # A server does not say how much room one collection takes; a milvus-lite file holds the whole index.
        file = Path(self.store.target.client_uri)
        size = file.stat().st_size if lite and file.is_file() else None
        return {"backend": "milvus-lite" if lite else "milvus", "generation": self.generation, "size_bytes": size,
                "collection": self.store.passages_collection}

    def latest(self) -> "MilvusBackend":
        text = self.store.get_blob(MANIFEST_BLOB)
        same = text is not None and json.loads(text).get("created") == self.manifest.created
        return self if same else MilvusBackend(self.store, self.location)

    def close(self) -> None:
        self.store.close()

    # -- writing --------------------------------------------------------------------------------------------
    def previous(self, *, carry: bool = True) -> MilvusPrevious:
        return MilvusPrevious(self.store, self.manifest.encoder.get("passage_text"),
                              {d: info.title for d, info in self.documents.items()}, carry=carry)

    def update(self, fresh: Sequence[Entry], removed: Sequence[str], previous: Previous, encoder: Encoder,
               analyzer: Analyzer, settings: SearchSettings, progress: Progress | None
               ) -> tuple[int, "MilvusBackend"]:
        """Upsert `fresh` documents that differ from what is stored (vectors reused by passage id), delete
        `removed`, then rewrite the index-wide blobs (restorer, abbreviations, frequencies, manifest)."""
        gone = set(removed)
        fresh_ids = {e.doc.id for e in fresh}
        others = [info for d, info in self.documents.items() if d not in fresh_ids and d not in gone]
        linked = _linked(list(fresh), others)
        stored = self.store.passage_ids_of([e.doc.id for e in linked])
        todo = [e for e in linked if self.documents.get(e.doc.id) != _info_of(e)
                or any(p.id not in stored for p in e.passages)]
        titles = {e.doc.id: e.doc.title for e in todo}
        reuse = previous.vectors([p for e in todo for p in e.passages if p.id in stored], titles, encoder)
        total = sum(p.id not in reuse for e in todo for p in e.passages)
        encoded = 0
        for group in batches(todo, UPSERT_DOCS):
            passages = [p for e in group for p in e.passages]
            vectors, n = encode(passages, titles, encoder, reuse, progress, done=encoded, total=total)
            encoded += n
            analyzed = [analyzer.analyze(index_text(p)) for p in passages]
            self.store.upsert_documents([e.doc for e in group], passages, [a.exact for a in analyzed],
                                        [a.folded for a in analyzed], vectors)
        stale = sorted(gone & set(self.documents))
        if stale:
            self.store.delete_documents(stale)
        learned = {d: v for d, v in self._learned_by_document.items() if d not in gone}
        for e in todo:
            learned[e.doc.id] = {k: sorted(v) for k, v in learn_definitions(e.doc.text).items()}
        self._write_blobs(learned, encoder, analyzer, settings, changed=bool(todo or stale))
        return encoded, MilvusBackend(self.store, self.location)

    def _write_blobs(self, learned: dict, encoder: Encoder, analyzer: Analyzer, settings: SearchSettings, *,
                     changed: bool) -> None:
        if changed or self.store.get_blob(RESTORER_BLOB) is None:
            texts, df, n = [], Counter(), 0
            for row in self.store.all_passages(["text", "folded"]):
                texts.append(row["text"])
                df.update(set(row["folded"].split()))
                n += 1
            # Learned from this index's own passages, so restored queries use its vocabulary.
            self.store.put_blob(RESTORER_BLOB, _restorer_text(DiacriticRestorer.train(texts)))
            self.store.put_blob(DF_BLOB, json.dumps({"n": n, "df": dict(df)}, ensure_ascii=False))
            self.store.put_blob(ABBREVIATIONS_BLOB, json.dumps(learned, ensure_ascii=False))
        # Stamped to the nanosecond: `latest` and the facade's caches tell generations apart by it.
        created = time.strftime("%Y-%m-%dT%H:%M:%S") + f".{time.time_ns() % 10**9:09d}"
        written = manifest(analyzer, encoder, settings, self.store.count("documents"), self.store.count("passages"),
                           {}, created)
        self.store.put_blob(MANIFEST_BLOB, json.dumps(written.to_dict(), ensure_ascii=False))


def is_lite(uri: str) -> bool:
    return parse_uri(uri).lite


def _linked(fresh: list[Entry], others: list[DocumentInfo]) -> list[Entry]:
    """`link_documents` over the fresh entries, with the numbers of the documents kept in the index."""
    stubs = [Entry(StoredDocument(d.id, d.source, d.title, d.format, d.content_hash, "", "", metadata=d.metadata), [])
             for d in others]
    return link_documents(fresh + stubs)[:len(fresh)]
