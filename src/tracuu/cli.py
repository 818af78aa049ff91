"""The `tracuu` command: each verb mirrors a library call on the Index facade."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import replace
from typing import Any, Sequence

from tracuu.version import __version__
from tracuu.errors import InvalidQueryError, MissingExtraError, TracuuError
from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries
from tracuu.building import build
from tracuu.cut import cut
from tracuu.index import MAX_PAGE, Index
from tracuu.results import kind_note
from tracuu.retrieval.filters import MetadataFilter
from tracuu.retrieval.settings import SearchSettings

DEFAULT_INDEX = os.environ.get("TRACUU_INDEX", "index/default")
# The metadata keys --filter reads (any other key of a document's metadata works too, e.g. a .jsonl field).
FILTER_KEYS = "doc_type (NQ, KL, CTr...), doc_type_name, number (57-NQ/TW), issuer, date, date_from, date_to"
MODES_HELP = ("hybrid (default): words and meaning together; lexical: the words only (BM25, with or without "
              "diacritics); dense: the meaning only (embedding vectors)")
STAGES = {"read": "đọc văn bản", "encode": "mã hoá đoạn"}


class _Progress:
    """The build's progress on stderr (tqdm): count, rate and time left; the line clears itself when a stage ends.

    On a terminal it redraws twice a second; in a log it writes a line every 10 s, so a long build still shows
    that it is moving without flooding the log.
    """

    def __init__(self) -> None:
        self._bar = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self._stage or self._bar is None:
            self.close()
            self._stage = stage
            tty = sys.stderr.isatty()
            self._bar = tqdm(total=total or None, desc=STAGES.get(stage, stage), unit=" đoạn" if stage == "encode"
                             else " văn bản", leave=False, file=sys.stderr, mininterval=0.5 if tty else 10,
                             dynamic_ncols=True)
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _progress() -> _Progress:
    return _Progress()


def _k(text: str) -> int:
    """-k: 1 to MAX_PAGE, the same limit as the HTTP API's k."""
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= k <= MAX_PAGE:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_PAGE}, got {k}")
    return k


def _emit(data: Any, as_json: bool, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1) if as_json else text)


def _report_text(r) -> str:
    lines = [f"Chỉ mục {r.index}: {r.documents} văn bản, {r.passages} đoạn "
             f"(thêm {len(r.added)}, thay {len(r.replaced)}, xoá {len(r.removed)}, giữ nguyên {len(r.unchanged)}; "
             f"mã hoá {r.encoded} đoạn trong {r.seconds:.1f} giây)"]
    lines += [f"  bỏ qua {path}: {reason}" for path, reason in r.failures]
    return "\n".join(lines)


def _query_as_passage(weight: float) -> float:
    if not 0 <= weight <= 10:
        raise InvalidQueryError("--query-as-passage", f"must be between 0 and 10, got {weight}",
                                fix="use 1 for long questions, 0 (the default) to read queries once")
    return weight


def cmd_build(a: argparse.Namespace) -> int:
    settings = SearchSettings(query_as_passage=_query_as_passage(a.query_as_passage))
    progress = _progress()
    try:
        report = build(a.paths, a.index, encoder=a.encoder, settings=settings, strict=a.strict, progress=progress,
                       thesaurus_file=a.thesaurus)
    finally:
        progress.close()
    _emit(report.to_dict(), a.json, _report_text(report))
    return 0


def cmd_add(a: argparse.Namespace) -> int:
    progress = _progress()
    try:
        report = Index.open(a.index).add(a.paths, progress=progress)
    finally:
        progress.close()
    _emit(report.to_dict(), a.json, _report_text(report))
    return 0 if report.documents else 1


def cmd_remove(a: argparse.Namespace) -> int:
    report = Index.open(a.index).remove(a.documents)
    _emit(report.to_dict(), a.json, _report_text(report))
    return 0


def cmd_info(a: argparse.Namespace) -> int:
    info = Index.open(a.index).info()
    lines = [f"{info['index']} ({info['generation']}, định dạng {info['format_version']}): {info['documents']} "
             f"văn bản, {info['passages']} đoạn" +
             (f", {info['size_bytes'] / 1e6:.1f} MB" if info.get("size_bytes") is not None else ""),
             f"bộ mã hoá {info['encoder']['name']} ({info['encoder']['dim']} chiều), "
             f"bộ phân tích v{info['analyzer']['version']}"]
    for d in info["document_list"]:
        lines.append(f"  {d['id']}: {cut(d['title'], 70)} ({d['passages']} đoạn)")
        lines += [f"    ! {w}" for w in d["warnings"]]
    _emit(info, a.json, "\n".join(lines))
    return 0


def cmd_documents(a: argparse.Namespace) -> int:
    docs = Index.open(a.index).documents(MetadataFilter.from_pairs(a.filter))
    lines = []
    for d in docs:
        m = d.metadata
        facts = " · ".join(str(m[k]) for k in ("number", "doc_type_name", "issuer", "date") if m.get(k))
        lines.append(f"{d.id}  [{facts or d.format}]  {cut(d.title, 80)}  ({d.passages} đoạn)")
        lines += [f"    ! {w}" for w in d.warnings]
    _emit({"documents": [d.to_dict() for d in docs]}, a.json, "\n".join(lines) or "Không có văn bản nào.")
    return 0


def _hits_text(hits) -> str:
    if not hits:
        return "Không tìm thấy đoạn nào phù hợp."
    out = []
    for h in hits:
        out.append(f"[{h.rank}] {h.score:.3f}  {h.citation.text}  ({h.passage.id})")
        if not h.citation.official:
            out.append(f"    [{h.citation.note}]")
        out.append("    " + cut(h.passage.text, 400))
        if h.also_in:  # the same words in other files: one hit, every source named
            out.append("    cũng có trong: " + "; ".join(f"{c.document_id} ({c.text})" for c in h.also_in))
        if h.explanation:
            e = h.explanation
            out.append(f"    từ khoá: {_rank(e.lexical_rank, e.lexical_score)}; ngữ nghĩa: "
                       f"{_rank(e.dense_rank, e.dense_score)}; tổng {e.fused_score:.3f}"
                       + (f" (trong đó {e.reference:.2f} vì câu hỏi nêu văn bản này)" if e.reference else ""))
            if e.dense_weight is not None and e.weighting and h.rank == 1:  # one query, one weighting: say it once
                out.append(f"    trọng số: từ khoá {e.lexical_weight:g}, ngữ nghĩa {e.dense_weight:.2f} ({e.weighting})")
    return "\n".join(out)


def _rank(rank: int | None, score: float | None) -> str:
    return "không có" if rank is None else f"hạng {rank}, điểm {score:.3f}"


def _groups_text(groups, query: str) -> str:
    if not groups:
        return "Không tìm thấy văn bản nào phù hợp."
    out = []
    for g in groups:
        label = "" if g.document.official else f"  [{kind_note('commentary')}]"
        out.append(f"[{g.rank}] {cut(g.document.title, 120)}  ({g.document.id}){label}")
        out.append(f"    {g.count} đoạn có đủ các từ “{query}”; {g.related} đoạn liên quan trong kết quả")
        for h in g.best:
            out.append(f"    - {h.citation.text}  ({h.passage.id})" + ("" if h.citation.official
                                                                     else f"  [{h.citation.note}]"))
            out.append("      " + cut(h.passage.text, 200))
    return "\n".join(out)


def cmd_search(a: argparse.Namespace) -> int:
    index = Index.open(a.index)
    filters = MetadataFilter.from_pairs(a.filter)
    if a.by_document:
        if not a.query:
            raise InvalidQueryError("query", "is missing", fix='tracuu search "2045" --by-document --index DIR')
        groups = index.search_by_document(a.query, a.k, mode=a.mode, documents=a.document or None, filters=filters)
        _emit({"query": a.query, "documents": [g.to_dict() for g in groups]}, a.json, _groups_text(groups, a.query))
        return 0
    opts = dict(mode=a.mode, documents=a.document or None, filters=filters, explain=a.explain)
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
        if not q.citation.official:
            out.append(f"{indent}  [{q.citation.note}]")
    return out


def cmd_ask(a: argparse.Namespace) -> int:
    answer = Index.open(a.index).ask(a.question, a.k, documents=a.document or None,
                                     filters=MetadataFilter.from_pairs(a.filter),
                                     include_commentary=a.include_commentary)
    if answer.answer is None:
        lines = [f"{answer.message} (độ tin cậy {answer.confidence:.2f}). Các đoạn gần nhất:"]
        lines += [f"  - {c.citation.text} ({c.passage_id})" + ("" if c.citation.official else f" [{c.citation.note}]")
                  for c in answer.citations]
    elif answer.status == "low_confidence":
        lines = [f"{answer.message} (độ tin cậy {answer.confidence:.2f}):"] + _quote_lines(answer.citations, "  ")
    else:
        lines = [f"Trả lời (độ tin cậy {answer.confidence:.2f}):"] + _quote_lines(answer.citations, "  ")
    _emit(answer.to_dict(), a.json, "\n".join(lines))
    return 0


def cmd_quotes(a: argparse.Namespace) -> int:
    found = Index.open(a.index).quotes(a.topic, a.k, doc_type=a.type, issuer=a.issuer, date_from=a.date_from,
                                       date_to=a.date_to, include_commentary=a.include_commentary)
    none = (f"“{a.topic}”: không có câu nào trong văn bản nói đúng chủ đề này; "
            "thử cách diễn đạt khác hoặc bỏ bớt bộ lọc.")
    text = "\n".join(_quote_lines(found, "")) if found else none
    _emit({"topic": a.topic, "quotes": [q.to_dict() for q in found]}, a.json, text)
    return 0


def cmd_show(a: argparse.Namespace) -> int:
    index = Index.open(a.index)
    passages = index.neighbours(a.passage_id, a.before, a.after)
    doc = index.document(passages[0].document_id)
    from tracuu.citation import cite  # the citation line of each passage, as search prints it
    lines = [f"{cut(doc.title, 90)} ({doc.id})"]
    for p in passages:
        mark = ">>" if p.id == a.passage_id else "  "
        lines.append(f"{mark} [{p.id}] {cite(doc, p).text}" + ("" if p.official else f"  [{cite(doc, p).note}]"))
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
            progress = _progress()
            try:
                build(a.corpus, path, encoder=a.encoder, progress=progress)
            finally:
                progress.close()
        if not path:
            raise InvalidQueryError("--index", "eval needs --index or --corpus", fix="give one of them")
        index = Index.open(path)
        # The index's own settings, unless the run asks to read queries as passages too.
        settings = None if as_passage is None else replace(index.settings, query_as_passage=as_passage)

        def search(q: str, k: int):
            return index.search(q, k, mode=a.mode, settings=settings)

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
        from tracuu_api.app import create_app
        from tracuu_api.server import allowed_hosts, run
    except ImportError:
        raise MissingExtraError("tracuu serve", "api") from None
    # A server answers several searches at once: one encoder thread each beats two threads fighting per query
    # (2 cores, busy neighbour: query encoding p99 18 ms with 1 thread, 173 ms with 2; bench/README.md).
    # Set before the model loads, which is when OpenMP reads it.
    if a.encoder_threads:
        os.environ["OMP_NUM_THREADS"] = str(a.encoder_threads)
    else:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    # Opens the index first: a missing one fails here with its fix, not in a worker. Only these Host names are
    # answered, so a page on another site cannot read the index through DNS rebinding.
    hosts = allowed_hosts(a.host, a.allowed_hosts)
    app = create_app(a.index, allowed_hosts=hosts)
    print(f"tracuu: đang phục vụ {a.index} tại http://{a.host}:{a.port}/ (tài liệu API: /docs; "
          f"tên máy được phép: {', '.join(hosts)})", file=sys.stderr)
    run(app, a.host, a.port)  # with timeouts for idle and slow clients (tracuu_api/server.py)
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
    ad.add_argument("paths", nargs="+", help=".txt .md .html .pdf .docx .jsonl files or folders")
    rm = verb("remove", cmd_remove, "remove documents from an index by id")
    rm.add_argument("documents", nargs="+", help="document ids as shown by tracuu info")
    verb("info", cmd_info, "show an index's manifest and documents")
    ds = verb("documents", cmd_documents, "list documents with their number, type, issuer and date")
    ds.add_argument("--filter", action="append", default=[],
                    help=f"KEY=VALUE on document metadata (repeatable); keys: {FILTER_KEYS}")
    s = verb("search", cmd_search, "search passages; --queries FILE.jsonl for a batch (one JSON line per query)")
    s.add_argument("query", nargs="?", help="the question, with or without diacritics")
    s.add_argument("-k", type=_k, default=10, help=f"number of hits, 1 to {MAX_PAGE} (default 10)")
    s.add_argument("--explain", action="store_true", help="show each hit's lexical and dense ranks and scores")
    s.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid", help=MODES_HELP)
    s.add_argument("--document", action="append", default=[], help="only this document id (repeatable)")
    s.add_argument("--filter", action="append", default=[],
                   help=f"KEY=VALUE on document metadata (repeatable); keys: {FILTER_KEYS}")
    s.add_argument("--queries", help='JSONL file of {"id", "query"} lines')
    s.add_argument("--by-document", action="store_true",
                   help="which documents say it: documents (-k of them) with their best passages and how many of "
                        "their passages hold every word of the query")
    q = verb("ask", cmd_ask, "answer a question with verbatim sentences and their citations, or say nothing "
             "reliable was found")
    q.add_argument("question", help="the question, with or without diacritics")
    q.add_argument("-k", type=_k, default=5, help=f"passages to read the answer from, 1 to {MAX_PAGE} (default 5)")
    q.add_argument("--document", action="append", default=[], help="only this document id (repeatable)")
    q.add_argument("--filter", action="append", default=[],
                   help=f"KEY=VALUE on document metadata (repeatable); keys: {FILTER_KEYS}")
    q.add_argument("--include-commentary", action="store_true", help="also read commentary and web pages' "
                   "introductions (left out by default; labelled when used)")
    qt = verb("quotes", cmd_quotes, "quotable sentences on a topic, verbatim, each with a ready-to-paste citation")
    qt.add_argument("topic", help="the topic, e.g. \"chuyển đổi số\"")
    qt.add_argument("-k", type=_k, default=5, help=f"number of quotes, 1 to {MAX_PAGE} (default 5)")
    qt.add_argument("--type", help="document type code or name (NQ, Nghị quyết, KL, news...)")
    qt.add_argument("--issuer", help="issuing body, or part of its name (Bộ Chính trị, Chính phủ...)")
    qt.add_argument("--date-from", help="only documents dated on or after YYYY-MM-DD")
    qt.add_argument("--date-to", help="only documents dated on or before YYYY-MM-DD")
    qt.add_argument("--include-commentary", action="store_true", help="also quote commentary and web pages' "
                    "introductions (left out by default; labelled when used)")
    sh = verb("show", cmd_show, "show a passage (by the id printed by search, ask or quotes) with its neighbours")
    sh.add_argument("passage_id", help="a passage id, as printed by search, ask or quotes")
    sh.add_argument("--before", type=int, default=1, help="passages before it (default 1)")
    sh.add_argument("--after", type=int, default=1, help="passages after it (default 1)")
    e = verb("eval", cmd_eval, "evaluate retrieval on BEIR qrels or on gold snippets (party-dev format)")
    e.add_argument("--corpus", nargs="+", help="documents to build a temporary index from (e.g. corpus.jsonl)")
    e.add_argument("--queries", help="BEIR queries.jsonl")
    e.add_argument("--qrels", help="BEIR qrels.tsv")
    e.add_argument("--gold", help="party-dev style JSONL: query, gold snippets, kind")
    e.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid", help=MODES_HELP)
    e.add_argument("--encoder", default=None,
                   help="encoder for the temporary index: e5-small (bundled, default), st:<model or folder>, hashing")
    e.add_argument("--query-as-passage", type=float, default=None, metavar="WEIGHT",
                   help="search with this weight for reading each query as a passage too (default: the index's)")
    sv = verb("serve", cmd_serve, "serve the HTTP API and the web page (writes need $TRACUU_API_TOKEN)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sv.add_argument("--encoder-threads", type=int, default=None,
                    help="threads per query encoding (default 1, or $OMP_NUM_THREADS)")
    sv.add_argument("--allowed-hosts", default=None, metavar="NAMES",
                    help="comma-separated Host names to answer besides the bind address and localhost "
                         "(default $TRACUU_ALLOWED_HOSTS; '*' for any)")
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
