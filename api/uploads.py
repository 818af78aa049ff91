"""Uploaded files: a safe name inside the index's uploads/ folder, a bounded copy, and a restore on failure."""
from __future__ import annotations

import os
import re
import unicodedata
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import UploadRejectedError, UploadTooLargeError

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".pdf", ".docx", ".jsonl")
MAX_NAME_CHARS = 120
CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(filename: str | None) -> str:
    """The last component of `filename`, reduced to letters, digits, '.', '-' and '_'; never hidden, never '..'.

    Both '/' and '\\' count as separators and NUL or control characters are dropped, so no client-sent name can
    point outside the uploads folder.
    """
    raw = unicodedata.normalize("NFC", filename or "")
    raw = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    base = re.split(r"[/\\]", raw)[-1].strip()
    name = _UNSAFE.sub("-", base).strip(".-_")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        raise UploadRejectedError(base or "(no name)", "the file name has no usable name and extension",
                                  fix=f"send a file named like van-ban{ALLOWED_SUFFIXES[0]}")
    suffix = "." + suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRejectedError(base, f"unsupported file type {suffix}",
                                  fix="upload one of: " + " ".join(ALLOWED_SUFFIXES))
    return stem[:MAX_NAME_CHARS - len(suffix)] + suffix


def inside(folder: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


@contextmanager
def staged(folder: Path, name: str, data: BinaryIO, limit_bytes: int) -> Iterator[Path]:
    """Write `data` to folder/name (at most `limit_bytes`) and yield its path.

    A file already there is kept aside and put back if the block raises, so a failed replacement loses nothing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not inside(folder, target) or target.parent.resolve() != folder.resolve():
        raise UploadRejectedError(name, "the file name points outside the uploads folder")
    tag = uuid.uuid4().hex[:12]
    part, backup = folder / f".{tag}.part", folder / f".{tag}.bak"
    try:
        _copy(data, part, limit_bytes, name)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    had_old = target.exists()
    if had_old:
        os.replace(target, backup)
    os.replace(part, target)
    try:
        yield target
    except BaseException:
        if had_old:
            os.replace(backup, target)
        else:
            target.unlink(missing_ok=True)
        raise
    if had_old:
        backup.unlink(missing_ok=True)


def _copy(data: BinaryIO, dest: Path, limit_bytes: int, name: str) -> None:
    size = 0
    with open(dest, "xb") as out:
        while block := data.read(CHUNK):
            size += len(block)
            if size > limit_bytes:
                raise UploadTooLargeError(limit_bytes)
            out.write(block)
    if size == 0:
        raise UploadRejectedError(name, "the upload is empty", fix="send a file with some text in it")
