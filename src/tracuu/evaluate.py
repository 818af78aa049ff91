"""Retrieval evaluation: BEIR-format qrels (MRR, nDCG, recall) and snippet-matched gold questions (hit@k)."""
from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from tracuu.errors import InputFileError

Searcher = Callable[[str, int], Sequence[Any]]  # (query, k) -> hits with .passage.text and .document.id
_MARKDOWN = re.compile(r"[\\*_]")
_SPACE = re.compile(r"\s+")


def bench_fold(text: str) -> str:
    """The matching rule of ../shared/bench/README.md: NFD, lower, đ->d, no marks, no Markdown, one space."""
    text = unicodedata.normalize("NFD", text).lower().replace("đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE.sub(" ", _MARKDOWN.sub("", text)).strip()


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise InputFileError(str(path), n, f"không phải JSON hợp lệ: {exc}",
                                     fix="mỗi dòng một đối tượng JSON") from exc
            if not isinstance(row, dict):
                raise InputFileError(str(path), n, "không phải đối tượng JSON", fix="mỗi dòng một đối tượng JSON")
            rows.append(row)
    return rows


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    """Lines {"_id"|"id", "text"|"query"} -> (id, text)."""
    out = []
    for n, row in enumerate(read_jsonl(path), start=1):
        qid = row.get("_id", row.get("id"))
        text = row.get("text", row.get("query"))
        if qid is None or not isinstance(text, str):
            raise InputFileError(str(path), n, "cần có mã (`_id` hoặc `id`) và nội dung (`text` hoặc `query`)")
        out.append((str(qid), text))
    return out


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = defaultdict(set)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        for n, row in enumerate(reader, start=1):
            if n == 1 and row and row[0] == "query-id":
                continue
            if len(row) < 2:
                raise InputFileError(str(path), n, "cần dạng query-id<TAB>corpus-id[<TAB>score]")
            if len(row) < 3 or float(row[2]) > 0:
                qrels[row[0]].add(row[1])
    return dict(qrels)


def _dedupe(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


def ranking_metrics(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    """Document-level metrics; a passage cut from a relevant document counts for it once."""
    ranked = _dedupe(ranked)
    first = next((i for i, d in enumerate(ranked[:10]) if d in relevant), None)
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:10]) if d in relevant)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    out = {"mrr@10": 1 / (first + 1) if first is not None else 0.0, "ndcg@10": dcg / idcg if idcg else 0.0}
    for k in (1, 5, 10, 100):
        out[f"recall@{k}"] = len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0
    return out


def mean(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {}
    return {key: round(sum(r[key] for r in rows) / len(rows), 4) for key in rows[0]}


def evaluate_qrels(search: Searcher, queries: list[tuple[str, str]], qrels: dict[str, set[str]], *,
                   folded: bool = False) -> dict[str, float]:
    rows = []
    for qid, text in queries:
        if qid not in qrels:
            continue
        hits = search(bench_fold(text) if folded else text, 100)
        rows.append(ranking_metrics([h.document.id for h in hits], qrels[qid]))
    return {**mean(rows), "queries": len(rows)}


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    query: str
    gold: tuple[str, ...]
    kind: str


def read_gold(path: str | Path) -> list[GoldQuestion]:
    out = []
    for n, row in enumerate(read_jsonl(path), start=1):
        if "query" not in row or not isinstance(row.get("gold", []), list):
            raise InputFileError(str(path), n, "cần có `query` và danh sách đoạn trích `gold`")
        out.append(GoldQuestion(str(row.get("id", n)), row["query"], tuple(row.get("gold", [])),
                                row.get("kind", "question")))
    return out


def gold_rank(texts: Sequence[str], gold: Sequence[str]) -> int | None:
    """1-based rank of the first passage that contains a gold snippet, under the bench folding."""
    snippets = [bench_fold(g) for g in gold]
    for rank, text in enumerate(texts, start=1):
        folded = bench_fold(text)
        if any(s in folded for s in snippets):
            return rank
    return None


def evaluate_gold(search: Searcher, questions: list[GoldQuestion], *, folded: bool = False) -> dict[str, dict]:
    """hit@1, hit@5 and MRR@10 per kind and overall; no-answer questions have no gold and are left out."""
    by_kind: dict[str, list[dict[str, float]]] = defaultdict(list)
    misses = []
    for q in questions:
        if not q.gold:
            continue
        hits = search(bench_fold(q.query) if folded else q.query, 10)
        rank = gold_rank([h.passage.text for h in hits], q.gold)
        row = {"hit@1": float(rank == 1), "hit@5": float(rank is not None and rank <= 5),
               "mrr@10": 1 / rank if rank else 0.0}
        by_kind[q.kind].append(row)
        by_kind["all"].append(row)
        if not rank or rank > 5:
            misses.append(q.id)
    table = {kind: {**mean(rows), "n": len(rows)} for kind, rows in sorted(by_kind.items())}
    table["misses@5"] = {"ids": misses}
    return table
