"""The seam between the facade and where an index lives: an embedded folder, or Milvus (see milvus_backend.py)."""
from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Hashable, Protocol, Sequence

import numpy as np

from tracuu.backends.embedded import builder
from tracuu.text.analyzer import Analyzer
from tracuu.retrieval.dense import DenseIndex
from tracuu.retrieval.encoders import Encoder
from tracuu.errors import IndexCorruptError
from tracuu.retrieval.fusion import FusionConfig, Ranked, top_rows
from tracuu.backends.embedded.generations import live_generation
from tracuu.retrieval.bm25 import LexicalIndex
from tracuu.backends.manifest import Manifest
from tracuu.backends.milvus.filters import is_milvus_uri
from tracuu.retrieval.query_plan import QueryPlan
from tracuu.text.diacritics import DiacriticRestorer
from tracuu.results import DocumentInfo, Passage
from tracuu.backends.embedded.store import Store, StoredDocument

RESTORER_FILE = "restorer.json"
ABBREVIATIONS_FILE = "abbreviations.json"
Documents = Sequence[str] | None
Filters = dict[str, str] | None


class Backend(Protocol):
    """What the facade asks of an index's storage; keys are whatever the backend names a passage by."""

    location: str
    generation: str  # changes with every write: caches and `reload` key on it
    manifest: Manifest
    documents: dict[str, DocumentInfo]  # in id order
    restorer: DiacriticRestorer | None
    abbreviations: dict[str, list[str]]  # definitions the documents make themselves: "Ban Chỉ đạo (BCĐ)"

    def lexical_candidates(self, plan: QueryPlan, expansion_weight: float, n: int, documents: Documents,
                           filters: Filters) -> Ranked: ...

    def dense_candidates(self, vector: np.ndarray, n: int, documents: Documents, filters: Filters) -> Ranked: ...

    def passages_at(self, keys: Sequence[Hashable]) -> list[Passage | None]: ...

    def document_ids(self, keys: Sequence[Hashable]) -> list[str | None]: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def passages_of(self, document_id: str) -> list[Passage]: ...

    def stored_document(self, document_id: str) -> StoredDocument | None: ...

    def idf(self, term: str) -> float: ...

    def info(self) -> dict[str, Any]: ...

    def previous(self, *, carry: bool = True) -> builder.Previous: ...

    def update(self, fresh: list, removed: Sequence[str], previous: builder.Previous, encoder: Encoder,
               analyzer: Analyzer, fusion: FusionConfig, progress: builder.Progress | None
               ) -> tuple[int, "Backend"]: ...

    def latest(self) -> "Backend": ...


def open_backend(location: str | Path) -> Backend:
    """A folder is an embedded index; `milvus://…`, `http(s)://…` or `path/x.db[/collection]` is Milvus."""
    if is_milvus(location):
        from tracuu.backends.milvus.backend import MilvusBackend

        return MilvusBackend.open(str(location))
    return EmbeddedBackend.load(Path(location))


def is_milvus(location: str | Path) -> bool:
    return isinstance(location, str) and is_milvus_uri(location) or \
        isinstance(location, Path) and is_milvus_uri(str(location))


def matches(metadata: dict[str, Any], filters: dict[str, str]) -> bool:
    """Metadata filters: equality (case-insensitive), and `date_from`/`date_to` bounds on the ISO `date`."""
    for key, value in filters.items():
        if key == "date_from":
            if not metadata.get("date") or metadata["date"] < value:
                return False
        elif key == "date_to":
            if not metadata.get("date") or metadata["date"][:len(value)] > value:
                return False
        elif str(metadata.get(key, "")).casefold() != str(value).casefold():
            return False
    return True


def idf_of(df: int | None, n_rows: int) -> float:
    # BM25's idf; a term the index never saw gets the highest weight: a question about something absent from every
    # document should not look covered.
    n = max(n_rows, 1)
    return math.log(1.0 + (n + 0.5) / 0.5) if df is None else math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class EmbeddedBackend:
    """Everything read from one generation of an index folder; replaced as a whole so a reader never sees half an
    update. A passage's key is its row."""

    folder: Path
    manifest: Manifest
    store: Store
    lexical: LexicalIndex
    dense: DenseIndex
    row_documents: np.ndarray  # for each passage row, the position of its document in `documents`
    documents: dict[str, DocumentInfo]
    restorer: DiacriticRestorer | None
    abbreviations: dict[str, list[str]]
    root: Path

    @classmethod
    def load(cls, root: Path) -> "EmbeddedBackend":
        folder = live_generation(root)
        manifest = Manifest.read(folder, str(root))
        try:
            store = Store(folder / "store.sqlite")
            docs = {d.id: d for d in store.documents()}
            position = {d: i for i, d in enumerate(docs)}
            rows = np.array([position[d] for d in store.document_rows()], dtype=np.int32)
            restorer = DiacriticRestorer.load(folder) if (folder / RESTORER_FILE).exists() else None
            learned_file = folder / ABBREVIATIONS_FILE
            learned = json.loads(learned_file.read_text(encoding="utf-8")) if learned_file.exists() else {}
            return cls(folder, manifest, store, LexicalIndex.load(folder), DenseIndex.load(folder), rows, docs,
                       restorer, learned, root)
        except (sqlite3.Error, OSError, ValueError, KeyError, RuntimeError) as exc:  # faiss raises RuntimeError
            raise IndexCorruptError(str(root), f"{type(exc).__name__}: {exc}") from exc

    @property
    def location(self) -> str:
        return str(self.root)

    @property
    def generation(self) -> str:
        return self.folder.name

    # -- searching ------------------------------------------------------------------------------------------
    @cached_property
    def _document_rows(self) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray]:
        """Document ids by position, each id's position, and each document's rows as a slice of `order` (a filter
        costs its documents' rows, not a pass over every document: 3 ms per search at 100,000 documents)."""
        ids = list(self.documents)
        order = np.argsort(self.row_documents, kind="stable")
        starts = np.searchsorted(self.row_documents[order], np.arange(len(ids) + 1))
        return ids, {d: i for i, d in enumerate(ids)}, order, starts

    def allowed_rows(self, documents: Documents, filters: Filters) -> np.ndarray | None:
        if documents is None and not filters:
            return None
        _, position, order, starts = self._document_rows
        if filters:
            chosen = None if documents is None else set(documents)
            wanted = [i for i, (doc_id, doc) in enumerate(self.documents.items())
                      if (chosen is None or doc_id in chosen) and matches(doc.metadata, filters)]
        else:
            wanted = sorted({position[d] for d in documents or () if d in position})
        if not wanted:
            return np.zeros(0, np.int64)
        return np.sort(np.concatenate([order[starts[i]:starts[i + 1]] for i in wanted])).astype(np.int64)

    def lexical_candidates(self, plan: QueryPlan, expansion_weight: float, n: int, documents: Documents,
                           filters: Filters) -> Ranked:
        tokens = plan.lexical
        scores = self.lexical.scores(tokens.exact, tokens.folded, tokens.accented, plan.exact_weight)
        extra = plan.expansion_tokens
        if extra is not None and expansion_weight:
            self.lexical.scores(extra.exact, extra.folded, extra.accented, plan.exact_weight, out=scores,
                                weight=expansion_weight)
        synonyms = plan.synonym_tokens
        if synonyms is not None and plan.synonym_weight:
            self.lexical.scores(synonyms.exact, synonyms.folded, synonyms.accented, plan.exact_weight, out=scores,
                                weight=plan.synonym_weight)
        return top_rows(scores, n, self.allowed_rows(documents, filters))

    def dense_candidates(self, vector: np.ndarray, n: int, documents: Documents, filters: Filters) -> Ranked:
        if not len(self.dense):
            return Ranked([], [])
        rows, sims = self.dense.search(vector, n, self.allowed_rows(documents, filters))
        return Ranked(rows.tolist(), sims.tolist())

    def idf(self, term: str) -> float:
        field = self.lexical.folded
        tid = field.vocab.get(term)
        df = None if tid is None else int(field.term_ptr[tid + 1] - field.term_ptr[tid])
        return idf_of(df, field.n_rows)

    # -- look-ups -------------------------------------------------------------------------------------------
    def passages_at(self, keys: Sequence[Hashable]) -> list[Passage | None]:
        return list(self.store.passages_at([int(k) for k in keys]))  # type: ignore[call-overload]

    def document_ids(self, keys: Sequence[Hashable]) -> list[str | None]:
        ids = self._document_rows[0]
        return [ids[self.row_documents[int(k)]] for k in keys]

    def passage(self, passage_id: str) -> Passage | None:
        found = self.store.passage(passage_id)
        return found[1] if found else None

    def passages_of(self, document_id: str) -> list[Passage]:
        return self.store.passages_of(document_id)

    def stored_document(self, document_id: str) -> StoredDocument | None:
        return self.store.stored_document(document_id)

    def info(self) -> dict[str, Any]:
        size = sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file())
        return {"backend": "embedded", "generation": self.generation, "size_bytes": size}

    def latest(self) -> "EmbeddedBackend":
        return self if live_generation(self.root) == self.folder else EmbeddedBackend.load(self.root)

    # -- writing --------------------------------------------------------------------------------------------
    def previous(self, *, carry: bool = True) -> builder.Previous:
        return builder.Previous(self.store, self.dense, carry=carry, recipe=self.manifest.encoder.get("passage_text"),
                                titles={d: info.title for d, info in self.documents.items()})

    def update(self, fresh: list, removed: Sequence[str], previous: builder.Previous, encoder: Encoder,
               analyzer: Analyzer, fusion: FusionConfig, progress: builder.Progress | None
               ) -> tuple[int, "EmbeddedBackend"]:
        """A new generation: `fresh` entries added or replacing theirs, `removed` gone, every other kept."""
        skip = {e.doc.id for e in fresh} | set(removed)
        kept = [previous.carried(d) for d in self.documents if d not in skip]
        entries = [e for e in kept if e] + list(fresh)
        encoded = builder.write_generation(self.root, entries, previous, encoder, analyzer, fusion, progress)
        return encoded, EmbeddedBackend.load(self.root)
