"""Metadata filters on documents (temporary home of the embedded rule; see MetadataFilter)."""
from __future__ import annotations

from typing import Any


def matches(metadata: dict[str, Any], filters: dict[str, str]) -> bool:
    """Metadata filters: equality (case-insensitive), and `date_from`/`date_to` bounds on the ISO `date`."""
    for key, value in filters.items():
        if key == "date_from":
            if not metadata.get("date") or metadata["date"] < value:
                return False
        elif key == "date_to":
            if not metadata.get("date") or metadata["date"][:len(value)] > value:
                return False
        elif str(metadata.get(key, "")).casefold() != str(value).casefold():
            return False
    return True
