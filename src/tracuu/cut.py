"""Shortening text for display: at a word boundary, marked with "…", never in the middle of a syllable."""
from __future__ import annotations


def cut(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters: whole words only, then "…" when something was left out.

    "Bí thư Thành ủy Hà Nội" cut at 12 gives "Bí thư…", not "Bí thư Thàn". A first word longer than the limit is
    the one case cut inside a word (there is no boundary to cut at).
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit - 1]  # room for the "…"
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-–") + "…"
