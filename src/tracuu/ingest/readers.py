"""Readers: files and folders to ExtractedDocument (text exactly as extracted), failures as errors, never exceptions."""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from tracuu.text import legacy_encodings
from tracuu.errors import PathNotFoundError, UnreadableDocumentError, thousands
from tracuu.ingest.extracted import ExtractedDocument
from tracuu.ingest.docx import docx_text
from tracuu.ingest.limits import DEFAULT, ReadBudget, sniff, unclosed_hiding_tag
from tracuu.ingest.markdown_clean import html_text, html_title

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf",
           ".docx": "docx", ".jsonl": "jsonl"}
SUPPORTED = "các loại được hỗ trợ: " + ", ".join(FORMATS)
EMPTY = "tệp trống"  # the reason for a file with no text (the HTTP app words it for uploads)
FILL = "bỏ tệp này hoặc thêm nội dung vào"
_TITLE_MAX = 200
# A folder's own description (what it holds, where it came from): read by people, not indexed as a document.
FOLDER_NOTES = {"readme.md", "source.md"}


def read_paths(paths: Sequence[str | Path],
               budget: ReadBudget = DEFAULT) -> Iterator[ExtractedDocument | UnreadableDocumentError]:
    """Every document under `paths`, in a stable order; what cannot be read comes as an error, and reading goes on.

    A folder is read recursively (hidden files and folders skipped, and a README.md or SOURCE.md right inside it); keys
    are posix paths relative to it. A single file's key is its name. A file over `budget` is refused as it is read.
    A path that does not exist raises PathNotFoundError (before anything is written).
    """
    for given in paths:
        root = Path(given)
        if root.is_dir():
            for path in _files_under(root):
                yield from _entries(path, path.relative_to(root).as_posix(), budget)
        elif root.is_file():
            yield from _entries(root, root.name, budget)
        else:
            # A path the user typed that does not exist stops the whole build or add: the others are not enough.
            raise PathNotFoundError(str(root))


def read_file(path: Path, key: str, budget: ReadBudget = DEFAULT) -> list[ExtractedDocument]:
    """The document(s) in one file; raises UnreadableDocumentError on the first failure (a bad .jsonl line too)."""
    docs: list[ExtractedDocument] = []
    for entry in _entries(Path(path), key, budget):
        if isinstance(entry, UnreadableDocumentError):
            raise entry
        docs.append(entry)
    return docs


def _files_under(root: Path) -> list[Path]:
    found: list[Path] = []
    seen: set[Path] = set()

    def walk(folder: Path) -> None:
        real = folder.resolve()
        if real in seen:  # a symlink loop
            return
        seen.add(real)
        for child in sorted(folder.iterdir(), key=lambda p: p.name):
            if child.name.startswith("."):
                continue
            if child.is_dir():
                walk(child)
            elif child.is_file() and not (folder == root and child.name.lower() in FOLDER_NOTES):
                found.append(child)

    walk(root)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _entries(path: Path, key: str, budget: ReadBudget) -> Iterator[ExtractedDocument | UnreadableDocumentError]:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        kind = (f"không hỗ trợ loại tệp {path.suffix.lower()}" if path.suffix
                else "không hỗ trợ loại tệp này (tên tệp không có phần mở rộng)")
        yield UnreadableDocumentError(str(path), kind, fix=SUPPORTED)
        return
    try:
        fmt, warning = sniff(_head(path), fmt, path.suffix.lower())
        if fmt == "jsonl":
            yield from _jsonl(path, budget)
        else:
            doc = _READERS[fmt](path, key, budget)
            yield replace(doc, warnings=(warning, *doc.warnings)) if warning else doc
    except UnreadableDocumentError as err:
        yield err
    except Exception as exc:  # a reader must never stop a build: any surprise is this file's failure
        yield UnreadableDocumentError(str(path), f"không đọc được: {type(exc).__name__}: {exc}")


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(8)
    except OSError as exc:
        raise UnreadableDocumentError(str(path), f"không mở được: {exc.strerror or exc}") from exc


def _raw(path: Path, budget: ReadBudget = DEFAULT) -> bytes:
    try:
        if path.stat().st_size > budget.max_bytes:  # refused before a byte is read
            raise UnreadableDocumentError(str(path), f"lớn hơn {budget.max_bytes // (1024 * 1024)} MB, vượt hạn mức "
                                          "đọc", fix="chia thành các tệp nhỏ hơn")
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableDocumentError(str(path), f"không mở được: {exc.strerror or exc}") from exc


def decode(data: bytes, path: str) -> tuple[str, tuple[str, ...]]:
    """Text of `data`: UTF-8 (BOM or not), UTF-16 with a BOM, TCVN3/VNI/VISCII (converted), else cp1258 (warned)."""
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError as exc:
            raise UnreadableDocumentError(path, f"UTF-16 bị hỏng: {exc.reason}", fix="lưu lại dưới dạng UTF-8") from exc
    converted = legacy_encodings.decode_bytes(data)  # legacy bytes would read as cp1258 mojibake, with no error
    if converted is not None:
        return converted[0], tuple(converted[1])
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise UnreadableDocumentError(path, "không phải văn bản UTF-8, UTF-16 hay Windows-1258",
                                      fix="lưu lại dưới dạng UTF-8") from exc
    return text, ("không phải UTF-8: đã đọc theo Windows-1258 (cp1258); hãy kiểm tra dấu, hoặc lưu lại dưới dạng "
                  "UTF-8",)


def _text(path: Path, budget: ReadBudget, check: bool = True) -> tuple[str, tuple[str, ...]]:
    text, warnings = decode(_raw(path, budget), str(path))
    if check:  # a .jsonl file is budgeted line by line
        budget.chars(str(path), len(text))
    if "\x00" in text:
        raise UnreadableDocumentError(str(path), "dữ liệu nhị phân, không phải văn bản",
                                      fix="lưu lại dưới dạng văn bản UTF-8")
    if not text.strip():
        raise UnreadableDocumentError(str(path), EMPTY, fix=FILL)
    return _checked(text, warnings) if check else (text, warnings)


def _checked(text: str, warnings: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """`text` with a legacy encoding (TCVN3, VNI, VISCII) converted, plus warnings on text that extraction broke."""
    text, converted = legacy_encodings.repair(text)
    return text, (*warnings, *converted, *legacy_encodings.quality_warnings(text))


def first_line_title(text: str) -> str:
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return unicodedata.normalize("NFC", line)[:_TITLE_MAX].rstrip()
    return ""


def _markdown_title(text: str) -> str:
    heading = re.search(r"^\s{0,8}#{1,6}\s+(.+)$", text, re.M)
    line = heading.group(1) if heading else first_line_title(text)
    line = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", re.sub(r"\*+|(?<!\w)__|__(?!\w)|#+\s*$", "", line))
    return first_line_title(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line))


def _read_txt(path: Path, key: str, budget: ReadBudget) -> ExtractedDocument:
    text, warnings = _text(path, budget)
    return ExtractedDocument(key, str(path), "txt", text, first_line_title(text), warnings=warnings)


def _read_md(path: Path, key: str, budget: ReadBudget) -> ExtractedDocument:
    text, warnings = _text(path, budget)
    return ExtractedDocument(key, str(path), "md", text, _markdown_title(text), warnings=warnings)


def _read_html(path: Path, key: str, budget: ReadBudget) -> ExtractedDocument:
    text, warnings = _text(path, budget)
    hiding = unclosed_hiding_tag(text)
    if not html_text(text)[0].text.strip():
        if hiding:  # the page has text, but an unclosed <svg> or <style> hides all of it
            raise UnreadableDocumentError(str(path), f"không có chữ hiển thị: thẻ <{hiding}> không được đóng nên mọi "
                                          "thứ sau nó bị ẩn", fix=f"đóng thẻ bằng </{hiding}> hoặc bỏ nó đi")
        raise UnreadableDocumentError(str(path), EMPTY, fix=FILL)
    if hiding:
        warnings = (*warnings, f"thẻ <{hiding}> không được đóng: phần chữ sau nó không được đưa vào chỉ mục")
    title = unicodedata.normalize("NFC", html_title(text))[:_TITLE_MAX]
    return ExtractedDocument(key, str(path), "html", text, title, warnings=warnings)


_JSONL_KEYS = ("_id", "title", "text")


def _jsonl(path: Path, budget: ReadBudget) -> Iterator[ExtractedDocument | UnreadableDocumentError]:
    text, warnings = _text(path, budget, check=False)  # each line is its own document: checked on its own
    documents = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        documents += 1
        if documents > budget.max_documents:
            raise UnreadableDocumentError(f"{path}:{number}", f"hơn {thousands(budget.max_documents)} văn bản, vượt "
                                          "hạn mức đọc", fix="chia nhỏ tệp")
        budget.chars(f"{path}:{number}", len(line), "dòng")  # before json.loads: a 10 MB line costs nothing
        yield _jsonl_line(path, number, line, warnings)


def _jsonl_line(path: Path, number: int, line: str,
                warnings: tuple[str, ...]) -> ExtractedDocument | UnreadableDocumentError:
    where = f"{path}:{number}"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return UnreadableDocumentError(where, f"không phải JSON: {exc.msg}", fix="mỗi dòng một đối tượng JSON")
    if not isinstance(item, dict) or not isinstance(item.get("text"), str) or item.get("_id") in (None, ""):
        return UnreadableDocumentError(where, 'cần có "_id" và "text"',
                                       fix='mỗi dòng một đối tượng: {"_id": "...", "title": "...", "text": "..."}')
    if not item["text"].strip():
        return UnreadableDocumentError(where, '"text" trống', fix="bỏ dòng này hoặc thêm nội dung vào")
    text, warnings = _checked(item["text"], warnings)
    title = legacy_encodings.repair(str(item.get("title") or ""))[0] or first_line_title(text)
    # Other plain fields ("law_id", "article_id", "issuer"…) are the line's own metadata: filterable, and names.
    fields = tuple((str(k), unicodedata.normalize("NFC", str(v))) for k, v in item.items()
                   if k not in _JSONL_KEYS and isinstance(v, (str, int, float)) and not isinstance(v, bool))
    return ExtractedDocument(str(item["_id"]), str(path), "jsonl", text, title[:_TITLE_MAX], warnings=warnings,
                             fields=fields)


def _read_pdf(path: Path, key: str, budget: ReadBudget) -> ExtractedDocument:
    import pypdf  # only PDF builds pay for the import

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on odd PDFs become ours, below
    try:
        reader = pypdf.PdfReader(str(path))
        _decrypt(reader, path)
        # The page tree's declared /Count first: counting the pages themselves walks the whole tree (26 s for a
        # 100,000-page upload on a busy machine); a count that lies is caught by the real one, before extraction.
        for count in (lambda: int(reader.trailer["/Root"]["/Pages"]["/Count"]), lambda: len(reader.pages)):
            pages_count = _or_zero(count)
            if pages_count > budget.max_pages:
                raise UnreadableDocumentError(str(path), f"{thousands(pages_count)} trang, vượt hạn mức đọc "
                                              f"{thousands(budget.max_pages)} trang",
                                              fix="tách PDF thành nhiều tệp (qpdf --split-pages)")
        pages, converted = legacy_encodings.pdf_pages(reader)  # runs in .VnTime, VNI-Times... converted to Unicode
    except UnreadableDocumentError:
        raise
    except Exception as exc:
        raise UnreadableDocumentError(str(path), f"PDF bị hỏng: {type(exc).__name__}: {exc}",
                                      fix="xuất lại hoặc sửa tệp (qpdf in.pdf out.pdf)") from exc
    if not any(p.strip() for p in pages):
        raise UnreadableDocumentError(str(path), "không có lớp văn bản (bản quét?)",
                                      fix="chạy OCR trước (ví dụ ocrmypdf)")
    text, starts = _join_pages(pages)
    budget.chars(str(path), len(text))
    empty = [str(n) for n, p in enumerate(pages, 1) if not p.strip()]
    warnings = (f"trang {', '.join(empty)} không có lớp văn bản (bản quét?)",) if empty else ()
    warnings = (*warnings, *converted, *legacy_encodings.quality_warnings(text))
    meta_title = _pdf_meta_title(reader)
    return ExtractedDocument(key, str(path), "pdf", text, meta_title or first_line_title(text), starts, warnings)


def _or_zero(count) -> int:
    try:
        return int(count())
    except Exception:  # a broken /Count: the page walk (or extraction) reports what is wrong
        return 0


def _decrypt(reader, path: Path) -> None:
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")  # many PDFs are "protected" with an empty user password
    except Exception:
        opened = 0
    if not opened:
        raise UnreadableDocumentError(str(path), "PDF có mật khẩu (bị mã hoá)", fix="giải mã trước (qpdf --decrypt)")


def _join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    starts: list[int] = []
    size = 0
    for page in pages:
        starts.append(size)
        size += len(page) + 2
    return "\n\n".join(pages), tuple(starts)


def _pdf_meta_title(reader) -> str:
    try:
        title = (reader.metadata or {}).get("/Title") or ""
    except Exception:
        return ""
    return first_line_title(str(title))


def _read_docx(path: Path, key: str, budget: ReadBudget) -> ExtractedDocument:
    text, core_title = docx_text(path, budget)
    budget.chars(str(path), len(text))
    if not text.strip():
        raise UnreadableDocumentError(str(path), EMPTY, fix=FILL)
    text, warnings = _checked(text)
    title = first_line_title(core_title) or first_line_title(re.sub(r"^#+ ", "", text, flags=re.M))
    return ExtractedDocument(key, str(path), "docx", text, title, warnings=warnings)


_READERS = {"txt": _read_txt, "md": _read_md, "html": _read_html, "pdf": _read_pdf, "docx": _read_docx}
