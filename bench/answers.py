"""Answer and quote quality over the shared corpus: gold containment, abstention, verbatim checks, sample quotes.

    python bench/answers.py                      # default encoder (e5-small), index cached in bench/.cache/answers-party
    python bench/answers.py --encoder hashing    # quick dry run

An answer counts when its text contains a gold snippet under the bench folding (../shared/bench/README.md);
no-answer questions (party-dev `no-answer` plus the ones below) count when `ask` abstains.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import tracuu
from tracuu.evaluate import bench_fold, read_gold

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CORPUS = HERE.parent / "corpus"  # the shipped documents (corpus/SOURCE.md); only the question sets stay in ../shared
CACHE = HERE / ".cache"

# Questions the corpus cannot answer; the last two share words with it ("tối thiểu", "bắt buộc", "thuế").
NO_ANSWER = [
    "giá vàng hôm nay", "đội tuyển bóng đá Việt Nam vô địch AFF Cup năm nào", "thời tiết Hà Nội ngày mai",
    "cách nấu phở bò", "tỷ giá đô la Mỹ hôm nay", "mức phạt vượt đèn đỏ xe ô tô", "thu tuc cap ho chieu pho thong",
    "học phí đại học năm 2025", "luật hôn nhân và gia đình quy định tuổi kết hôn",
    "Lương tối thiểu vùng năm 2026 là bao nhiêu", "bảo hiểm xe máy bắt buộc giá bao nhiêu",
]
TOPICS = ["đoàn kết toàn dân tộc", "chuyển đổi số", "phòng chống tham nhũng", "đổi mới sáng tạo",
          "xây dựng Đảng trong sạch vững mạnh", "nhân tài khoa học công nghệ", "hội nhập quốc tế",
          "phát triển kinh tế tư nhân", "học tập quán triệt nghị quyết", "vai trò của doanh nghiệp"]


def verbatim_errors(index: tracuu.Index, quotes) -> int:
    return sum(q.text != index.document_text(q.document.id)[q.char_start:q.char_end] for q in quotes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default=None)
    ap.add_argument("--quotes", type=int, default=3, help="quotes per topic")
    args = ap.parse_args()
    root = CACHE / ("answers-party" if not args.encoder else f"answers-party-{args.encoder}")
    report = tracuu.build([CORPUS], root, encoder=args.encoder)
    print(f"# index {root}: {report.documents} documents, {report.passages} passages, {report.encoded} encoded",
          file=sys.stderr)
    index = tracuu.open_index(root)
    index.ask("khởi động")  # load the model outside the timings
    gold = read_gold(SHARED / "bench" / "party-dev.jsonl")
    questions = [(q.id, q.kind, q.query, q.gold) for q in gold]
    questions += [(f"x{n:02d}", "no-answer", text, ()) for n, text in enumerate(NO_ANSWER, start=1)]
    rows, mismatches, latencies = [], 0, []
    for form in ("as written", "folded"):
        for qid, kind, text, snippets in questions:
            query = text if form == "as written" else bench_fold(text)
            started = time.perf_counter()
            a = index.ask(query)
            latencies.append(time.perf_counter() - started)
            mismatches += verbatim_errors(index, a.citations)
            found = a.answer is not None and any(bench_fold(s) in bench_fold(a.answer) for s in snippets)
            rows.append((form, qid, kind, a, found))
    print("| form | answerable: answer contains gold | answered wrongly | abstained | no-answer: abstained |")
    print("|---|---|---|---|---|")
    for form in ("as written", "folded"):
        mine = [r for r in rows if r[0] == form]
        ans = [r for r in mine if r[2] != "no-answer"]
        none = [r for r in mine if r[2] == "no-answer"]
        print(f"| {form} | {sum(r[4] for r in ans)}/{len(ans)} | "
              f"{sum(r[3].answer is not None and not r[4] for r in ans)} | {sum(r[3].answer is None for r in ans)} | "
              f"{sum(r[3].answer is None for r in none)}/{len(none)} |")
    lat = sorted(latencies)
    print(f"\nask latency: p50 {statistics.median(lat) * 1000:.0f} ms, p95 {lat[int(0.95 * len(lat))] * 1000:.0f} ms "
          f"(encoder {index.manifest.encoder['name']})")
    print("\n| form | id | kind | ok | conf | answer (first 100 chars) |\n|---|---|---|---|---|---|")
    for form, qid, kind, a, found in rows:
        ok = ("abstained" if a.answer is None else "ANSWERED") if kind == "no-answer" else \
            ("yes" if found else ("abstained" if a.answer is None else "no"))
        text = (a.answer or a.message or "").replace("\n", " ").replace("|", "¦")[:100]
        print(f"| {form} | {qid} | {kind} | {ok} | {a.confidence:.2f} | {text} |")
    print("\n## Quotes")
    for topic in TOPICS:
        started = time.perf_counter()
        found = index.quotes(topic, args.quotes)
        took = time.perf_counter() - started
        mismatches += verbatim_errors(index, found)
        print(f"\n### {topic} ({took:.1f} s)")
        for q in found:
            who = f"{q.speaker}: " if q.speaker else ""
            print(f"- {who}“{' '.join(q.text.split())}” — {q.citation.text}")
    print(f"\nverbatim mismatches (answers, closest passages and quotes): {mismatches}")


if __name__ == "__main__":
    main()
