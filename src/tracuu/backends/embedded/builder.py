"""Builds the next index generation: read -> clean -> split -> analyze -> encode -> write, reusing what did not change."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from tracuu import __version__
from tracuu.text.abbreviations import learn_definitions
from tracuu.text.analyzer import Analyzer
from tracuu.citation import LAW_KEYS, first_of, number_head
from tracuu.ingest.cleaning import clean
from tracuu.retrieval.dense import DenseIndex
from tracuu.retrieval.encoders import Encoder
from tracuu.errors import UnreadableDocumentError
from tracuu.ingest.extracted import CleanedText, ExtractedDocument
from tracuu.ingest.annexes import parent_of
from tracuu.ingest.furniture import passage_kinds
from tracuu.retrieval.fusion import FusionConfig
from tracuu.backends.embedded.generations import writing
from tracuu.retrieval.bm25 import LexicalIndex
from tracuu.backends.manifest import Manifest
from tracuu.ingest.metadata import parse_metadata
from tracuu.ingest.multidoc import split_documents
from tracuu.ingest.passage_text import TEXT_ONLY, dense_text, index_text, recipe, unchanged
from tracuu.ingest.readers import read_paths
from tracuu.text.diacritics import DiacriticRestorer
from tracuu.results import BuildReport, Passage
from tracuu.ingest.splitter import split_passages
from tracuu.backends.embedded.store import Store, StoredDocument

Progress = Callable[[str, int, int], None]
ENCODE_BATCH = 32


def passage_id(document_id: str, text: str, occurrence: int) -> str:
    """Same document and text give the same id on every rebuild, so vectors and links survive."""
    raw = f"{document_id}\x00{text}\x00{occurrence}".encode("utf-8")
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def encoded_text(passage: Passage, titles: dict[str, str], encoder: Encoder) -> str:
    return dense_text(passage, titles.get(passage.document_id, ""), encoder)


def encoder_entry(encoder: Encoder) -> dict[str, Any]:
    """The manifest's record of what made the vectors: a query must use the same model, an update the same
    recipe (`passage_text`) to reuse them."""
    return {"name": encoder.name, "dim": encoder.dim, "max_tokens": encoder.max_tokens,
            "passage_text": recipe(encoder)}


def file_hash(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_passages(doc: ExtractedDocument, cleaned: CleanedText, encoder: Encoder,
                  metadata: dict[str, Any] | None = None) -> list[Passage]:
    """The document's passages; its `metadata` (kind, official) marks commentary and a page's introduction."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    # Leave room for the e5 "passage: " prefix and the special tokens.
    spans = split_passages(cleaned, count_tokens=encoder.count_tokens, max_tokens=encoder.max_tokens - 16)
    for ordinal, (span, kind) in enumerate(passage_kinds(cleaned.text, spans, metadata or {})):
        text = cleaned.text[span.start:span.end]
        start, end = cleaned.source_span(span.start, span.end)
        n = seen[text] = seen.get(text, -1) + 1
        passages.append(Passage(passage_id(doc.key, text, n), doc.key, ordinal, text, span.section, span.context,
                                start, end, doc.page_at(start), span.start, kind))
    return passages


@dataclass
class _Entry:
    """One document of the next generation, with its passages (vectors are looked up or encoded later)."""

    doc: StoredDocument
    passages: list[Passage]


def _stored(doc: ExtractedDocument, cleaned: CleanedText, fhash: str) -> StoredDocument:
    offsets = np.asarray(cleaned.offsets[:len(cleaned.text) + 1], dtype=np.int32)
    ends = np.asarray(cleaned.ends if cleaned.ends is not None else offsets[:-1] + 1, dtype=np.int32)
    # What the source states (a .jsonl line's fields) wins over what the parser reads from the text.
    metadata = {**parse_metadata(doc.text, title=doc.title, source=doc.source), **dict(doc.fields)}
    if metadata.get("kind") == "commentary" and first_of(metadata, LAW_KEYS):
        metadata["kind"] = "official"  # an article of a named law has no letterhead, yet it is no one's commentary
    if doc.commentary:  # split off after a signature block: known not to be an official text (furniture.py)
        metadata.update(kind="commentary", official=False)
    title = metadata.get("title") or doc.title or doc.key
    return StoredDocument(doc.key, doc.source, title, doc.format, doc.content_hash, fhash, doc.text,
                          doc.page_starts, metadata, doc.warnings, offsets.tobytes(), ends.tobytes())


class Previous:
    """The live generation an update starts from (None-like when building from nothing)."""

    def __init__(self, store: Store | None, dense: DenseIndex | None, *, carry: bool = True,
                 recipe: str | None = None, titles: Mapping[str, str] | None = None) -> None:
        # A full build re-splits every document (splitter fixes apply) and only reuses vectors; updates carry.
        # `recipe` is how the previous vectors were made (passage_text.recipe); another one means encode again.
        # `titles` are the previous documents' (the backend holds them already), for the headings' check.
        self.store, self.dense, self.carry, self.recipe = store, dense, carry, recipe
        self.titles = titles or {}
        self.hashes = store.hashes() if store else {}
        self._rows = store.passage_rows() if store else {}

    def carried(self, document_id: str) -> _Entry | None:
        doc = self.store.stored_document(document_id) if self.store else None
        return _Entry(doc, self.store.passages_of(document_id)) if doc else None

    def vector_rows(self, passages: Sequence[Passage], titles: dict[str, str], encoder: Encoder) -> dict[str, int]:
        """Rows of the previous vectors still valid for `passages`: same recipe, same text (the id) and, where
        the encoder reads headings, the same heading."""
        if self.dense is None or self.recipe != recipe(encoder):
            return {}
        known = [p for p in passages if p.id in self._rows]
        if known and self.store is not None and recipe(encoder) != TEXT_ONLY:
            before = {p.id: p for p in self.store.passages_at([self._rows[p.id] for p in known])}
            known = unchanged(known, titles, before, self.titles)
        return {p.id: self._rows[p.id] for p in known}


def _documents(paths: Sequence[str | Path], report: dict) -> Iterator[ExtractedDocument]:
    """Every readable document under `paths`, files holding several documents split into them."""
    for item in read_paths(paths):
        if isinstance(item, UnreadableDocumentError):
            report["failures"].append((item.path, item.reason + (f" ({item.fix})" if item.fix else "")))
            continue
        yield from split_documents(item)


def read_entries(paths: Sequence[str | Path], previous: Previous, encoder: Encoder, report: dict,
                 progress: Progress | None) -> list[_Entry]:
    entries: dict[str, _Entry] = {}
    hashes: dict[str, str] = {}
    for item in _documents(paths, report):
        if item.key in entries:
            report["failures"].append((item.source, f"same document id {item.key!r} as {entries[item.key].doc.source}; "
                                       "build from one common folder so ids differ"))
            continue
        if item.source not in hashes:
            hashes[item.source] = file_hash(item.source) if item.format != "jsonl" else ""
        old = previous.hashes.get(item.key)
        unchanged = bool(old) and old[0] == item.content_hash
        carried = previous.carried(item.key) if unchanged and previous.carry else None
        report["unchanged" if unchanged else "replaced" if old else "added"].append(item.key)
        if carried:
            entries[item.key] = carried
            continue
        cleaned = clean(item)
        fhash = hashes[item.source] or item.content_hash
        stored = _stored(item, cleaned, fhash)
        entries[item.key] = _Entry(stored, make_passages(item, cleaned, encoder, stored.metadata))
        if progress:
            progress("read", len(entries), 0)
    return list(entries.values())


def link_documents(entries: list[_Entry]) -> list[_Entry]:
    """Resolve "thực hiện Nghị quyết số 57-NQ/TW" to the document of that number when it is in the index."""
    by_number: dict[str, list[str]] = {}
    for e in entries:
        if e.doc.metadata.get("number"):
            by_number.setdefault(e.doc.metadata["number"], []).append(e.doc.id)
    known = {e.doc.id: (e.doc.source, e.doc.metadata) for e in entries}
    linked = []
    for e in entries:
        targets = [d for n in e.doc.metadata.get("implements", []) for d in by_number.get(n, []) if d != e.doc.id]
        metadata = {k: v for k, v in e.doc.metadata.items() if k not in ("implements_documents", "parent",
                                                                          "parent_citation")}
        if targets:
            metadata["implements_documents"] = targets
        # An annex is cited under its parent ("Phụ lục I kèm theo Nghị quyết số 03/NQ-CP …"): annexes.py.
        parent = parent_of(e.doc.id, e.doc.source, e.doc.metadata, known)
        if parent and (head := number_head(known[parent][1])):
            metadata.update(parent=parent, parent_citation=head)
        linked.append(_Entry(replace(e.doc, metadata=metadata), e.passages) if metadata != e.doc.metadata else e)
    return linked


def write_generation(root: Path, entries: list[_Entry], previous: Previous, encoder: Encoder, analyzer: Analyzer,
                     fusion: FusionConfig, progress: Progress | None) -> int:
    """Write every part of the next generation and swap it in; returns how many passages were encoded."""
    entries = link_documents(entries)
    passages = [p for e in entries for p in e.passages]
    titles = {e.doc.id: e.doc.title for e in entries}
    vectors = np.zeros((len(passages), encoder.dim), np.float32)
    reuse = previous.vector_rows(passages, titles, encoder)
    if reuse:
        at = [i for i, p in enumerate(passages) if p.id in reuse]
        vectors[at] = previous.dense.vectors(np.array([reuse[passages[i].id] for i in at]))
    todo = [i for i, p in enumerate(passages) if p.id not in reuse]
    for lo in range(0, len(todo), ENCODE_BATCH):
        batch = todo[lo:lo + ENCODE_BATCH]
        vectors[batch] = encoder.encode_passages([encoded_text(passages[i], titles, encoder) for i in batch])
        if progress:
            progress("encode", min(lo + ENCODE_BATCH, len(todo)), len(todo))
    analyzed = [analyzer.analyze(index_text(p)) for p in passages]
    lexical = LexicalIndex.build([a.exact for a in analyzed], [a.folded for a in analyzed])
    with writing(root) as folder:
        store = Store(folder / "store.sqlite", create=True)
        for e in entries:
            store.add_document(e.doc)
        store.add_passages(passages, 0)
        store.commit()
        store.close()
        lexical.save(folder)
        # Learned from this index's own passages, so restored queries use its vocabulary.
        DiacriticRestorer.train(p.text for p in passages).save(folder)
        (folder / "abbreviations.json").write_text(json.dumps(learned_abbreviations(entries), ensure_ascii=False,
                                                              indent=0), encoding="utf-8")
        DenseIndex.build(vectors, encoder.dim).save(folder)
        Manifest(
            analyzer=analyzer.to_dict(),
            encoder=encoder_entry(encoder),
            documents=len(entries), passages=len(passages),
            sources=manifest_sources(entries),
            fusion=fusion.to_dict(), created=time.strftime("%Y-%m-%dT%H:%M:%S%z"), tracuu_version=__version__,
        ).write(folder)
    return len(todo)


def manifest_sources(entries: list[_Entry]) -> dict[str, dict[str, Any]]:
    """Each source file with its hash and how many documents it gave. Per-document hashes live in the store:
    a 100,000-line .jsonl corpus would otherwise make a 26 MB manifest that every open parses."""
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        row = out.setdefault(e.doc.source, {"documents": 0})
        row["documents"] += 1
        if e.doc.format != "jsonl":  # a .jsonl document's file_hash is its line's content hash
            row["file_hash"] = e.doc.file_hash
    return out


def learned_abbreviations(entries: list[_Entry]) -> dict[str, list[str]]:
    """Abbreviations the documents define themselves ("Ban Chỉ đạo (BCĐ)"), merged over the index."""
    merged: dict[str, set[str]] = {}
    for e in entries:
        for short, full in learn_definitions(e.doc.text).items():
            merged.setdefault(short, set()).update(full)
    return {short: sorted(full) for short, full in sorted(merged.items())}


def finish_report(root: Path, entries: list[_Entry], report: dict, encoded: int, started: float) -> BuildReport:
    return BuildReport(
        index=str(root), documents=len(entries), passages=sum(len(e.passages) for e in entries),
        added=tuple(report["added"]), replaced=tuple(report["replaced"]), removed=tuple(report["removed"]),
        unchanged=tuple(report["unchanged"]), failures=tuple(report["failures"]), encoded=encoded,
        seconds=round(time.perf_counter() - started, 3),
    )


def report_from(index: str, manifest: Manifest, report: dict, encoded: int, started: float) -> BuildReport:
    """The report of an update, with the counts of the index it left (as `finish_report` for a full build)."""
    return BuildReport(
        index=index, documents=manifest.documents, passages=manifest.passages, added=tuple(report["added"]),
        replaced=tuple(report["replaced"]), removed=tuple(report["removed"]), unchanged=tuple(report["unchanged"]),
        failures=tuple(report["failures"]), encoded=encoded, seconds=round(time.perf_counter() - started, 3))


def new_report() -> dict:
    return {"added": [], "replaced": [], "removed": [], "unchanged": [], "failures": []}
