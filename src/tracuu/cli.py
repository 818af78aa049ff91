"""The `tracuu` command: each verb mirrors a library call on the Index facade."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import replace
from typing import Any, Sequence

from tracuu import __version__
from tracuu.errors import InvalidQueryError, MissingExtraError, TracuuError
from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries
from tracuu.retrieval.fusion import FusionConfig
from tracuu.index import Index, build

DEFAULT_INDEX = os.environ.get("TRACUU_INDEX", "index/default")


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        suffix = f"{done}/{total}" if total else str(done)
        print(f"\r{stage}: {suffix}   ", end="", file=sys.stderr, flush=True)


def _emit(data: Any, as_json: bool, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1) if as_json else text)


def _report_text(r) -> str:
    lines = [f"index {r.index}: {r.documents} documents, {r.passages} passages "
             f"({len(r.added)} added, {len(r.replaced)} replaced, {len(r.removed)} removed, "
             f"{len(r.unchanged)} unchanged; {r.encoded} passages encoded in {r.seconds:.1f}s)"]
    lines += [f"  skipped {path}: {reason}" for path, reason in r.failures]
    return "\n".join(lines)


def _query_as_passage(weight: float) -> float:
    if not 0 <= weight <= 10:
        raise InvalidQueryError("--query-as-passage", f"must be between 0 and 10, got {weight}",
                                fix="use 1 for long questions, 0 (the default) to read queries once")
    return weight


def cmd_build(a: argparse.Namespace) -> int:
    fusion = FusionConfig(query_as_passage=_query_as_passage(a.query_as_passage))
    report = build(a.paths, a.index, encoder=a.encoder, fusion=fusion, strict=a.strict, progress=_progress,
                   thesaurus_file=a.thesaurus)
    _emit(report.to_dict(), a.json, _report_text(report))
    return 0


def cmd_add(a: argparse.Namespace) -> int:
    report = Index.open(a.index).add(a.paths, progress=_progress)
    _emit(report.to_dict(), a.json, _report_text(report))
    return 0 if report.documents else 1


def cmd_remove(a: argparse.Namespace) -> int:
    report = Index.open(a.index).remove(a.documents)
    _emit(report.to_dict(), a.json, _report_text(report))
    return 0


def cmd_info(a: argparse.Namespace) -> int:
    info = Index.open(a.index).info()
    lines = [f"{info['index']} ({info['generation']}, format {info['format_version']}): {info['documents']} "
             f"documents, {info['passages']} passages" +
             (f", {info['size_bytes'] / 1e6:.1f} MB" if info.get("size_bytes") is not None else ""),
             f"encoder {info['encoder']['name']} ({info['encoder']['dim']}-d), analyzer v{info['analyzer']['version']}"]
    for d in info["document_list"]:
        lines.append(f"  {d['id']}: {d['title'][:70]} ({d['passages']} passages)")
        lines += [f"    ! {w}" for w in d["warnings"]]
    _emit(info, a.json, "\n".join(lines))
    return 0


def cmd_documents(a: argparse.Namespace) -> int:
    docs = Index.open(a.index).documents(_filters(a.filter))
    lines = []
    for d in docs:
        m = d.metadata
        facts = " · ".join(str(m[k]) for k in ("number", "doc_type_name", "issuer", "date") if m.get(k))
        lines.append(f"{d.id}  [{facts or d.format}]  {d.title[:80]}  ({d.passages} đoạn)")
        lines += [f"    ! {w}" for w in d.warnings]
    _emit({"documents": [d.to_dict() for d in docs]}, a.json, "\n".join(lines) or "Không có văn bản nào.")
    return 0


def _filters(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidQueryError("--filter", f"{pair!r} is not KEY=VALUE", fix="for example --filter type=NQ")
        out[key.strip()] = value.strip()
    return out


def _hits_text(hits) -> str:
    if not hits:
        return "Không tìm thấy đoạn nào phù hợp."
    out = []
    for h in hits:
        out.append(f"[{h.rank}] {h.score:.4f}  {h.citation.text}  ({h.passage.id})")
        out.append("    " + h.passage.text[:400].replace("\n", " "))
        if h.also_in:  # the same words in other files: one hit, every source named
            out.append("    cũng có trong: " + "; ".join(f"{c.document_id} ({c.text})" for c in h.also_in))
        if h.explanation:
            e = h.explanation
            out.append(f"    lexical rank {e.lexical_rank} score {e.lexical_score}; dense rank {e.dense_rank} "
                       f"score {e.dense_score}; fused {e.fused_score:.5f}"
                       + (f" (of which {e.reference:.2f} because the query names it)" if e.reference else ""))
            if e.dense_weight is not None and e.weighting and h.rank == 1:  # one query, one weighting: say it once
                out.append(f"    weights lexical {e.lexical_weight:g}, dense {e.dense_weight:.2f}: {e.weighting}")
    return "\n".join(out)


def cmd_search(a: argparse.Namespace) -> int:
    index = Index.open(a.index)
    opts = dict(mode=a.mode, documents=a.document or None, filters=_filters(a.filter), explain=a.explain)
    if a.queries:
        for qid, text in read_queries(a.queries):
            hits = index.search(text, a.k, **opts)
            print(json.dumps({"id": qid, "hits": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return 0
    if not a.query:
        raise InvalidQueryError("query", "is missing", fix='tracuu search "câu hỏi" --index DIR, or --queries FILE')
    hits = index.search(a.query, a.k, **opts)
    plan = index.plan(a.query)
    text = _hits_text(hits)
    if plan.restored:
        text = f"(đã thêm dấu: {plan.restored})\n{text}"
    if plan.synonyms:
        text = "(tìm cả: " + "; ".join(f"{s.typed} → {', '.join(s.alternatives)}" for s in plan.synonyms) + ")\n" + text
    _emit({"query": a.query, "understood": plan.to_dict(), "hits": [h.to_dict() for h in hits]}, a.json, text)
    return 0


def _quote_lines(quotes, indent: str = "    ") -> list[str]:
    out = []
    for q in quotes:
        who = f"{q.speaker}: " if q.speaker else ""
        out.append(f"{indent}{who}“{' '.join(q.shown.split())}”")
        out.append(f"{indent}  ({q.citation.text}; {q.passage_id})")
    return out


def cmd_ask(a: argparse.Namespace) -> int:
    answer = Index.open(a.index).ask(a.question, a.k, documents=a.document or None, filters=_filters(a.filter))
    if answer.answer is None:
        lines = [f"{answer.message} (độ tin cậy {answer.confidence:.2f}). Các đoạn gần nhất:"]
        lines += [f"  - {c.citation.text} ({c.passage_id})" for c in answer.citations]
    else:
        lines = [f"Trả lời (độ tin cậy {answer.confidence:.2f}):"] + _quote_lines(answer.citations, "  ")
    _emit(answer.to_dict(), a.json, "\n".join(lines))
    return 0


def cmd_quotes(a: argparse.Namespace) -> int:
    found = Index.open(a.index).quotes(a.topic, a.k, doc_type=a.type, issuer=a.issuer, date_from=a.date_from,
                                       date_to=a.date_to)
    text = "\n".join(_quote_lines(found, "")) if found else "Không tìm thấy câu trích dẫn phù hợp."
    _emit({"topic": a.topic, "quotes": [q.to_dict() for q in found]}, a.json, text)
    return 0


def cmd_show(a: argparse.Namespace) -> int:
    index = Index.open(a.index)
    passages = index.neighbours(a.passage_id, a.before, a.after)
    doc = index.document(passages[0].document_id)
    from tracuu.citation import cite  # the citation line of each passage, as search prints it
    lines = [f"{doc.title[:90]} ({doc.id})"]
    for p in passages:
        mark = ">>" if p.id == a.passage_id else "  "
        lines.append(f"{mark} [{p.id}] {cite(doc, p).text}")
        lines += [f"{mark}   {line}" for line in p.text.splitlines() if line.strip()]
    data = {"passage_id": a.passage_id, "document": doc.to_dict(),
            "passages": [{**p.to_dict(), "citation": cite(doc, p).to_dict()} for p in passages]}
    _emit(data, a.json, "\n".join(lines))
    return 0


def cmd_eval(a: argparse.Namespace) -> int:
    as_passage = None if a.query_as_passage is None else _query_as_passage(a.query_as_passage)  # before a build
    with tempfile.TemporaryDirectory(prefix="tracuu-eval-") as tmp:
        path = a.index
        if a.corpus:
            path = os.path.join(tmp, "index")
            build(a.corpus, path, encoder=a.encoder, progress=_progress)
        if not path:
            raise InvalidQueryError("--index", "eval needs --index or --corpus", fix="give one of them")
        index = Index.open(path)
        # The index's own settings, unless the run asks to read queries as passages too.
        fusion = None if as_passage is None else replace(index.fusion, query_as_passage=as_passage)

        def search(q: str, k: int):
            return index.search(q, k, mode=a.mode, fusion=fusion)

        result: dict[str, Any] = {}
        if a.qrels:
            queries, qrels = read_queries(a.queries), read_qrels(a.qrels)
            result = {"metrics": evaluate_qrels(search, queries, qrels),
                      "metrics_folded": evaluate_qrels(search, queries, qrels, folded=True)}
        elif a.gold:
            gold = read_gold(a.gold)
            result = {"as_written": evaluate_gold(search, gold), "folded": evaluate_gold(search, gold, folded=True)}
        else:
            raise InvalidQueryError("eval", "needs --queries with --qrels, or --gold", fix="see tracuu eval --help")
    _emit(result, a.json, _eval_text(result))
    return 0


def _eval_text(result: dict[str, Any]) -> str:
    lines = []
    for name, table in result.items():
        lines.append(name)
        if "mrr@10" in table:
            lines.append("  " + "  ".join(f"{k} {v}" for k, v in table.items()))
            continue
        for kind, row in table.items():
            lines.append(f"  {kind:<12}" + "  ".join(f"{k} {v}" for k, v in row.items()))
    return "\n".join(lines)


def cmd_serve(a: argparse.Namespace) -> int:
    try:
        import uvicorn
        from tracuu_api.app import create_app
    except ImportError:
        raise MissingExtraError("tracuu serve", "api") from None
    # A server answers several searches at once: one encoder thread each beats two threads fighting per query
    # (2 cores, busy neighbour: query encoding p99 18 ms with 1 thread, 173 ms with 2; bench/README.md).
    # Set before the model loads, which is when OpenMP reads it.
    if a.encoder_threads:
        os.environ["OMP_NUM_THREADS"] = str(a.encoder_threads)
    else:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    app = create_app(a.index)  # opens the index first: a missing one fails here with its fix, not in a worker
    print(f"tracuu: serving {a.index} on http://{a.host}:{a.port}/ (API docs at /docs)", file=sys.stderr)
    # Clients (and the load bench) reuse connections; uvicorn's 5 s keep-alive closes them under their feet.
    uvicorn.run(app, host=a.host, port=a.port, log_level="warning", timeout_keep_alive=30)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tracuu", description="Tra cứu văn bản Đảng và Nhà nước: tìm theo nghĩa, "
                                "trích dẫn đúng nguyên văn.")
    p.add_argument("--version", action="version", version=f"tracuu {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def verb(name: str, func, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        sp.add_argument("--index", default=DEFAULT_INDEX,
                        help=f"index folder, milvus://host:19530/name or file.db[/name] "
                             f"(default {DEFAULT_INDEX}, or $TRACUU_INDEX)")
        sp.add_argument("--json", action="store_true", help="print JSON")
        return sp

    b = verb("build", cmd_build, "build (or rebuild) an index from files and folders")
    b.add_argument("paths", nargs="+", help=".txt .md .html .pdf .docx .jsonl files or folders")
    b.add_argument("--encoder", default=None, help="e5-small (bundled, default), st:<model or folder>, hashing")
    b.add_argument("--strict", action="store_true", help="fail (writing nothing) if any file cannot be read")
    b.add_argument("--thesaurus", metavar="FILE", default=None,
                   help="your own synonym rules (`người tài, nhân tài` or `đốt lò => phòng chống tham nhũng`, one a "
                        "line), added to the bundled thesaurus and saved in the index")
    b.add_argument("--query-as-passage", type=float, default=0.0, metavar="WEIGHT",
                   help="dense search also reads each query as a passage, with this weight (1 for long questions, "
                        "as in legal Q&A; doubles query encoding time)")
    ad = verb("add", cmd_add, "add new or changed documents to an index (unchanged ones are not re-encoded)")
    ad.add_argument("paths", nargs="+")
    rm = verb("remove", cmd_remove, "remove documents from an index by id")
    rm.add_argument("documents", nargs="+", help="document ids as shown by tracuu info")
    verb("info", cmd_info, "show an index's manifest and documents")
    ds = verb("documents", cmd_documents, "list documents with their number, type, issuer and date")
    ds.add_argument("--filter", action="append", default=[],
                    help="KEY=VALUE on metadata: doc_type=NQ, issuer=..., date_from=2024-01-01, date_to=2025")
    s = verb("search", cmd_search, "search passages; --queries FILE.jsonl for a batch (one JSON line per query)")
    s.add_argument("query", nargs="?", help="the question, with or without diacritics")
    s.add_argument("-k", type=int, default=10, help="number of hits (default 10)")
    s.add_argument("--explain", action="store_true", help="show each hit's lexical and dense ranks and scores")
    s.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid")
    s.add_argument("--document", action="append", default=[], help="only this document id (repeatable)")
    s.add_argument("--filter", action="append", default=[], help="KEY=VALUE on document metadata (repeatable)")
    s.add_argument("--queries", help='JSONL file of {"id", "query"} lines')
    q = verb("ask", cmd_ask, "answer a question with verbatim sentences and their citations, or say nothing "
             "reliable was found")
    q.add_argument("question", help="the question, with or without diacritics")
    q.add_argument("-k", type=int, default=5, help="passages to read the answer from (default 5)")
    q.add_argument("--document", action="append", default=[], help="only this document id (repeatable)")
    q.add_argument("--filter", action="append", default=[], help="KEY=VALUE on document metadata (repeatable)")
    qt = verb("quotes", cmd_quotes, "quotable sentences on a topic, verbatim, each with a ready-to-paste citation")
    qt.add_argument("topic", help="the topic, e.g. \"chuyển đổi số\"")
    qt.add_argument("-k", type=int, default=5, help="number of quotes (default 5)")
    qt.add_argument("--type", help="document type code or name (NQ, Nghị quyết, KL, news...)")
    qt.add_argument("--issuer", help="issuing body, or part of its name (Bộ Chính trị, Chính phủ...)")
    qt.add_argument("--date-from", help="only documents dated on or after YYYY-MM-DD")
    qt.add_argument("--date-to", help="only documents dated on or before YYYY-MM-DD")
    sh = verb("show", cmd_show, "show a passage (by the id printed by search, ask or quotes) with its neighbours")
    sh.add_argument("passage_id")
    sh.add_argument("--before", type=int, default=1, help="passages before it (default 1)")
    sh.add_argument("--after", type=int, default=1, help="passages after it (default 1)")
    e = verb("eval", cmd_eval, "evaluate retrieval on BEIR qrels or on gold snippets (party-dev format)")
    e.add_argument("--corpus", nargs="+", help="documents to build a temporary index from (e.g. corpus.jsonl)")
    e.add_argument("--queries", help="BEIR queries.jsonl")
    e.add_argument("--qrels", help="BEIR qrels.tsv")
    e.add_argument("--gold", help="party-dev style JSONL: query, gold snippets, kind")
    e.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid")
    e.add_argument("--encoder", default=None, help="encoder for the temporary index")
    e.add_argument("--query-as-passage", type=float, default=None, metavar="WEIGHT",
                   help="search with this weight for reading each query as a passage too (default: the index's)")
    sv = verb("serve", cmd_serve, "serve the HTTP API and the web page (writes need $TRACUU_API_TOKEN)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sv.add_argument("--encoder-threads", type=int, default=None,
                    help="threads per query encoding (default 1, or $OMP_NUM_THREADS)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except TracuuError as exc:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"tracuu: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"  fix: {exc.fix}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ntracuu: interrupted; the index is as it was before this command", file=sys.stderr)
        return 130
