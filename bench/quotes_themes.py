"""Do quotes carry their theme? 12 themes over the shared corpus, each with what counts as carrying it.

    python bench/quotes_themes.py             # real index bench/.cache/party (see answers.py)
    python bench/answers.py --quotes          # the same after the answer tables

A quote fits when its text (bench folding) holds the theme or one of its close equivalents below: each equivalent
is a group of words that must all be there ("khoa học" and "công nghệ" for the role of science). Written before
looking at the output, from the documents' own wording. A quote is flagged as boilerplate or a fragment when it
holds "(nếu có)" or "một số nội dung khác", ends with a comma, semicolon or colon, or opens with an actor-less
administrative verb (Chủ trì, Tham gia, Phối hợp, Thực hiện, Giám sát, Kiến nghị).
"""
from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

from tracuu.evaluate import bench_fold

THEMES: dict[str, list[tuple[str, ...]]] = {
    "khát vọng phát triển đất nước": [("khát vọng",)],
    "chuyển đổi số": [("chuyển đổi số",)],
    "đổi mới sáng tạo": [("đổi mới sáng tạo",)],
    "phòng chống tham nhũng": [("tham nhũng",)],
    "đoàn kết toàn dân tộc": [("đoàn kết",)],
    "nhân tài khoa học": [("nhân tài",), ("người tài",), ("chuyên gia",), ("nhà khoa học",), ("cán bộ khoa học",),
                          ("nhân lực", "chất lượng cao")],
    "vai trò của khoa học công nghệ": [("khoa học", "công nghệ")],
    "hội nhập quốc tế": [("hội nhập quốc tế",), ("hội nhập",)],
    "kinh tế số": [("kinh tế số",)],
    "xây dựng Đảng trong sạch vững mạnh": [("xây dựng", "đảng"), ("chỉnh đốn đảng",), ("trong sạch, vững mạnh",)],
    "biến đổi khí hậu": [("biến đổi khí hậu",), ("khí hậu",)],
    "học tập quán triệt nghị quyết": [("quán triệt",), ("học tập", "nghị quyết")],
}
_FLAG = re.compile(r"\(neu co\)|mot so noi dung khac|[,;:]$|^(chu tri|tham gia|phoi hop|thuc hien|giam sat|kien nghi)\b")


def fits(text: str, equivalents: list[tuple[str, ...]]) -> bool:
    folded = bench_fold(text)
    return any(all(bench_fold(w) in folded for w in group) for group in equivalents)


def flagged(text: str) -> bool:
    return bool(_FLAG.search(bench_fold(text).strip().strip("“”\".")))


def report(index, k: int = 5) -> None:
    print(f"\n## Quotes: {len(THEMES)} themes, k = {k}\n")
    print("| theme | quotes | carry the theme | boilerplate or fragment | seconds |\n|---|---|---|---|---|")
    total = fit = bad = 0
    times, shown = [], []
    for theme, equivalents in THEMES.items():
        started = time.perf_counter()
        found = index.quotes(theme, k)
        times.append(time.perf_counter() - started)
        n_fit = sum(fits(q.shown, equivalents) for q in found)
        n_bad = sum(flagged(q.shown) for q in found)
        total, fit, bad = total + len(found), fit + n_fit, bad + n_bad
        print(f"| {theme} | {len(found)} | {n_fit} | {n_bad} | {times[-1]:.1f} |")
        shown.append((theme, found, equivalents))
    print(f"| **all** | {total} | {fit} = {fit / max(1, total):.0%} | {bad} | p50 {statistics.median(times):.1f} |")
    for theme, found, equivalents in shown:
        print(f"\n### {theme}")
        for q in found:
            mark = "" if fits(q.shown, equivalents) else " [off theme]"
            mark += " [FLAGGED]" if flagged(q.shown) else ""
            print(f"- “{' '.join(q.shown.split())}” — {q.citation.text}{mark}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from answers import open_index

    report(open_index(sys.argv[1] if len(sys.argv) > 1 else None))
