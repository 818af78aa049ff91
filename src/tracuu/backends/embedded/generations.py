"""On-disk layout of an index folder: immutable generations and an atomically swapped CURRENT pointer.

    index/<name>/CURRENT          one line: the live generation's folder name
    index/<name>/gen-000007/      manifest.json, store.sqlite, lexical-*.npz/.vocab.json, dense.faiss
    index/<name>/.lock            held by a writer while it builds the next generation

A writer never touches a live generation: it fills a new folder, fsyncs it, then os.replace()s CURRENT.
A crash at any moment leaves either the old or the new generation live, never a half-written one.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tracuu.errors import IndexBusyError, IndexCorruptError, IndexNotFoundError, TracuuError

CURRENT = "CURRENT"
_GEN = re.compile(r"^gen-(\d{6})$")


def live_generation(root: Path) -> Path:
    pointer = root / CURRENT
    if not pointer.is_file():
        raise IndexNotFoundError(str(root))
    name = pointer.read_text(encoding="utf-8").strip()
    folder = root / name
    if not _GEN.match(name) or not folder.is_dir():
        raise IndexCorruptError(str(root), f"{CURRENT} trỏ tới {name!r}, không phải thư mục thế hệ nào")
    return folder


def _generations(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and _GEN.match(p.name))


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def writing(root: Path) -> Iterator[Path]:
    """Yield a fresh generation folder to fill; on success make it live, on any failure remove it."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / CURRENT).exists() and not _generations(root):
        if any(not p.name.startswith(".") for p in root.iterdir()):
            raise TracuuError(f"{root} đã tồn tại và không phải chỉ mục tracuu",
                              fix="chọn một thư mục trống hoặc mới cho --index")
    with open(root / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(str(root)) from exc
        gens = _generations(root)
        number = int(_GEN.match(gens[-1].name).group(1)) + 1 if gens else 1
        folder = root / f"gen-{number:06d}"
        folder.mkdir()
        pointer = root / CURRENT
        previous = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else ""
        try:
            yield folder
            _fsync_tree(folder)
            tmp = root / f"{CURRENT}.tmp"
            tmp.write_text(folder.name + "\n", encoding="utf-8")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, root / CURRENT)
            _fsync_dir(root)
        except BaseException:
            # KeyboardInterrupt included: the half-written generation goes, the live one was never touched.
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _prune(root, keep={folder.name, previous})


def _prune(root: Path, keep: set[str]) -> None:
    """Drop older generations and any left by a writer killed before it could clean up."""
    for gen in _generations(root):
        if gen.name not in keep:
            shutil.rmtree(gen, ignore_errors=True)
