"""Fixtures shared by every test folder; the plain helpers they use live in helpers.py."""
from __future__ import annotations

from pathlib import Path

import pytest

import tracuu
from tracuu.retrieval.encoders import HashingEncoder

from helpers import CORPUS, write_docs


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    return write_docs(tmp_path / "docs")


@pytest.fixture
def encoder() -> HashingEncoder:
    return HashingEncoder(64)


@pytest.fixture
def shared_corpus() -> Path:
    """The shipped corpus/ folder (the name stays: many tests share it)."""
    return CORPUS


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory) -> "tracuu.Index":
    """The shipped corpus indexed once per test module with the tiny encoder."""
    root = tmp_path_factory.mktemp("shared") / "idx"
    tracuu.build([CORPUS], root, encoder="hashing")
    return tracuu.open_index(root)
