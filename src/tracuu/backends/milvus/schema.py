"""The Milvus collections of an index: passage and document schemas, index parameters, and the recorded settings."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tracuu.errors import CollectionMismatchError

# What a collection that is not tracuu's has, in the error that refuses it (and that the backend never drops).
NOT_TRACUU = "phần mô tả không phải của chỉ mục tracuu"

# 2: passages carry their kind (manifest.py's format 3): a collection without it is refused, not misread.
FORMAT_VERSION = 2
INDEX_TYPES = ("AUTOINDEX", "FLAT", "IVF_FLAT")
MAX_VARCHAR = 65535  # bytes: Milvus's limit for one VARCHAR value
ID_CHARS = 1024
# Our analyzer has already lower-cased, folded and split the text: Milvus must only split on spaces.
WHITESPACE = {"tokenizer": "whitespace"}
DOCS_SUFFIX = "__documents"

# name -> (type name, extra) of every field the code reads or writes; checked against the server on open.
PASSAGE_FIELDS = {
    "id": "VARCHAR", "document_id": "VARCHAR", "ordinal": "INT64", "text": "VARCHAR", "section": "JSON",
    "context": "VARCHAR", "char_start": "INT64", "char_end": "INT64", "page": "INT64", "clean_start": "INT64",
    "kind": "VARCHAR", "exact": "VARCHAR", "folded": "VARCHAR", "exact_sparse": "SPARSE_FLOAT_VECTOR",
    "folded_sparse": "SPARSE_FLOAT_VECTOR", "vector": "FLOAT_VECTOR", "filters": "JSON",
}
DOCUMENT_FIELDS = {"key": "VARCHAR", "document_id": "VARCHAR", "kind": "VARCHAR", "part": "INT64",
                   "head": "JSON", "body": "VARCHAR", "placeholder": "FLOAT_VECTOR"}
PASSAGE_OUTPUT = ["id", "document_id", "ordinal", "text", "section", "context", "char_start", "char_end", "page",
                  "clean_start", "kind"]


@dataclass(frozen=True)
class Recorded:
    """What a collection was built with, kept as JSON in its description (milvus-lite keeps no properties)."""

    analyzer_version: int
    encoder_name: str
    dim: int
    index_type: str = "AUTOINDEX"
    format_version: int = FORMAT_VERSION
    settings: dict[str, Any] = field(default_factory=dict)  # the facade's: analyzer dict, fusion, ...

    def to_description(self) -> str:
        return json.dumps({"tracuu": {"format_version": self.format_version,
                                      "analyzer_version": self.analyzer_version,
                                      "encoder": {"name": self.encoder_name, "dim": self.dim},
                                      "index_type": self.index_type, "settings": self.settings}},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_description(cls, text: str, uri: str) -> "Recorded":
        try:
            data = json.loads(text)["tracuu"]
            return cls(int(data["analyzer_version"]), str(data["encoder"]["name"]), int(data["encoder"]["dim"]),
                       str(data.get("index_type", "AUTOINDEX")), int(data["format_version"]),
                       dict(data.get("settings", {})))
        except (ValueError, KeyError, TypeError) as exc:
            raise CollectionMismatchError(uri, NOT_TRACUU, text[:80],
                                          "thiết lập của tracuu dạng JSON") from exc

    def check(self, uri: str, *, analyzer_version: int, encoder_name: str | None, dim: int | None) -> None:
        """Refuse a collection another analyzer or encoder built: its tokens or vectors would not match ours."""
        if self.format_version != FORMAT_VERSION:
            raise CollectionMismatchError(uri, "định dạng phiên bản", self.format_version, FORMAT_VERSION)
        if self.analyzer_version != analyzer_version:
            raise CollectionMismatchError(uri, "bộ phân tích phiên bản", self.analyzer_version, analyzer_version)
        if encoder_name is not None and self.encoder_name != encoder_name:
            raise CollectionMismatchError(uri, "bộ mã hoá", self.encoder_name, encoder_name)
        if dim is not None and self.dim != dim:
            raise CollectionMismatchError(uri, "số chiều vectơ", self.dim, dim)


def passage_schema(client, recorded: Recorded):
    from pymilvus import DataType, Function, FunctionType

    s = client.create_schema(auto_id=False, enable_dynamic_field=False, description=recorded.to_description())
    s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    s.add_field("document_id", DataType.VARCHAR, max_length=ID_CHARS)
    s.add_field("ordinal", DataType.INT64)
    s.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR)
    s.add_field("section", DataType.JSON)
    s.add_field("context", DataType.VARCHAR, max_length=MAX_VARCHAR)
    for name in ("char_start", "char_end", "page", "clean_start"):
        s.add_field(name, DataType.INT64)
    s.add_field("kind", DataType.VARCHAR, max_length=16)
    for name in ("exact", "folded"):
        s.add_field(name, DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True, analyzer_params=WHITESPACE)
        s.add_field(f"{name}_sparse", DataType.SPARSE_FLOAT_VECTOR)
        s.add_function(Function(name=f"bm25_{name}", function_type=FunctionType.BM25, input_field_names=[name],
                                output_field_names=[f"{name}_sparse"]))
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=recorded.dim)
    s.add_field("filters", DataType.JSON)
    return s


def passage_indexes(client, index_type: str, nlist: int):
    params = client.prepare_index_params()
    for name in ("exact_sparse", "folded_sparse"):
        # k1 and b as in lexical.py, so BM25 scores equal the embedded index's.
        params.add_index(name, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"bm25_k1": 1.2, "bm25_b": 0.75})
    # Vectors are normalized, so inner product is the cosine the embedded faiss index returns.
    params.add_index("vector", index_type=index_type, metric_type="IP",
                     params={"nlist": nlist} if index_type == "IVF_FLAT" else {})
    return params


def document_schema(client):
    from pymilvus import DataType

    # A document's text and offset map can exceed one VARCHAR: it is cut into parts, one row each.
    s = client.create_schema(auto_id=False, enable_dynamic_field=False, description="tracuu documents")
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=ID_CHARS + 16)
    s.add_field("document_id", DataType.VARCHAR, max_length=ID_CHARS)
    s.add_field("kind", DataType.VARCHAR, max_length=16)  # "document", or "blob" for index-wide files
    s.add_field("part", DataType.INT64)
    s.add_field("head", DataType.JSON)
    s.add_field("body", DataType.VARCHAR, max_length=MAX_VARCHAR)
    s.add_field("placeholder", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field in every collection
    return s


def document_indexes(client):
    params = client.prepare_index_params()
    params.add_index("placeholder", index_type="FLAT", metric_type="L2")
    return params


def check_fields(uri: str, described: dict, expected: dict[str, str], what: str) -> None:
    """The collection has every field this code reads, with the same type (an older schema must be rebuilt)."""
    found = {f["name"]: getattr(f["type"], "name", str(f["type"])) for f in described.get("fields", [])}
    missing = {k: v for k, v in expected.items() if found.get(k) != v}
    if missing:
        name, kind = next(iter(missing.items()))
        raise CollectionMismatchError(uri, f"trường {name!r} của {what} kiểu", found.get(name, "(không có)"), kind)
