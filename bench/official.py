"""Non-official text in answers and quotes: how many ask/quotes citations point at commentary or a page's
introduction, by default and with include_commentary, and whether each of those is labelled.

    python bench/official.py                 # default encoder (e5-small), index cached in bench/.cache/party
    python bench/official.py --encoder hashing

Issue 15's examples ("năm 2045", "vai trò của khoa học công nghệ") and neighbours that reach the transcriber's
commentary in nq57_kl69_nq20-2012_bangoc.md or the web page's introduction above its NQ 57.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tracuu

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"  # the shipped documents (corpus/SOURCE.md)
QUESTIONS = ["năm 2045", "mục tiêu đến năm 2045", "vai trò của khoa học công nghệ",
             "đến năm 2045 nước ta trở thành nước gì", "khát vọng phát triển đất nước",
             "ai ký ban hành Nghị quyết 57-NQ/TW", "Tổng Bí thư Tô Lâm ký Nghị quyết về khoa học công nghệ"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default=None)
    args = ap.parse_args()
    root = HERE / ".cache" / ("party" if not args.encoder else f"party-{args.encoder}")
    report = tracuu.build([CORPUS], root, encoder=args.encoder)
    print(f"# index {root}: {report.documents} documents, {report.passages} passages, {report.encoded} encoded",
          file=sys.stderr)
    index = tracuu.open_index(root)
    print("| question | verb | default: cited | non-official | include_commentary: cited | non-official | labelled |")
    print("|---|---|---|---|---|---|---|")
    totals = [0] * 5
    for question in QUESTIONS:
        for verb in ("ask", "quotes"):
            row = []
            for include in (False, True):
                if verb == "ask":
                    answer = index.ask(question, include_commentary=include)
                    cited = list(answer.citations) if answer.answer is not None else []
                else:
                    cited = index.quotes(question, 5, include_commentary=include)
                marked = [q for q in cited if not q.citation.official or not q.document.official]
                row += [len(cited), len(marked)]
                if include:
                    row.append(sum(q.to_dict()["official"] is False and bool(q.to_dict().get("note"))
                                   for q in marked))
            totals = [t + r for t, r in zip(totals, row)]
            print(f"| {question} | {verb} | " + " | ".join(map(str, row)) + " |")
    print("| **all** | | " + " | ".join(map(str, totals)) + " |")


if __name__ == "__main__":
    main()
