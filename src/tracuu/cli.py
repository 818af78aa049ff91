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
from tracuu.vietnamese_argparse import VietnameseParser
from tracuu.errors import InvalidQueryError, MissingExtraError, TracuuError
from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries
from tracuu.building import build
from tracuu.cut import cut
from tracuu.index import MAX_PAGE, Index
from tracuu.results import kind_note
from tracuu.retrieval.encoders import DEFAULT_ENCODER
from tracuu.retrieval.filters import MetadataFilter
from tracuu.retrieval.settings import SearchSettings

DEFAULT_INDEX = os.environ.get("TRACUU_INDEX", "index/default")
# The metadata keys --filter reads (any other key of a document's metadata works too, e.g. a .jsonl field).
FILTER_KEYS = "doc_type (NQ, KL, CTr...), doc_type_name, number (57-NQ/TW), issuer, date, date_from, date_to"
FILTER_HELP = f"KHOÁ=GIÁ_TRỊ trên metadata của văn bản (dùng nhiều lần được); khoá: {FILTER_KEYS}"
MODES_HELP = ("hybrid (mặc định): kết hợp từ khoá và ngữ nghĩa; lexical: chỉ theo từ khoá (BM25, có dấu hoặc không "
              "dấu); dense: chỉ theo ngữ nghĩa (vectơ nhúng)")
ENCODERS_HELP = "tracuu-e5 (của riêng tracuu, mặc định), e5-small (mô hình gốc), st:<mô hình hoặc thư mục>, hashing"
STAGES = {"read": "đọc văn bản", "encode": "mã hoá đoạn"}
FIX_LABEL = "cách khắc phục: "  # the line under an error: "tracuu: <message>" then "  cách khắc phục: <fix>"
EVAL_LABELS = {"metrics": "chỉ số", "metrics_folded": "chỉ số, câu hỏi bỏ dấu", "as_written": "câu hỏi như đã viết",
               "folded": "câu hỏi bỏ dấu", "all": "tất cả"}


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
        raise argparse.ArgumentTypeError(f"không phải số nguyên: {text!r}") from None
    if not 1 <= k <= MAX_PAGE:
        raise argparse.ArgumentTypeError(f"phải từ 1 đến {MAX_PAGE}, nhận được {k}")
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
        raise InvalidQueryError("--query-as-passage", f"phải từ 0 đến 10, nhận được {weight}",
                                fix="dùng 1 cho câu hỏi dài, 0 (mặc định) để chỉ đọc câu hỏi một lần")
    return weight


def cmd_build(a: argparse.Namespace) -> int:
    # The encoder's own defaults (SearchSettings.for_encoder), with the one setting this command takes.
    settings = replace(SearchSettings.for_encoder(a.encoder or DEFAULT_ENCODER),
                       query_as_passage=_query_as_passage(a.query_as_passage))
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
            raise InvalidQueryError("query", "thiếu câu hỏi", fix='tracuu search "2045" --by-document --index CHỈ_MỤC')
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
        raise InvalidQueryError("query", "thiếu câu hỏi",
                                fix='tracuu search "câu hỏi" --index CHỈ_MỤC, hoặc --queries TỆP')
    hits = index.search(a.query, a.k, **opts)
    plan = index.plan(a.query)
    text = _hits_text(hits)
    if plan.restored:
        text = f"(đã thêm dấu: {plan.restored})\n{text}"
    if plan.request:
        text = f"(tìm theo chủ đề, bỏ qua lời yêu cầu «{plan.request}»)\n{text}"
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
            raise InvalidQueryError("--index", "eval cần --index hoặc --corpus", fix="đưa vào một trong hai")
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
            raise InvalidQueryError("eval", "cần --queries kèm --qrels, hoặc --gold", fix="xem tracuu eval --help")
    _emit(result, a.json, _eval_text(result))
    return 0


def _eval_text(result: dict[str, Any]) -> str:
    lines = []
    for name, table in result.items():
        lines.append(EVAL_LABELS.get(name, name))
        if "mrr@10" in table:
            lines.append("  " + "  ".join(f"{k} {v}" for k, v in table.items()))
            continue
        for kind, row in table.items():
            lines.append(f"  {EVAL_LABELS.get(kind, kind):<12}" + "  ".join(f"{k} {v}" for k, v in row.items()))
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
    p = VietnameseParser(prog="tracuu", description="Tra cứu văn bản Đảng và Nhà nước: tìm theo nghĩa, trích dẫn "
                         "đúng nguyên văn.", epilog=f"Trợ giúp của từng lệnh: tracuu LỆNH --help. Chỉ mục mặc định: "
                         f"{DEFAULT_INDEX} (hoặc $TRACUU_INDEX).")
    p.add_argument("--version", action="version", version=f"tracuu {__version__}", help="in số phiên bản rồi thoát")
    sub = p.add_subparsers(dest="command", required=True, title="lệnh", metavar="LỆNH")

    def verb(name: str, func, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        sp.add_argument("--index", default=DEFAULT_INDEX, metavar="CHỈ_MỤC",
                        help=f"thư mục chỉ mục, milvus://host:19530/tên hoặc tệp.db[/tên] "
                             f"(mặc định {DEFAULT_INDEX}, hoặc $TRACUU_INDEX)")
        sp.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
        return sp

    def filters(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--filter", action="append", default=[], metavar="KHOÁ=GIÁ_TRỊ", help=FILTER_HELP)

    def documents(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument("--document", action="append", default=[], metavar="MÃ_VĂN_BẢN",
                        help=f"chỉ {what} trong văn bản có mã này (dùng nhiều lần được)")

    paths_help = "các tệp .txt .md .html .pdf .docx .jsonl, hoặc thư mục chứa chúng"
    b = verb("build", cmd_build, "tạo (hoặc tạo lại) chỉ mục từ các tệp và thư mục")
    b.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help=paths_help)
    b.add_argument("--encoder", default=None, metavar="BỘ_MÃ_HOÁ", help=f"bộ mã hoá: {ENCODERS_HELP}")
    b.add_argument("--strict", action="store_true", help="dừng lại (không ghi gì) nếu có tệp không đọc được")
    b.add_argument("--thesaurus", metavar="TỆP", default=None,
                   help="quy tắc đồng nghĩa của riêng bạn (`người tài, nhân tài` hoặc `đốt lò => phòng chống tham "
                        "nhũng`, mỗi dòng một quy tắc), thêm vào từ điển đồng nghĩa có sẵn và lưu trong chỉ mục")
    b.add_argument("--query-as-passage", type=float, default=0.0, metavar="TRỌNG_SỐ",
                   help="tìm theo ngữ nghĩa còn đọc mỗi câu hỏi như một đoạn văn, với trọng số này (1 cho câu hỏi "
                        "dài, như hỏi đáp pháp luật; thời gian mã hoá câu hỏi tăng gấp đôi)")
    ad = verb("add", cmd_add, "thêm văn bản mới hoặc đã sửa vào chỉ mục (văn bản không đổi không phải mã hoá lại)")
    ad.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help=paths_help)
    rm = verb("remove", cmd_remove, "xoá văn bản khỏi chỉ mục theo mã")
    rm.add_argument("documents", nargs="+", metavar="MÃ_VĂN_BẢN",
                    help="mã văn bản, như tracuu info hoặc tracuu documents in ra")
    verb("info", cmd_info, "xem thông tin chỉ mục (manifest) và các văn bản trong đó")
    ds = verb("documents", cmd_documents, "liệt kê văn bản cùng số hiệu, loại, cơ quan ban hành và ngày")
    filters(ds)
    s = verb("search", cmd_search, "tìm đoạn văn; --queries TỆP.jsonl để tìm hàng loạt (mỗi câu hỏi một dòng JSON)")
    s.add_argument("query", nargs="?", metavar="CÂU_HỎI", help="câu hỏi, có dấu hoặc không dấu")
    s.add_argument("-k", type=_k, default=10, help=f"số kết quả, từ 1 đến {MAX_PAGE} (mặc định 10)")
    s.add_argument("--explain", action="store_true", help="cho xem hạng và điểm theo từ khoá, theo ngữ nghĩa và "
                   "điểm tổng của từng kết quả")
    s.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid", help=MODES_HELP)
    documents(s, "tìm")
    filters(s)
    s.add_argument("--queries", metavar="TỆP", help='tệp JSONL, mỗi dòng một {"id", "query"}')
    s.add_argument("--by-document", action="store_true",
                   help="văn bản nào nói về nội dung này: các văn bản (-k văn bản) kèm những đoạn phù hợp nhất, và "
                        "số đoạn của mỗi văn bản có đủ mọi từ của câu hỏi")
    q = verb("ask", cmd_ask, "trả lời câu hỏi bằng những câu nguyên văn kèm trích dẫn, hoặc báo không tìm thấy gì "
             "đủ tin cậy")
    q.add_argument("question", metavar="CÂU_HỎI", help="câu hỏi, có dấu hoặc không dấu")
    q.add_argument("-k", type=_k, default=5, help=f"số đoạn đọc để tìm câu trả lời, từ 1 đến {MAX_PAGE} (mặc định 5)")
    documents(q, "đọc")
    filters(q)
    q.add_argument("--include-commentary", action="store_true", help="đọc cả bình luận và lời giới thiệu của trang "
                   "đăng tải (mặc định bỏ qua; có nhãn khi dùng)")
    qt = verb("quotes", cmd_quotes, "những câu đáng trích về một chủ đề, nguyên văn, mỗi câu kèm trích dẫn sẵn để dán")
    qt.add_argument("topic", metavar="CHỦ_ĐỀ", help="chủ đề, ví dụ \"chuyển đổi số\"")
    qt.add_argument("-k", type=_k, default=5, help=f"số câu trích, từ 1 đến {MAX_PAGE} (mặc định 5)")
    qt.add_argument("--type", metavar="LOẠI", help="mã hoặc tên loại văn bản (NQ, Nghị quyết, KL, news...)")
    qt.add_argument("--issuer", metavar="CƠ_QUAN", help="cơ quan ban hành, hoặc một phần tên (Bộ Chính trị, Chính "
                    "phủ...)")
    qt.add_argument("--date-from", metavar="NGÀY", help="chỉ văn bản ban hành từ ngày YYYY-MM-DD trở đi")
    qt.add_argument("--date-to", metavar="NGÀY", help="chỉ văn bản ban hành đến hết ngày YYYY-MM-DD")
    qt.add_argument("--include-commentary", action="store_true", help="trích cả bình luận và lời giới thiệu của "
                    "trang đăng tải (mặc định bỏ qua; có nhãn khi dùng)")
    sh = verb("show", cmd_show, "xem một đoạn (theo mã mà search, ask hoặc quotes in ra) cùng các đoạn liền kề")
    sh.add_argument("passage_id", metavar="MÃ_ĐOẠN", help="mã đoạn, như search, ask hoặc quotes in ra")
    sh.add_argument("--before", type=int, default=1, metavar="SỐ", help="số đoạn đứng trước (mặc định 1)")
    sh.add_argument("--after", type=int, default=1, metavar="SỐ", help="số đoạn đứng sau (mặc định 1)")
    e = verb("eval", cmd_eval, "đánh giá kết quả tìm trên qrels BEIR hoặc trên các đoạn trích chuẩn (định dạng "
             "party-dev)")
    e.add_argument("--corpus", nargs="+", metavar="ĐƯỜNG_DẪN",
                   help="văn bản để tạo một chỉ mục tạm (ví dụ corpus.jsonl)")
    e.add_argument("--queries", metavar="TỆP", help="tệp queries.jsonl của BEIR")
    e.add_argument("--qrels", metavar="TỆP", help="tệp qrels.tsv của BEIR")
    e.add_argument("--gold", metavar="TỆP", help="JSONL kiểu party-dev: query, các đoạn trích chuẩn (gold), kind")
    e.add_argument("--mode", choices=["hybrid", "lexical", "dense"], default="hybrid", help=MODES_HELP)
    e.add_argument("--encoder", default=None, metavar="BỘ_MÃ_HOÁ", help=f"bộ mã hoá cho chỉ mục tạm: {ENCODERS_HELP}")
    e.add_argument("--query-as-passage", type=float, default=None, metavar="TRỌNG_SỐ",
                   help="tìm với trọng số này cho việc đọc cả câu hỏi như một đoạn văn (mặc định: theo chỉ mục)")
    sv = verb("serve", cmd_serve, "chạy HTTP API và trang web (muốn ghi cần $TRACUU_API_TOKEN)")
    sv.add_argument("--host", default="127.0.0.1", metavar="ĐỊA_CHỈ", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, metavar="CỔNG", help="cổng (mặc định 8000)")
    sv.add_argument("--encoder-threads", type=int, default=None, metavar="SỐ_LUỒNG",
                    help="số luồng cho mỗi lần mã hoá câu hỏi (mặc định 1, hoặc $OMP_NUM_THREADS)")
    sv.add_argument("--allowed-hosts", default=None, metavar="TÊN_MÁY",
                    help="các tên máy (Host) được trả lời ngoài địa chỉ lắng nghe và localhost, cách nhau bằng dấu "
                         "phẩy (mặc định $TRACUU_ALLOWED_HOSTS; '*' cho mọi tên)")
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
            print(f"  {FIX_LABEL}{exc.fix}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ntracuu: đã dừng; chỉ mục vẫn như trước lệnh này", file=sys.stderr)
        return 130
