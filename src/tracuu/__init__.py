"""tracuu: search Vietnamese Party and State documents by meaning and cite exactly what they say."""
from __future__ import annotations

__version__ = "0.1.0"

from tracuu.errors import TracuuError  # noqa: E402
from tracuu.index import Index, build, open_index  # noqa: E402
from tracuu.results import BuildReport, Citation, DocumentInfo, Explanation, Hit, Passage  # noqa: E402

__all__ = ["Index", "build", "open_index", "TracuuError", "BuildReport", "Citation", "DocumentInfo",
           "Explanation", "Hit", "Passage", "__version__"]
