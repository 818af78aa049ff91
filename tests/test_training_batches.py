"""train.py's batches: pre-tokenized once (training/batches.TokenBatches), they must be exactly what the old
per-step path (batches.text_batch: tokenize, pad and mask at every step) gave for the same seed."""
from __future__ import annotations

import gzip
import json
import random
import sys

import pytest

from helpers import ROOT, TARGETS_2021_2025

sys.path.insert(0, str(ROOT))
torch = pytest.importorskip("torch")
pytest.importorskip("tokenizers")

from training.batches import TokenBatches, text_batch  # noqa: E402
from training.e5_torch import E5Tokenizer, read_e5_bin  # noqa: E402

MODEL = ROOT / "src" / "tracuu" / "models" / "tracuu-e5-q4.bin"  # the pruned vocabulary the GPU runs train with
WORDS = ("Đảng nhân dân chính quyền địa phương hai cấp tinh gọn bộ máy chuyển đổi số khoa học công nghệ đổi mới "
         "sáng tạo tham nhũng lãng phí tiêu cực người nghiện ma túy xử lý hành chính Điều 12 khoản 3 Luật Đất đai "
         "năm 2024 Nghị quyết 57-NQ/TW cán bộ công chức viên chức tuổi thọ 74,5 70% ngân sách nhà nước dau tu "
         "cong nghe so web online").split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return rng.choice(["", " ", "  "]) + text.replace(" ", rng.choice([" ", "  "]), rng.randrange(3))


def examples(n: int = 48, seed: int = 3) -> list[dict]:
    """Pack-shaped examples with what the real pack holds: several answers to a question, batch-mates sharing an
    answer, a hard negative that answers another question, miners in either order or empty or missing, one
    passage id under two texts, passages far over the length limit, a query whose folded form is itself."""
    rng = random.Random(seed)
    ids = [f"p{i:02d}" for i in range(30)]
    text_of = {i: sentence(rng, rng.choice([5, 30, 120, 400])) for i in ids}
    out = []
    for k in range(n):
        answers = rng.sample(ids, rng.choice([1, 1, 1, 2, 3]))
        positive = text_of[answers[0]] if k % 7 else sentence(rng, 40)  # the same id, another cut of its text
        negatives, negative_ids = {}, {}
        for miner in rng.sample(["lexical", "dense"], rng.choice([1, 2])):
            picked = rng.sample(ids, rng.choice([0, 1, 2, 2]))
            negatives[miner], negative_ids[miner] = [text_of[i] for i in picked], picked
        query = sentence(rng, rng.choice([3, 12, 80]))
        out.append({"query": query, "query_folded": query if k % 5 == 0 else query.lower(), "source": "corpus",
                    "kind": "test", "positive": positive, "answer_ids": answers, "negatives": negatives,
                    "negative_ids": negative_ids})
    return out


@pytest.fixture(scope="module")
def tok():
    return E5Tokenizer(read_e5_bin(MODEL))


@pytest.mark.parametrize("negatives", [1, 2])
@pytest.mark.parametrize("batch,passage_len,fold_p", [(8, 32, 0.3), (7, 256, 0.5), (16, 64, 0.0)])
def test_pre_tokenized_batches_are_the_old_per_step_ones_exactly(tok, negatives, batch, passage_len, fold_p):
    from training.train import data_order
    rows = examples()
    order = data_order(len(rows), 3)
    built = TokenBatches(rows, tok, passage_len)
    old_rng, new_rng = random.Random(1014), random.Random(1014)
    masked = cut = 0
    for step in range(len(order) // batch):
        index = order[step * batch:(step + 1) * batch]
        old = text_batch([rows[i] for i in index], old_rng, tok, fold_p, negatives, passage_len)
        new = built(index, new_rng, fold_p, negatives)
        for a, b in zip(old, new):
            assert a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b), f"step {step}"
        assert old_rng.getstate() == new_rng.getstate(), f"step {step}: the random stream drifted"
        masked += int(new[4].sum())
        cut += int((new[3].sum(1) == passage_len).sum())
    assert masked > 0  # the in-batch mask was exercised, not only all-False
    assert passage_len > 100 or cut > 0  # and the length limit


def test_train_runs_its_steps_on_the_pre_tokenized_batches(tmp_path, monkeypatch, capsys):
    import training.train as train
    pack = tmp_path / "pack"
    pack.mkdir()
    with gzip.open(pack / "train.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in examples(16))
    monkeypatch.setattr(train, "RUNS", tmp_path / "runs")
    train.main(["--run", "t", "--pack", str(pack), "--base", str(MODEL), "--device", "cpu", "--qat", "--freeze", "11",
                "--batch", "4", "--passage-len", "32", "--time-steps", "2", "--threads", "1"])
    out = capsys.readouterr().out
    assert "# tokenized" in out and "step 2/4 loss" in out and "ms building the batch" in out


def test_a_sentence_example_and_its_passage_example_in_one_batch_are_masked_for_each_other_not_their_negatives(tok):
    """pack.py --sentences: the answer sentence carries its passage's id, its sibling sentences ids of their own."""
    from training.sentence_examples import sentence_example
    passage = {"query": "kinh tế mỗi năm phải lớn thêm bao nhiêu", "query_folded": "kinh te moi nam phai lon them bao nhieu",
               "source": "corpus", "kind": "colloquial", "positive": TARGETS_2021_2025, "answer_ids": ["p1"],
               "negatives": {"lexical": ["Chương trình | mục 2\nĐẩy mạnh chuyển đổi số quốc gia."]},
               "negative_ids": {"lexical": ["p9"]}}
    sentence = sentence_example(passage, ["Tốc độ tăng trưởng kinh tế (GDP) bình quân 5 năm đạt khoảng 6,5 - 7%/năm"])
    rows = [passage, sentence]
    _, _, p_ids, _, mask = TokenBatches(rows, tok, 64)([0, 1], random.Random(5), 0.0, 2)
    # columns: the two answers (passage, sentence), then one hard negative of each
    assert len(p_ids) == 2 + 1 + 1  # the sentence example has sibling sentences only (no dense negatives given)
    assert mask.tolist() == [[False, True, False, False], [True, False, False, False]]
