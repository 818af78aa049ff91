"""An annex cites its parent: "Phụ lục I kèm theo Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ".

An annex's own heading names no number of its own ("PHỤ LỤC I … (Kèm theo Chương trình hành động tại Nghị quyết
số  /NQ-CP ngày 01 tháng 01 năm 2025 của Chính phủ)"): published drafts often leave the number blank and the date
a placeholder, as the shared corpus's 03/NQ-CP annexes do. Cited by its own title ("Phụ lục I: Danh mục…") it names
no document at all. When the parent is in the index, the annex is cited under the parent's number, date and issuer.
"""
from __future__ import annotations

import re
from os.path import commonprefix, dirname, basename
from typing import Any, Mapping

from tracuu.text.document_patterns import find_symbols

# The parent's number as the "Kèm theo" line gives it, complete ("03/NQ-CP") or with the figure left blank
# ("số  /NQ-CP", "số …-NQ/TW"): the blank one is matched by its type and issuer part only.
_BLANK_STATE = re.compile(r"\bsố\s*[.…_ ]*(/[A-ZĐa-zđ]+-[A-ZĐ]+)")
_BLANK_PARTY = re.compile(r"\bsố\s*[.…_ ]*(-[A-ZĐ]+/[A-ZĐ]+)")
MIN_SHARED_NAME = 4  # characters of file name an annex must share with a parent found by a blank number


def parent_of(document_id: str, source: str, meta: Mapping[str, Any],
              documents: Mapping[str, tuple[str, Mapping[str, Any]]]) -> str | None:
    """The id of the annex's parent among `documents` (id -> (source, metadata)), or None.

    A complete number in the "Kèm theo" line must match a document's number; a blank one ("/NQ-CP") matches a
    document of that type and issuer in the same folder, the one whose file name shares most with the annex's."""
    attached = str(meta.get("attached_to") or "")
    if not meta.get("annex") or not attached:
        return None
    numbered = {d: (src, m) for d, (src, m) in documents.items()
                if d != document_id and m.get("number") and not m.get("annex")}
    for symbol in find_symbols(attached):
        exact = [d for d, (_, m) in numbered.items() if m["number"] == symbol.text]
        if len(exact) == 1:
            return exact[0]
    blank = _BLANK_STATE.search(attached) or _BLANK_PARTY.search(attached)
    if not blank:
        return None
    suffix = blank.group(1)
    scored = []
    for d, (src, m) in numbered.items():
        number = str(m["number"])
        if dirname(src) != dirname(source) or not number.endswith(suffix):
            continue
        shared = len(commonprefix([basename(src), basename(source)]))
        if shared >= MIN_SHARED_NAME:
            scored.append((shared, d))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None  # none, or two equally likely parents: no guess
    return scored[0][1]
