"""One training step's inputs: the questions' and passages' token rows, their attention masks and the in-batch mask.

train.py used to build them from text at every step: pick the texts, normalize and tokenize ~210 of them (64
questions, ~150 passages of ~900 characters), pad them row by row and build the in-batch mask in a Python double
loop; about 57 ms a batch on a 2-core CPU at batch 64 and 256 passage tokens, with the GPU waiting.
`TokenBatches` tokenizes every distinct text of the examples once, when the run starts, into padded int arrays;
a step then only draws which texts it takes (the same random draws, in the same order, as before), gathers their
rows, cuts them to the batch's longest row and compares passage ids with tensor ops. `text_batch` is the old
per-step path, kept as the reference the tests hold the new one to (token ids, attention masks, in-batch mask and
the random stream, exactly) and that `training/profile_batches.py` times.

A batch is (query_ids, query_mask, passage_ids, passage_mask, in_batch_mask), CPU tensors: int64 token rows
`<s> content </s>` padded with <pad> to the batch's longest, int64 0/1 attention masks, and a bool [questions x
passages] matrix that is True where a passage other than the question's own answer also answers it (masked out of
the InfoNCE denominator, not scored as a negative). Passages are the questions' answers in batch order, then the
hard negatives, question by question.
"""
from __future__ import annotations

import random

import numpy as np

QUERY_PREFIX, PASSAGE_PREFIX = "query: ", "passage: "
QUERY_LEN = 64  # query tokens, <s> and </s> included


def draw(batch: list[dict], rng: random.Random, fold_p: float, negatives: int):
    """The step's random choices, as train.py always drew them: first whether each question is typed without
    diacritics, then, question by question, its hard negatives (one per miner that found any, or one miner
    chosen at random with --negatives 1; a random one of that miner's passages). Returns ([folded?],
    [(example index in batch, miner, pick)])."""
    folded = [rng.random() < fold_p for _ in batch]
    picks = []
    for b, e in enumerate(batch):
        miners = [m for m, found in e["negatives"].items() if found]
        for m in (miners if negatives == 2 else rng.sample(miners, min(1, len(miners)))):
            picks.append((b, m, rng.randrange(len(e["negatives"][m]))))
    return folded, picks


def text_batch(batch: list[dict], rng: random.Random, tok, fold_p: float, negatives: int, passage_len: int):
    """The per-step path train.py had until the pack was pre-tokenized (its loop body, verbatim but for the
    device): texts chosen, tokenized, padded and masked at every step."""
    import torch
    queries = [e["query_folded"] if rng.random() < fold_p else e["query"] for e in batch]
    passages = [e["positive"] for e in batch]
    ids = [e["answer_ids"][0] for e in batch]
    for e in batch:  # hard negatives: one from each miner that found any, or from one chosen at random
        miners = [m for m, found in e["negatives"].items() if found]
        for m in (miners if negatives == 2 else rng.sample(miners, min(1, len(miners)))):
            pick = rng.randrange(len(e["negatives"][m]))
            passages.append(e["negatives"][m][pick])
            ids.append(e["negative_ids"][m][pick])
    answers = [set(e["answer_ids"]) for e in batch]
    mask = torch.tensor([[j != i and ids[j] in answers[i] for j in range(len(ids))] for i in range(len(batch))])
    return (*tok.batch(queries, QUERY_PREFIX, QUERY_LEN), *tok.batch(passages, PASSAGE_PREFIX, passage_len), mask)


class TokenRows:
    """Distinct texts tokenized once as `<s> prefix+text </s>`, cut to max_len tokens, in one padded int array."""

    def __init__(self, texts: list[str], tok, prefix: str, max_len: int, chunk: int = 2048) -> None:
        self.rows = np.full((len(texts), max_len), tok.pad, dtype=np.int64)
        self.lengths = np.zeros(len(texts), dtype=np.int64)
        for at in range(0, len(texts), chunk):  # chunks: encode_batch's memory stays small
            for r, ids in enumerate(tok.content_ids([prefix + t for t in texts[at:at + chunk]]), at):
                row = [tok.bos, *ids[:max_len - 2], tok.eos]
                self.rows[r, :len(row)] = row
                self.lengths[r] = len(row)

    def take(self, index: np.ndarray):
        """(ids, attention mask) of these rows, padded to the longest of them: what E5Tokenizer.batch returns."""
        import torch
        lengths = self.lengths[index]
        longest = int(lengths.max())
        ids = torch.from_numpy(np.ascontiguousarray(self.rows[index, :longest]))
        mask = (torch.arange(longest)[None, :] < torch.from_numpy(lengths)[:, None]).long()
        return ids, mask


class TokenBatches:
    """Every example's texts as rows of pre-tokenized arrays; `__call__` gives what `text_batch` gives, from the
    same random draws, without tokenizing."""

    def __init__(self, examples: list[dict], tok, passage_len: int) -> None:
        queries: dict[str, int] = {}
        passages: dict[str, int] = {}
        pids: dict[str, int] = {}  # passage id -> int, for the in-batch mask

        def row(table: dict[str, int], text: str) -> int:
            return table.setdefault(text, len(table))

        self.query = np.array([[row(queries, e["query"]), row(queries, e["query_folded"])] for e in examples],
                              dtype=np.int64).reshape(-1, 2)
        self.positive = np.array([row(passages, e["positive"]) for e in examples], dtype=np.int64)
        self.positive_id = np.array([row(pids, e["answer_ids"][0]) for e in examples], dtype=np.int64)
        # per example and miner: (passage rows, passage ids) of its hard negatives, in the pack's order
        self.negatives = [{m: ([row(passages, t) for t in texts], [row(pids, i) for i in e["negative_ids"][m]])
                           for m, texts in e["negatives"].items()} for e in examples]
        width = max((len(e["answer_ids"]) for e in examples), default=1)
        self.answers = np.full((len(examples), width), -1, dtype=np.int64)
        for r, e in enumerate(examples):
            self.answers[r, :len(e["answer_ids"])] = [row(pids, i) for i in e["answer_ids"]]
        self.examples = examples
        self.query_rows = TokenRows(list(queries), tok, QUERY_PREFIX, QUERY_LEN)
        self.passage_rows = TokenRows(list(passages), tok, PASSAGE_PREFIX, passage_len)

    def __call__(self, index: list[int], rng: random.Random, fold_p: float, negatives: int):
        import torch
        index = np.asarray(index, dtype=np.int64)
        folded, picks = draw([self.examples[i] for i in index], rng, fold_p, negatives)
        q_rows = self.query[index, np.asarray(folded, dtype=np.int64)]
        p_rows = [*self.positive[index].tolist()]
        p_ids = [*self.positive_id[index].tolist()]
        for b, m, pick in picks:
            texts, ids = self.negatives[index[b]][m]
            p_rows.append(texts[pick])
            p_ids.append(ids[pick])
        answers = torch.from_numpy(self.answers[index])  # [questions, answers], -1 where none
        mask = (torch.tensor(p_ids)[None, :, None] == answers[:, None, :]).any(-1)
        mask[torch.arange(len(index)), torch.arange(len(index))] = False  # the question's own answer
        return (*self.query_rows.take(q_rows), *self.passage_rows.take(np.asarray(p_rows, dtype=np.int64)), mask)
