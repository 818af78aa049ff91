"""Uploaded files: a safe name inside the index's uploads/ folder, a bounded copy, and a restore on failure.

An upload is first copied into a private folder (uploads/.incoming-<random>/<name>), read and checked there, and
only then moved into place; every way out of `received` removes that folder, so a refused or failed upload leaves
nothing in uploads/.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
import unicodedata
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from tracuu.errors import UnreadableDocumentError
from tracuu.ingest.limits import ReadBudget
from tracuu.ingest.readers import EMPTY, read_file

from .errors import UploadRejectedError, UploadTooLargeError

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".pdf", ".docx", ".jsonl")
MAX_NAME_BYTES = 200  # UTF-8 bytes: file systems count bytes (255), and "ệ" is 3 of them
INCOMING = ".incoming-"
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
        raise UploadRejectedError(base or "(không tên)", "tên tệp không có phần tên và phần mở rộng dùng được",
                                  fix=f"gửi tệp có tên dạng van-ban{ALLOWED_SUFFIXES[0]}")
    suffix = "." + suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRejectedError(base, f"không hỗ trợ loại tệp {suffix}",
                                  fix="tải lên một trong các loại: " + " ".join(ALLOWED_SUFFIXES))
    return _trim_utf8(stem, MAX_NAME_BYTES - len(suffix)).rstrip(".-_") + suffix


def _trim_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` whose UTF-8 form fits `max_bytes`, never cutting a character in two."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def inside(folder: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


@contextmanager
def received(folder: Path, name: str, data: BinaryIO, limit_bytes: int) -> Iterator[Path]:
    """Copy `data` (at most `limit_bytes`) to a private folder inside `folder` and yield its path, named `name`;
    the private folder is removed on the way out, whatever happens."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not inside(folder, target) or target.parent.resolve() != folder.resolve():
        raise UploadRejectedError(name, "tên tệp trỏ ra ngoài thư mục tải lên")
    private = folder / f"{INCOMING}{uuid.uuid4().hex[:12]}"
    try:
        private.mkdir()
        _copy(data, private / name, limit_bytes, name)
        yield private / name
    finally:
        shutil.rmtree(private, ignore_errors=True)


@contextmanager
def installed(folder: Path, incoming: Path) -> Iterator[Path]:
    """Move `incoming` to folder/<its name> and yield that path. A file already there is kept aside and put back
    if the block raises, so a failed replacement loses nothing."""
    target = folder / incoming.name
    backup = incoming.parent / f".{uuid.uuid4().hex[:12]}.bak"  # inside the private folder: removed with it
    had_old = target.exists()
    if had_old:
        os.replace(target, backup)
    try:
        os.replace(incoming, target)
        yield target
    except BaseException:
        if had_old:
            os.replace(backup, target)
        else:
            target.unlink(missing_ok=True)
        raise


def remove_leftovers(folder: Path, older_than_s: float) -> None:
    """Private folders a killed server left behind (none of this process's own uploads is that old)."""
    if not folder.is_dir():
        return
    for path in folder.glob(f"{INCOMING}*"):
        if time.time() - path.stat().st_mtime > older_than_s:
            shutil.rmtree(path, ignore_errors=True)


def _copy(data: BinaryIO, dest: Path, limit_bytes: int, name: str) -> None:
    size = 0
    with open(dest, "xb") as out:
        while block := data.read(CHUNK):
            size += len(block)
            if size > limit_bytes:
                raise UploadTooLargeError(limit_bytes)
            out.write(block)
    if size == 0:
        raise UploadRejectedError(name, "tệp tải lên trống", fix="gửi một tệp có chữ")


def readable(path: Path, name: str, budget: ReadBudget) -> set[str]:
    """The ids of the documents in an upload, read under the upload budget before the write lock is taken: what
    cannot be read (no text, over a budget, a bad .jsonl line) is refused here and the index is never touched."""
    try:
        docs = read_file(path, name, budget)
    except UnreadableDocumentError as err:
        reason = "không có chữ: không trích được gì từ tệp" if err.reason == EMPTY else err.reason
        where = err.path.rpartition("/")[2] if err.path.startswith(str(path)) else name
        raise UploadRejectedError(where, reason + "; chỉ mục không thay đổi",
                                  fix=err.fix or "kiểm tra tệp mở được và có lớp văn bản") from None
    return {d.key for d in docs}


async def watch_disconnect(request: Any, gone: threading.Event) -> None:
    """Tell the upload's worker thread when the client hangs up: it stops at its next budget check."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return
