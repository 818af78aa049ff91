"""Answer quality on the calibration set and party-dev: precision, coverage, abstention, reliability, latency.

    python bench/answers.py                      # real index: bench/.cache/party (copy it from /work/main, README)
    python bench/answers.py --encoder hashing    # quick dry run on an index built here
    python bench/answers.py --folded             # also ask every question typed without diacritics
    python bench/answers.py --quotes             # also the quote themes of bench/quotes_themes.py

Groups: party-dev (../shared/bench, tuned on), calibration `tune` (tuned on), calibration `held-out` (never fitted
on, but read while developing), `fresh` (calibration-fresh.jsonl: written after issue 15's follow-up, reported once,
then its misses were fixed: no longer unseen), `fresh2` (calibration-fresh2.jsonl: written before those fixes, never
fitted on; read while session 10 changed ask: calibration.md), `fresh3` (calibration-fresh3.jsonl: written in session
10 before its changes to ask, never fitted or tuned on), and the everyday no-answer questions below (tuned on). An
answer is right when its text contains a gold snippet under the bench folding (../shared/bench/README.md); a comparison
is right only when it contains every gold snippet (one per document compared). A table row is also read without its
column names: the calibration golds for rows ("Quy mô kinh tế số | % GDP | ≥ 50") were written before rows were
shown with them ("Chỉ tiêu: Quy mô kinh tế số | Đơn vị: % GDP | Kết quả: ≥ 50").
- precision: right among `answered`; coverage: right among answerable; abstention: unanswerable not `answered`
  (a `low_confidence` sentence is shown labelled, so it is no answer; the strict column counts `not_found` only).
- reliability: every question that returned a sentence, binned by confidence, against how often it was right.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import tracuu
from tracuu.evaluate import bench_fold, read_jsonl

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CORPUS = HERE.parent / "corpus"  # the shipped documents (corpus/SOURCE.md); only the question sets stay in ../shared
CACHE = HERE / ".cache"
CALIBRATION = HERE / "calibration.jsonl"
FRESH = HERE / "calibration-fresh.jsonl"
FRESH2 = HERE / "calibration-fresh2.jsonl"  # written after the fresh set was tuned on (calibration.md)
FRESH3 = HERE / "calibration-fresh3.jsonl"  # written before session 10's changes to ask (calibration.md)

# Everyday questions the corpus cannot answer; the last two share words with it ("tối thiểu", "bắt buộc").
NO_ANSWER = [
    "giá vàng hôm nay", "đội tuyển bóng đá Việt Nam vô địch AFF Cup năm nào", "thời tiết Hà Nội ngày mai",
    "cách nấu phở bò", "tỷ giá đô la Mỹ hôm nay", "mức phạt vượt đèn đỏ xe ô tô", "thu tuc cap ho chieu pho thong",
    "học phí đại học năm 2025", "luật hôn nhân và gia đình quy định tuổi kết hôn",
    "Lương tối thiểu vùng năm 2026 là bao nhiêu", "bảo hiểm xe máy bắt buộc giá bao nhiêu",
]
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.01)


def questions() -> list[dict]:
    """Every question with its group: party-dev, tune, held-out, fresh, fresh2, fresh3, everyday."""
    rows = [dict(r, group="party-dev") for r in read_jsonl(SHARED / "bench" / "party-dev.jsonl")]
    rows += [dict(r, group=r["split"]) for r in read_jsonl(CALIBRATION)]
    rows += [dict(r, group="fresh") for r in read_jsonl(FRESH)]
    rows += [dict(r, group="fresh2") for r in read_jsonl(FRESH2)]
    rows += [dict(r, group="fresh3") for r in read_jsonl(FRESH3)]
    rows += [{"id": f"x{n:02d}", "query": q, "gold": [], "kind": "no-answer", "group": "everyday"}
             for n, q in enumerate(NO_ANSWER, start=1)]
    return rows


# A cell's column name: "| Đơn vị: % GDP" -> "| % GDP" (at the start of a cell only).
COLUMN_NAME = re.compile(r"(^|\|)\s*[^|:\n]{1,60}?:\s")


def is_right(row: dict, text: str | None) -> bool:
    if not text or not row["gold"]:
        return False
    readings = (bench_fold(text), bench_fold(COLUMN_NAME.sub(r"\1 ", text)))
    found = [any(bench_fold(g) in reading for reading in readings) for g in row["gold"]]
    return all(found) if row["kind"] == "comparison" else any(found)


def status_of(answer) -> str:
    # `status` is new (issue 15); before it an answer was either given or withheld.
    return getattr(answer, "status", None) or ("answered" if answer.answer is not None else "not_found")


def open_index(encoder: str | None) -> tracuu.Index:
    """The shipped corpus, built once into the bench cache (a rebuild re-encodes nothing unchanged)."""
    root = CACHE / ("party" if not encoder else f"party-{encoder}")
    report = tracuu.build([CORPUS], root, encoder=encoder)
    print(f"# index {root}: {report.documents} documents, {report.passages} passages, {report.encoded} encoded",
          file=sys.stderr)
    return tracuu.open_index(root)


def run(index: tracuu.Index, rows: list[dict], folded: bool) -> list[dict]:
    out = []
    for row in rows:
        query = bench_fold(row["query"]) if folded else row["query"]
        started = time.perf_counter()
        a = index.ask(query)
        took = time.perf_counter() - started
        status = status_of(a)
        shown = a.answer if status != "not_found" else None
        out.append(dict(row, form="folded" if folded else "as written", status=status,
                        confidence=a.confidence, right=is_right(row, shown), seconds=took,
                        text=(shown or a.message or "").replace("\n", " ")))
    return out


def summary(results: list[dict], label: str) -> str:
    ans = [r for r in results if r["gold"]]
    none = [r for r in results if not r["gold"]]
    answered = [r for r in results if r["status"] == "answered"]
    right = sum(r["right"] for r in answered)
    wrong = sorted((r["confidence"] for r in answered if not r["right"]), reverse=True)
    low = [r for r in results if r["status"] == "low_confidence"]
    return (f"| {label} | {len(ans)}+{len(none)} | {right}/{len(answered)} = {right / max(1, len(answered)):.2f} | "
            f"{right}/{len(ans)} = {right / max(1, len(ans)):.2f} | "
            f"{sum(r['status'] != 'answered' for r in none)}/{len(none)} = "
            f"{sum(r['status'] != 'answered' for r in none) / max(1, len(none)):.2f} | "
            f"{sum(r['status'] == 'not_found' for r in none)}/{len(none)} | "
            f"{len(low)} ({sum(r['right'] for r in low)} right) | {', '.join(f'{c:.2f}' for c in wrong) or '-'} |")


def reliability(results: list[dict]) -> list[str]:
    shown = [r for r in results if r["status"] != "not_found"]
    lines = ["| confidence | sentences shown | right | observed accuracy |", "|---|---|---|---|"]
    for lo, hi in zip(BINS, BINS[1:]):
        inside = [r for r in shown if lo <= r["confidence"] < hi]
        if inside:
            acc = sum(r["right"] for r in inside) / len(inside)
            lines.append(f"| {lo:.1f}-{min(hi, 1.0):.1f} | {len(inside)} | {sum(r['right'] for r in inside)} | "
                         f"{acc:.2f} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default=None)
    ap.add_argument("--folded", action="store_true", help="also ask each question without diacritics")
    ap.add_argument("--quotes", action="store_true", help="also measure the quote themes")
    ap.add_argument("--json", type=Path, help="write every result row here")
    args = ap.parse_args()
    index = open_index(args.encoder)
    index.ask("khởi động")  # load the model outside the timings
    rows = questions()
    results = run(index, rows, folded=False)
    if args.folded:
        results += run(index, [r for r in rows if r["kind"] != "unaccented"], folded=True)
    print(f"encoder {index.manifest.encoder['name']}; {len(rows)} questions\n")
    print("| group | answerable+unanswerable | precision | coverage | abstention | strict abstention | "
          "low confidence | confidence of each wrong answer |")
    print("|---|---|---|---|---|---|---|---|")
    for form in ("as written", "folded") if args.folded else ("as written",):
        mine = [r for r in results if r["form"] == form]
        suffix = "" if form == "as written" else " (folded)"
        for group in ("party-dev", "tune", "held-out", "fresh", "fresh2", "fresh3", "everyday"):
            print(summary([r for r in mine if r["group"] == group], group + suffix))
        print(summary([r for r in mine if r["group"] in ("party-dev", "held-out")], "**held-out + party-dev**"
                      + suffix))
        print(summary([r for r in mine if r["group"] in ("party-dev", "tune", "everyday")], "tuning data" + suffix))
        print(summary([r for r in mine if r["group"] in ("party-dev", "tune", "held-out")],
                      "calibration (both halves) + party-dev" + suffix))
    print("\n## Reliability (as written, all groups)\n")
    print("\n".join(reliability([r for r in results if r["form"] == "as written"])))
    lat = sorted(r["seconds"] for r in results)
    print(f"\nask latency: p50 {statistics.median(lat) * 1000:.0f} ms, p95 {lat[int(0.95 * len(lat))] * 1000:.0f} ms")
    print("\n| form | id | kind | status | right | conf | answer (first 90 chars) |\n|---|---|---|---|---|---|---|")
    for r in results:
        text = r["text"].replace("|", "¦")[:90]
        print(f"| {r['form']} | {r['id']} | {r.get('near_miss', r['kind'])} | {r['status']} | "
              f"{'yes' if r['right'] else '-'} | {r['confidence']:.2f} | {text} |")
    if args.json:
        args.json.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in results) + "\n")
    if args.quotes:
        import quotes_themes
        quotes_themes.report(index)


if __name__ == "__main__":
    main()
