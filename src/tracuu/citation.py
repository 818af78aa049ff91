"""Ready-to-paste citation lines for passages (the full Vietnamese form grows with the metadata parser)."""
from __future__ import annotations

from .results import Citation, DocumentInfo, Passage


def cite(document: DocumentInfo, passage: Passage) -> Citation:
    parts = [document.title or document.id]
    if passage.section:
        parts.append(f"mục {passage.section_path}")
    if passage.page:
        parts.append(f"tr. {passage.page}")
    return Citation(document.id, document.source, passage.section_path, passage.page, passage.char_start,
                    passage.char_end, ", ".join(parts))
