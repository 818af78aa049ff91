"""tracuu: search Vietnamese Party and State documents by meaning and cite exactly what they say."""
from __future__ import annotations

from tracuu.errors import TracuuError
from tracuu.building import build
from tracuu.index import Index, open_index
from tracuu.results import Answer, BuildReport, Citation, DocumentInfo, Explanation, Hit, Passage, Quote
from tracuu.retrieval.filters import MetadataFilter
from tracuu.version import __version__

__all__ = ["Index", "build", "open_index", "TracuuError", "Answer", "BuildReport", "Citation", "DocumentInfo",
           "Explanation", "Hit", "MetadataFilter", "Passage", "Quote", "__version__"]
