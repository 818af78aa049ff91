"""Which passages are not a document's own text: commentary, and a web page's introduction above the body.

A web copy of a resolution opens with the page's words about it ("Thay mặt Bộ Chính trị, Tổng Bí thư Tô Lâm đã
ký ban hành Nghị quyết số 57-NQ/TW…", "Trân trọng giới thiệu toàn văn Nghị quyết số 57-NQ/TW:"). They are true,
but they are the page's, not the resolution's: cited as "Nghị quyết số 57-NQ/TW" they would put words in the Bộ
Chính trị's mouth. The commentary a file holds after an official text's signature block (multidoc.py splits it
off and the builder records `official: False`) is nobody's official text either. Both are kept and searchable,
marked in `Passage.kind`, labelled in every output and left out of `ask` and `quotes` by default. A file with no
letterhead, number, signature or news marks at all (metadata.py's "commentary" kind) is not marked: nothing shows
whose text it is, and a user's own copy of a resolution without its letterhead looks the same.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from tracuu.ingest.splitter import PassageSpan
from tracuu.results import BODY
from tracuu.text.sentences import strip_span

# What a page says about the text it publishes; a document says none of it about itself.
_INTRODUCES = re.compile(r"đã ký ban hành|trân trọng giới thiệu|xin giới thiệu|giới thiệu toàn văn|"
                         r"đăng tải toàn văn|^\W*toàn văn (?:của )?(?:nghị quyết|kết luận|chỉ thị|quy định)", re.I)
_PARAGRAPH = re.compile(r"\S(?:.|\n(?!\s*\n))*", re.M)  # a run of lines up to a blank line
LEADING_PARAGRAPHS = 4  # an introduction sits above the body: only the first paragraphs (a heading counts) qualify


def introduction_end(text: str) -> int:
    """Where a page's introduction ends in the cleaned `text` (0 when there is none): the end of the last of the
    first paragraphs that speaks about the document from outside it."""
    end = 0
    for n, paragraph in enumerate(_PARAGRAPH.finditer(text)):
        if n >= LEADING_PARAGRAPHS:
            break
        if _INTRODUCES.search(paragraph.group()):
            end = paragraph.end()
    return end


def passage_kinds(text: str, spans: Sequence[PassageSpan], metadata: Mapping[str, Any]
                  ) -> list[tuple[PassageSpan, str]]:
    """Each span with its kind, from the document's metadata; a span running past the end of a page's
    introduction is cut there, so that no passage mixes the page's words with the document's."""
    if metadata.get("official") is False:
        return [(span, "commentary") for span in spans]
    end = introduction_end(text) if metadata.get("kind") == "official" else 0
    if not end:
        return [(span, BODY) for span in spans]
    out: list[tuple[PassageSpan, str]] = []
    for span in spans:
        if span.end <= end:
            out.append((span, "page"))
        elif span.start < end:
            head, rest = strip_span(text, span.start, end), strip_span(text, end, span.end)
            if head[0] < head[1]:
                out.append((PassageSpan(*head, span.section, span.context), "page"))
            if rest[0] < rest[1]:
                out.append((PassageSpan(*rest, span.section, span.context), BODY))
        else:
            out.append((span, BODY))
    return out
