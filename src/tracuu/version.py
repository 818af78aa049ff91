"""tracuu's version: one place, read by the package, its manifests and pyproject.toml."""
from __future__ import annotations

__version__ = "0.1.0"
