"""The package's face: what `import tracuu` offers, its version, and an index that releases what it holds."""
import sqlite3

import pytest

import tracuu
from tracuu.version import __version__

from helpers import ROOT


def test_the_public_names_are_pinned():
    assert sorted(tracuu.__all__) == sorted([
        "Index", "build", "open_index", "TracuuError", "Answer", "BuildReport", "Citation", "DocumentInfo",
        "Explanation", "Hit", "MetadataFilter", "Passage", "Quote", "__version__"])
    for name in tracuu.__all__:
        assert getattr(tracuu, name) is not None, name


def test_the_version_has_one_home():
    assert tracuu.__version__ == __version__
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "tracuu.version.__version__"}


def test_an_index_closes_its_threads_and_its_store(docs_dir, tmp_path, encoder):
    root = tmp_path / "idx"
    tracuu.build([docs_dir], root, encoder=encoder)
    with tracuu.open_index(root, encoder=encoder) as index:
        assert index.search("chuyển đổi số", k=2)
        store = index._backend.store
        pool = index._encoding
    with pytest.raises(sqlite3.ProgrammingError):  # "Cannot operate on a closed database"
        store.count("passages")
    with pytest.raises(RuntimeError):  # no new work after shutdown
        pool.submit(print)


def test_an_update_then_close_releases_both_generations(docs_dir, tmp_path, encoder):
    root = tmp_path / "idx"
    tracuu.build([docs_dir], root, encoder=encoder)
    index = tracuu.open_index(root, encoder=encoder)
    first = index._backend.store
    index.remove([index.documents()[0].id])
    second = index._backend.store
    index.close()
    for store in (first, second):
        with pytest.raises(sqlite3.ProgrammingError):
            store.count("documents")
