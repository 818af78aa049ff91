"""Rows of the Milvus collections <-> tracuu's documents and passages, byte for byte what the embedded store keeps."""
from __future__ import annotations

import base64
import json
import zlib
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from tracuu.errors import UnreadableDocumentError
from tracuu.backends.milvus.filters import filter_values
from tracuu.backends.milvus.schema import MAX_VARCHAR
from tracuu.results import DocumentInfo, Passage
from tracuu.backends.embedded.store import StoredDocument

PLACEHOLDER = [0.0, 0.0]


def check_size(value: str, document_id: str, what: str) -> str:
    if len(value) * 4 > MAX_VARCHAR and len(value.encode("utf-8")) > MAX_VARCHAR:
        raise UnreadableDocumentError(document_id, f"{what} của một đoạn dài hơn {MAX_VARCHAR} byte, mức tối đa một "
                                      "trường văn bản của Milvus chứa được", fix="chia văn bản thành các phần nhỏ hơn")
    return value


def passage_row(p: Passage, exact: str, folded: str, vector: np.ndarray, metadata: dict[str, Any]) -> dict:
    return {
        "id": p.id, "document_id": p.document_id, "ordinal": p.ordinal, "text": check_size(p.text, p.document_id,
                                                                                              "nội dung"),
        "section": list(p.section), "context": check_size(p.context, p.document_id, "ngữ cảnh"),
        "char_start": p.char_start, "char_end": p.char_end, "page": -1 if p.page is None else p.page,
        "clean_start": p.clean_start, "kind": p.kind, "exact": check_size(exact, p.document_id, "chuỗi từ nguyên dạng"),
        "folded": check_size(folded, p.document_id, "chuỗi từ bỏ dấu"),
        "vector": np.asarray(vector, dtype=np.float32).tolist(), "filters": filter_values(metadata),
    }


def passage_from_row(row: dict) -> Passage:
    page = int(row["page"])
    return Passage(row["id"], row["document_id"], int(row["ordinal"]), row["text"], tuple(row["section"]),
                   row["context"], int(row["char_start"]), int(row["char_end"]), None if page < 0 else page,
                   int(row["clean_start"]), str(row["kind"]))


def _pack_offsets(raw: bytes) -> str:
    # Offsets grow by about one per character: their differences compress to almost nothing.
    values = np.frombuffer(raw, dtype=np.int32)
    delta = np.diff(values, prepend=np.int32(0)).astype(np.int32)
    return base64.b64encode(zlib.compress(delta.tobytes(), 6)).decode("ascii")


def _unpack_offsets(text: str) -> bytes:
    delta = np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=np.int32)
    return np.cumsum(delta, dtype=np.int64).astype(np.int32).tobytes()


def split_utf8(text: str, limit: int = MAX_VARCHAR) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut between characters."""
    data = text.encode("utf-8")
    pieces, at = [], 0
    while at < len(data):
        end = min(at + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte: back off to a character start
            end -= 1
        pieces.append(data[at:end].decode("utf-8"))
        at = end
    return pieces or [""]


def _rows(kind: str, name: str, head: dict, body: str) -> list[dict]:
    parts = split_utf8(body)
    head = {**head, "parts": len(parts)}
    return [{"key": f"{kind}:{name}#{i}", "document_id": name, "kind": kind, "part": i, "head": head if i == 0 else {},
             "body": piece, "placeholder": PLACEHOLDER} for i, piece in enumerate(parts)]


def document_rows(doc: StoredDocument, passages: int) -> list[dict]:
    head = {"source": doc.source, "title": doc.title, "format": doc.format, "content_hash": doc.content_hash,
            "file_hash": doc.file_hash, "page_starts": list(doc.page_starts), "metadata": doc.metadata,
            "warnings": list(doc.warnings), "passages": passages}
    body = json.dumps({"text": doc.text, "offsets": _pack_offsets(doc.clean_offsets),
                       "ends": _pack_offsets(doc.clean_ends)}, ensure_ascii=False)
    return _rows("document", doc.id, head, body)


def blob_rows(name: str, text: str) -> list[dict]:
    return _rows("blob", name, {}, text)


def joined_body(rows: Iterable[dict]) -> str:
    ordered = sorted(rows, key=lambda r: int(r["part"]))
    if not ordered or len(ordered) != int(ordered[0]["head"].get("parts", len(ordered))):
        raise KeyError("missing parts")
    return "".join(r["body"] for r in ordered)


def info_from_head(document_id: str, head: dict) -> DocumentInfo:
    return DocumentInfo(document_id, head["source"], head["title"], head["format"], head["content_hash"],
                        int(head.get("passages", 0)), dict(head.get("metadata", {})), tuple(head.get("warnings", ())))


def stored_from_rows(document_id: str, rows: Sequence[dict]) -> StoredDocument:
    head = next(r["head"] for r in rows if int(r["part"]) == 0)
    body = json.loads(joined_body(rows))
    return StoredDocument(document_id, head["source"], head["title"], head["format"], head["content_hash"],
                          head["file_hash"], body["text"], tuple(head["page_starts"]), dict(head["metadata"]),
                          tuple(head["warnings"]), _unpack_offsets(body["offsets"]), _unpack_offsets(body["ends"]))


def batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for lo in range(0, len(items), size):
        yield items[lo:lo + size]


def query_text(tokens: str | Sequence[str]) -> str:
    """Distinct query tokens: the embedded BM25 scores a term once, Milvus would count a repeated one twice."""
    words = tokens.split() if isinstance(tokens, str) else tokens
    return " ".join(dict.fromkeys(words))


def joined(tokens: str | Sequence[str]) -> str:
    return tokens if isinstance(tokens, str) else " ".join(tokens)


def as_list(vector: np.ndarray) -> list[float]:
    return np.asarray(vector, dtype=np.float32).reshape(-1).tolist()


def top_scores(scores: dict[str, float], n: int) -> list[tuple[str, float]]:
    # Ties fall back to the passage id, so results are deterministic.
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:n]
