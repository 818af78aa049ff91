"""The versioned manifest of an index generation: what built it, with what, and what it holds."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tracuu.errors import IndexCorruptError, IndexVersionError

# 2: the store keeps the cleaning offset map (clean_offsets/clean_ends, passages.clean_start) for sentences.
# 3: passages carry their kind ("body", "commentary", or "page": a web page's introduction), so that ask and quotes
#    leave non-official text out and every output labels it.
FORMAT_VERSION = 3
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    analyzer: dict[str, Any]
    encoder: dict[str, Any]  # name, dim, max_tokens
    documents: int
    passages: int
    sources: dict[str, dict[str, Any]]  # source file -> {documents, file_hash (not for .jsonl)}
    fusion: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    tracuu_version: str = ""
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path, index_path: str) -> "Manifest":
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise IndexCorruptError(index_path, f"thiếu {MANIFEST}") from exc
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(index_path, f"không đọc được {MANIFEST}: {exc}") from exc
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise IndexVersionError(index_path, version if isinstance(version, int) else -1, FORMAT_VERSION)
        try:
            return cls(**data)
        except TypeError as exc:
            raise IndexCorruptError(index_path, f"{MANIFEST} có trường lạ: {exc}") from exc
