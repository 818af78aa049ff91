"""The one write path of `build`, `Index.add` and `Index.remove`: a backend from the address, its previous state,
the entries read, `backend.update`, a report."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from tracuu.backends.address import create_backend
from tracuu.backends.base import Backend, Previous, Writable
from tracuu.errors import NothingIndexedError, StrictBuildError
from tracuu.ingest.entries import BuildLog, Entry, Progress, read_entries
from tracuu.results import BuildReport
from tracuu.retrieval.encoders import Encoder, load_encoder
from tracuu.retrieval.settings import SearchSettings
from tracuu.text import thesaurus
from tracuu.text.analyzer import Analyzer


def write(target: Writable, fresh: list[Entry], previous: Previous, log: BuildLog, encoder: Encoder,
           analyzer: Analyzer, settings: SearchSettings, progress: Progress | None, started: float
           ) -> tuple[BuildReport, Backend]:
    """The one write path of `build`, `add` and `remove`: the backend takes the entries, the log becomes a report."""
    encoded, backend = target.update(fresh, log.removed, previous, encoder, analyzer, settings, progress)
    m = backend.manifest
    return log.report(backend.location, m.documents, m.passages, encoded, started), backend


def build(paths: Sequence[str | Path], index: str | Path, *, encoder: Encoder | str | None = None,
          settings: SearchSettings | None = None, strict: bool = False,
          progress: Progress | None = None, thesaurus_file: str | Path | None = None) -> BuildReport:
    """Build (or rebuild) the index at `index` from exactly these files and folders, atomically.

    Passages whose text did not change keep their vectors from the previous generation (no re-encoding),
    as long as the encoder is the same. `thesaurus_file` adds the user's own synonym rules to the bundled
    thesaurus (text/thesaurus.py); they are saved with the analyzer settings, so every face reads them.
    """
    started = time.perf_counter()
    enc = load_encoder(encoder) if encoder is None or isinstance(encoder, str) else encoder
    settings = settings or SearchSettings.for_encoder(enc.name)
    analyzer = Analyzer()
    if thesaurus_file is not None:
        analyzer = Analyzer(extra={thesaurus.USER_RULES_KEY: thesaurus.read_user_file(thesaurus_file)})
    target = create_backend(index, enc, settings)
    try:
        previous = target.previous(carry=False)
        log = BuildLog()
        entries = read_entries([str(p) for p in paths], previous, enc, log, progress)
        log.removed = [d for d in previous.hashes if d not in {e.doc.id for e in entries}]
        if not entries:
            raise NothingIndexedError([str(p) for p in paths], len(log.failures))
        if strict and log.failures:
            raise StrictBuildError(log.failures)
        report, backend = write(target, entries, previous, log, enc, analyzer, settings, progress, started)
        backend.close()
        return report
    finally:
        target.close()
