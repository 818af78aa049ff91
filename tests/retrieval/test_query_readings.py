"""Dense search can read the query twice, as a query and as a passage (SearchSettings.query_as_passage)."""
import numpy as np
import pytest

import tracuu
from tracuu.cli import main
from tracuu.retrieval.encoders import HashingEncoder
from tracuu.retrieval.settings import SearchSettings

AXES = {"thủy sản": 0, "hải dương": 0, "rừng": 1}


class TwoSidedEncoder(HashingEncoder):
    """A model whose two readings of "kinh tế hải dương" disagree: the query side leans to forests, the passage
    side (like the passages themselves) to the sea."""

    def __init__(self) -> None:
        super().__init__(3)
        self.name = "two-sided"

    def encode_passages(self, texts):
        out = np.zeros((len(texts), 3), np.float32)
        for row, text in enumerate(texts):
            out[row, next((axis for word, axis in AXES.items() if word in text.lower()), 2)] = 1.0
        return out

    def encode_query(self, text):
        return np.array([0.6, 0.8, 0.0], np.float32)


@pytest.fixture()
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    sea = "Phát triển nuôi trồng thủy sản ven biển theo hướng bền vững.\n"
    (folder / "thuy-san.txt").write_text(sea, encoding="utf-8")
    (folder / "rung.txt").write_text("Bảo vệ và phát triển rừng phòng hộ đầu nguồn.\n", "utf-8")
    return folder


@pytest.fixture()
def index(tmp_path, docs):
    encoder = TwoSidedEncoder()
    tracuu.build([docs], tmp_path / "idx", encoder=encoder)
    return tracuu.open_index(tmp_path / "idx", encoder=encoder)


def test_the_passage_side_reading_joins_the_query_vector(index):
    vec = index.search_vector("kinh tế hải dương", 1.0)
    assert vec == pytest.approx(np.array([1.6, 0.8, 0.0]) / np.linalg.norm([1.6, 0.8, 0.0]))
    assert index.search_vector("kinh tế hải dương", 0.0) == pytest.approx([0.6, 0.8, 0.0])


def test_dense_and_hybrid_search_use_both_readings(index):
    both, query_only = SearchSettings(query_as_passage=1.0), SearchSettings()
    assert index.search("kinh tế hải dương", 2, mode="dense", settings=both)[0].document.id == "thuy-san.txt"
    assert index.search("kinh tế hải dương", 2, mode="dense", settings=query_only)[0].document.id == "rung.txt"
    # No shared word, so the lexical side is silent and the hybrid ranking is the dense one.
    hit = index.search("kinh tế hải dương", 2, settings=both, explain=True)[0]
    assert hit.document.id == "thuy-san.txt" and hit.explanation.lexical_rank is None
    assert index.search("kinh tế hải dương", 2, settings=query_only)[0].document.id == "rung.txt"


def test_off_by_default_and_a_build_can_ask_for_it(tmp_path, docs, capsys):
    assert SearchSettings().query_as_passage == 0.0
    root = tmp_path / "cli-idx"
    assert main(["build", str(docs), "--index", str(root), "--encoder", "hashing", "--query-as-passage", "1"]) == 0
    saved = tracuu.open_index(root)
    assert saved.settings.query_as_passage == 1.0
    # The setting travels with the index: an add keeps it.
    (docs / "moi.txt").write_text("Phát triển hạ tầng số hiện đại.\n", "utf-8")
    saved.add([docs])
    assert tracuu.open_index(root).settings.query_as_passage == 1.0
    capsys.readouterr()
    assert main(["build", str(docs), "--index", str(root), "--encoder", "hashing", "--query-as-passage", "-1"]) == 2
    assert "--query-as-passage" in capsys.readouterr().err
