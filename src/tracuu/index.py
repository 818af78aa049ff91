"""The facade: the one object the CLI, the HTTP app and the web page call to build, update and search an index."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Sequence, TypeVar

import numpy as np

from . import answer as answering, builder, quotes as quoting
from .analyzer import Analyzer
from .citation import cite
from .dense import DenseIndex
from .encoders import Encoder, load_encoder
from .errors import (DocumentNotFoundError, EncoderMismatchError, IndexCorruptError, InvalidQueryError,
                     NothingIndexedError, PassageNotFoundError, StrictBuildError, TracuuError)
from .fusion import FusionConfig, Ranked, fuse, top_rows
from .layout import live_generation
from .lexical import LexicalIndex
from .manifest import Manifest
from .query import QueryPlan, plan_query
from .restore import DiacriticRestorer
from .results import Answer, BuildReport, DocumentInfo, Hit, Passage, Quote, Sentence
from .sentences import split_sentences
from .store import Store, StoredDocument

K = TypeVar("K")
V = TypeVar("V")
MAX_QUERY_CHARS = 2000
MAX_K = 1000
MODES = ("hybrid", "lexical", "dense")
QUERY_CACHE = 1024
DOC_CACHE = 32
TEXT_CACHE = 4096  # sentence vectors: ask encodes a dozen per question, mostly the same ones for related questions
RESTORER_FILE = "restorer.json"
ABBREVIATIONS_FILE = "abbreviations.json"


class BoundedCache(Generic[K, V]):
    """A small FIFO-evicting cache that the API's worker threads can share."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            while len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class _Generation:
    """Everything read from one generation; replaced as a whole so a reader never sees half an update."""

    folder: Path
    manifest: Manifest
    store: Store
    lexical: LexicalIndex
    dense: DenseIndex
    row_documents: np.ndarray  # for each passage row, the position of its document in `documents`
    documents: dict[str, DocumentInfo]
    restorer: DiacriticRestorer | None
    abbreviations: dict[str, list[str]]  # definitions the documents make themselves: "Ban Chỉ đạo (BCĐ)"


def _load_generation(root: Path) -> _Generation:
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
        return _Generation(folder, manifest, store, LexicalIndex.load(folder), DenseIndex.load(folder), rows, docs,
                           restorer, learned)
    except (sqlite3.Error, OSError, ValueError, KeyError, RuntimeError) as exc:  # faiss raises RuntimeError
        raise IndexCorruptError(str(root), f"{type(exc).__name__}: {exc}") from exc


def _resolve_encoder(encoder: Encoder | str | None, recorded: str | None, path: str) -> Encoder | None:
    if encoder is None:
        return None
    name = encoder if isinstance(encoder, str) else encoder.name
    if recorded and name != recorded:
        raise EncoderMismatchError(path, name, recorded)
    return load_encoder(encoder) if isinstance(encoder, str) else encoder


class Index:
    """An embedded index folder. Open with `Index.open(path)`, build with `tracuu.build(...)`."""

    def __init__(self, path: str | Path, *, encoder: Encoder | str | None = None) -> None:
        self.path = Path(path)
        self._gen = _load_generation(self.path)
        self._retired: _Generation | None = None
        self._encoder = _resolve_encoder(encoder, self._gen.manifest.encoder["name"], str(self.path))
        self._write_lock = threading.Lock()
        self._query_cache: BoundedCache[str, np.ndarray] = BoundedCache(QUERY_CACHE)
        self._doc_cache: BoundedCache[tuple[str, str], StoredDocument] = BoundedCache(DOC_CACHE)
        self._text_cache: BoundedCache[str, np.ndarray] = BoundedCache(TEXT_CACHE)

    @classmethod
    def open(cls, path: str | Path, *, encoder: Encoder | str | None = None) -> "Index":
        return cls(path, encoder=encoder)

    # -- parts ----------------------------------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return self._gen.manifest

    @property
    def analyzer(self) -> Analyzer:
        return Analyzer.from_dict(self._gen.manifest.analyzer)

    @property
    def fusion(self) -> FusionConfig:
        return FusionConfig.from_dict(self._gen.manifest.fusion)

    @property
    def encoder(self) -> Encoder:
        """Loaded on first use: lexical searches and `info` never pay for the model."""
        if self._encoder is None:
            self._encoder = load_encoder(self._gen.manifest.encoder["name"])
        return self._encoder

    def query_vector(self, query: str) -> np.ndarray:
        """The encoder's query vector; repeated questions (paging, a page re-run, ask after search) skip it."""
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self.encoder.encode_query(query)
            self._query_cache.put(query, vec)
        return vec

    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Passage-side vectors of short texts (sentences for ask and quotes), encoding only those not cached."""
        missing = list(dict.fromkeys(t for t in texts if self._text_cache.get(t) is None))
        if missing:
            for text, vec in zip(missing, self.encoder.encode_passages(missing)):
                self._text_cache.put(text, vec)
        return np.stack([self._text_cache.get(t) for t in texts]) if texts else np.zeros((0, self.encoder.dim))

    def reload(self) -> None:
        """Pick up a generation written by another process (the API calls this before serving)."""
        if live_generation(self.path) != self._gen.folder:
            self._swap(_load_generation(self.path))

    def _swap(self, gen: _Generation) -> None:
        # The retired generation stays readable: a call that found a passage just before the swap can still
        # read its document even if the new generation removed it.
        self._retired, self._gen = self._gen, gen

    # -- search ---------------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, *, mode: str = "hybrid", documents: Sequence[str] | None = None,
               filters: dict[str, str] | None = None, explain: bool = False,
               fusion: FusionConfig | None = None) -> list[Hit]:
        """Passages that answer `query`, best first; `documents`/`filters` restrict by document id or metadata."""
        query = _check_query(query, k, mode)
        gen = self._gen
        config = fusion or self.fusion
        if mode != "hybrid":
            config = FusionConfig(**{**config.to_dict(), "method": mode})
        allowed = self._allowed_rows(gen, documents, filters)
        plan = self.plan(query, config)
        n = max(config.candidates, k)
        lexical = Ranked([], [])
        if config.method != "dense":
            tokens = plan.lexical
            scores = gen.lexical.scores(tokens.exact, tokens.folded, tokens.accented, plan.exact_weight)
            extra = plan.expansion_tokens
            if extra is not None and config.expansion_weight:
                scores += config.expansion_weight * gen.lexical.scores(extra.exact, extra.folded, extra.accented,
                                                                       plan.exact_weight)
            lexical = top_rows(scores, n, allowed)
        dense = Ranked([], [])
        if config.method != "lexical" and len(gen.dense):
            rows, sims = gen.dense.search(self.query_vector(plan.dense_text), n, allowed)
            dense = Ranked(rows.tolist(), sims.tolist())
        fused = fuse(lexical, dense, config, accented=plan.accented, restored=plan.restored is not None)[:k]
        passages = gen.store.passages_at([row for row, _ in fused])
        hits = []
        for rank, ((_, why), passage) in enumerate(zip(fused, passages), start=1):
            doc = gen.documents[passage.document_id]
            hits.append(Hit(rank, why.fused_score, passage, doc, cite(doc, passage), why if explain else None))
        return hits

    def ask(self, question: str, k: int = answering.PASSAGES, *, documents: Sequence[str] | None = None,
            filters: dict[str, str] | None = None) -> Answer:
        """The sentences of the top `k` passages that answer `question`, verbatim and cited, or `answer` None
        with the message "Không tìm thấy thông tin đủ tin cậy" and the closest passages when evidence is weak."""
        return answering.ask(self, question, k, documents=documents, filters=filters)

    def quotes(self, topic: str, k: int = 5, *, doc_type: str | None = None, issuer: str | None = None,
               date_from: str | None = None, date_to: str | None = None) -> list[Quote]:
        """Quotable, self-contained sentences on `topic`, verbatim and cited, official documents first."""
        if not isinstance(k, int) or not 1 <= k <= 100:
            raise InvalidQueryError("k", f"must be between 1 and 100, got {k!r}")
        return quoting.quotes(self, topic, k, doc_type=doc_type, issuer=issuer, date_from=date_from,
                              date_to=date_to)

    def plan(self, query: str, fusion: FusionConfig | None = None) -> QueryPlan:
        """How `search` reads a query: the restored diacritics and the tokens each retriever sees."""
        config = fusion or self.fusion
        return plan_query(query, self.analyzer, self._gen.restorer, exact_weight=config.exact_weight,
                          restored_exact_weight=config.restored_exact_weight, learned=self._gen.abbreviations)

    def _allowed_rows(self, gen: _Generation, documents: Sequence[str] | None,
                      filters: dict[str, str] | None) -> np.ndarray | None:
        if documents is None and not filters:
            return None
        wanted = [i for i, (doc_id, doc) in enumerate(gen.documents.items())
                  if (documents is None or doc_id in documents) and _matches(doc.metadata, filters or {})]
        return np.flatnonzero(np.isin(gen.row_documents, wanted)) if wanted else np.zeros(0, np.int64)

    # -- look-ups -------------------------------------------------------------------------------------------
    def documents(self, filters: dict[str, str] | None = None) -> list[DocumentInfo]:
        """Documents in id order, optionally only those whose metadata passes `filters` (as in `search`)."""
        return [d for d in self._gen.documents.values() if _matches(d.metadata, filters or {})]

    def document(self, document_id: str) -> DocumentInfo:
        try:
            return self._gen.documents[document_id]
        except KeyError:
            raise DocumentNotFoundError(document_id) from None

    def passage(self, passage_id: str) -> Passage:
        found = self._gen.store.passage(passage_id)
        if not found:
            raise PassageNotFoundError(passage_id)
        return found[1]

    def _stored(self, document_id: str) -> StoredDocument:
        gen = self._gen
        key = (gen.folder.name, document_id)
        stored = self._doc_cache.get(key)
        if stored is None:
            stored = gen.store.stored_document(document_id)
            if stored is None and self._retired is not None:
                stored = self._retired.store.stored_document(document_id)
            if stored is None:
                raise DocumentNotFoundError(document_id)
            self._doc_cache.put(key, stored)
        return stored

    def document_text(self, document_id: str) -> str:
        """The document's extracted text: slicing it at a passage's char_start:char_end gives the source words."""
        return self._stored(document_id).text

    def sentences(self, passage: Passage) -> list[Sentence]:
        """The passage's sentences, each with exact offsets into the document's extracted text."""
        stored = self._stored(passage.document_id)
        out = []
        for n, (a, b) in enumerate(split_sentences(passage.text)):
            start, end = stored.source_span(passage.clean_start + a, passage.clean_start + b)
            out.append(Sentence(passage.id, n, stored.text[start:end], start, end))
        return out

    def neighbours(self, passage_id: str, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with up to `before` and `after` passages of the same document around it."""
        found = self.passage(passage_id)
        siblings = self._gen.store.passages_of(found.document_id)
        at = next(i for i, p in enumerate(siblings) if p.id == passage_id)
        return siblings[max(0, at - before):at + after + 1]

    def info(self) -> dict[str, Any]:
        gen = self._gen
        size = sum(p.stat().st_size for p in gen.folder.iterdir() if p.is_file())
        m = gen.manifest
        return {"index": str(self.path), "generation": gen.folder.name, "format_version": m.format_version,
                "created": m.created, "tracuu_version": m.tracuu_version, "analyzer": m.analyzer,
                "encoder": m.encoder, "fusion": m.fusion, "documents": m.documents, "passages": m.passages,
                "size_bytes": size, "document_list": [d.to_dict() for d in self.documents()]}

    # -- updates --------------------------------------------------------------------------------------------
    def add(self, paths: Sequence[str | Path], *, progress: builder.Progress | None = None) -> BuildReport:
        """Add new documents and replace changed ones (by content hash); unchanged ones are not re-encoded."""
        with self._write_lock:
            started = time.perf_counter()
            report = builder.new_report()
            previous = builder.Previous(self._gen.store, self._gen.dense)
            fresh = builder.read_entries(paths, previous, self.encoder, report, progress)
            fresh_ids = {e.doc.id for e in fresh}
            # A file read again replaces every document it held before (a split file may now hold fewer).
            sources = {e.doc.source for e in fresh}
            dropped = [d.id for d in self._gen.documents.values() if d.source in sources and d.id not in fresh_ids]
            report["removed"].extend(dropped)
            kept = [previous.carried(d) for d in self._gen.documents if d not in fresh_ids and d not in dropped]
            entries = [e for e in kept if e] + fresh
            encoded = builder.write_generation(self.path, entries, previous, self.encoder, self.analyzer,
                                               self.fusion, progress)
            self._swap(_load_generation(self.path))
            return builder.finish_report(self.path, entries, report, encoded, started)

    def remove(self, document_ids: Sequence[str]) -> BuildReport:
        with self._write_lock:
            started = time.perf_counter()
            for d in document_ids:
                self.document(d)  # unknown id: a clear error before anything is written
            report = builder.new_report()
            report["removed"] = list(document_ids)
            previous = builder.Previous(self._gen.store, self._gen.dense)
            entries = [previous.carried(d) for d in self._gen.documents if d not in set(document_ids)]
            encoded = builder.write_generation(self.path, [e for e in entries if e], previous, self.encoder,
                                               self.analyzer, self.fusion, None)
            self._swap(_load_generation(self.path))
            return builder.finish_report(self.path, entries, report, encoded, started)


def build(paths: Sequence[str | Path], index: str | Path, *, encoder: Encoder | str | None = None,
          fusion: FusionConfig | None = None, strict: bool = False,
          progress: builder.Progress | None = None) -> BuildReport:
    """Build (or rebuild) the index at `index` from exactly these files and folders, atomically.

    Passages whose text did not change keep their vectors from the previous generation (no re-encoding),
    as long as the encoder is the same.
    """
    root = Path(index)
    started = time.perf_counter()
    enc = load_encoder(encoder) if encoder is None or isinstance(encoder, str) else encoder
    previous = builder.Previous(None, None)
    try:
        old = Index(root)
        if old.manifest.encoder["name"] == enc.name:
            previous = builder.Previous(old._gen.store, old._gen.dense, carry=False)
    except TracuuError:  # no index yet, or one this version cannot read: build from nothing
        pass
    report = builder.new_report()
    entries = builder.read_entries([str(p) for p in paths], previous, enc, report, progress)
    report["removed"] = [d for d in previous.hashes if d not in {e.doc.id for e in entries}]
    if not entries or (strict and report["failures"]):
        raise NothingIndexedError([str(p) for p in paths], len(report["failures"])) if not entries else \
            StrictBuildError(report["failures"])
    encoded = builder.write_generation(root, entries, previous, enc, Analyzer(), fusion or FusionConfig(), progress)
    return builder.finish_report(root, entries, report, encoded, started)


def open_index(path: str | Path, *, encoder: Encoder | str | None = None) -> Index:
    return Index.open(path, encoder=encoder)


def _matches(metadata: dict[str, Any], filters: dict[str, str]) -> bool:
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


def _check_query(query: str, k: int, mode: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise InvalidQueryError("query", "is empty", fix="type a few words, with or without diacritics")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQueryError("query", f"is {len(query)} characters long, the limit is {MAX_QUERY_CHARS}",
                                fix="shorten the question")
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidQueryError("k", f"must be between 1 and {MAX_K}, got {k!r}")
    if mode not in MODES:
        raise InvalidQueryError("mode", f"must be one of {', '.join(MODES)}, got {mode!r}")
    return query.strip()

