"""Turn the hand-written questions in training/written/*.txt into training/data/pairs-corpus.jsonl, adding
typed-without-diacritics and abbreviated variants of them. Deterministic: fixed seed, files read in name order.

Written file format (one document per file; blank lines and lines starting with '#' are ignored):
    @ <document file name>                 the document the following snippets come from
    = <verbatim snippet>                   a gold snippet; consecutive '=' lines give one question several golds
    <k>: <question>                        a question answered by the snippets above it
where <k> is p (paraphrase), c (colloquial), a (abbrev), u (unaccented), s (short), l (long), t (theme), f (formal).

Run: python training/make_variants.py
"""
from __future__ import annotations

import random
import re
from pathlib import Path

from tracuu.text.analyzer import fold

from check_data import default_shared, part_of, write_rows

HERE = Path(__file__).resolve().parent
WRITTEN = HERE / "written"
OUT = HERE / "data" / "pairs-corpus.jsonl"
SEED = 14
KIND_CODES = {"p": "paraphrase", "c": "colloquial", "a": "abbrev", "u": "unaccented", "s": "short", "l": "long",
              "t": "theme", "f": "formal"}
UNACCENTED_SHARE = 0.45
ABBREV_SHARE = 0.7
# Abbreviations typed without marks too ("nq57 ve cds"): a share of the abbreviated questions, written or derived.
ABBREV_UNACCENTED_SHARE = 0.3

# Long forms to the abbreviations cadres type (longest first, so "Ban Chấp hành Trung ương" wins over
# "Trung ương"). Only forms that the documents or their readers really use.
ABBREVIATIONS = [
    ("Ban Chấp hành Trung ương", "BCHTW"), ("Bộ Chính trị", "BCT"), ("Ban Bí thư", "BBT"),
    ("Ban Chỉ đạo", "BCĐ"), ("Tổng Bí thư", "TBT"), ("Thủ tướng Chính phủ", "TTCP"), ("Thủ tướng", "TTg"),
    ("Nghị quyết", "NQ"), ("Kết luận", "KL"), ("Chỉ thị", "CT"), ("Kế hoạch", "KH"),
    ("khoa học và công nghệ", "KH&CN"), ("khoa học, công nghệ", "KH,CN"), ("khoa học công nghệ", "KHCN"),
    ("đổi mới sáng tạo", "ĐMST"), ("chuyển đổi số", "CĐS"), ("trí tuệ nhân tạo", "AI"),
    ("nghiên cứu và phát triển", "R&D"), ("cơ sở dữ liệu", "CSDL"), ("công nghệ thông tin", "CNTT"),
    ("kinh tế - xã hội", "KT-XH"), ("kinh tế xã hội", "KTXH"), ("xã hội chủ nghĩa", "XHCN"),
    ("công nghiệp hóa, hiện đại hóa", "CNH, HĐH"), ("công nghiệp hoá, hiện đại hoá", "CNH, HĐH"),
    ("hệ thống chính trị", "HTCT"), ("cán bộ, đảng viên", "CB, ĐV"), ("cán bộ đảng viên", "CBĐV"),
    ("Mặt trận Tổ quốc", "MTTQ"), ("Ủy ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"),
    ("doanh nghiệp nhà nước", "DNNN"), ("doanh nghiệp", "DN"), ("Chính phủ", "CP"), ("Quốc hội", "QH"),
    ("Trung ương", "TW"), ("thành phố", "TP"), ("Hà Nội", "HN"), ("Việt Nam", "VN"), ("nhà nước", "NN"),
    ("Bộ luật Dân sự", "BLDS"), ("Bộ luật Hình sự", "BLHS"), ("Bộ luật Lao động", "BLLĐ"),
    ("Bộ luật Tố tụng dân sự", "BLTTDS"), ("Bộ luật Tố tụng hình sự", "BLTTHS"), ("Bộ luật Hàng hải", "BLHH"),
    ("người sử dụng lao động", "NSDLĐ"), ("người lao động", "NLĐ"), ("hợp đồng lao động", "HĐLĐ"),
    ("bảo hiểm xã hội", "BHXH"), ("bảo hiểm y tế", "BHYT"), ("Tòa án nhân dân", "TAND"),
    ("Viện kiểm sát nhân dân", "VKSND"), ("Viện kiểm sát", "VKS"), ("trách nhiệm hình sự", "TNHS"),
]
_ABBREV_PATTERNS = [(re.compile(r"(?<!\w)" + re.escape(long) + r"(?!\w)", re.IGNORECASE), short)
                    for long, short in sorted(ABBREVIATIONS, key=lambda p: -len(p[0]))]


def abbreviate(query: str) -> str:
    """The query with every long form it contains shortened; unchanged when it contains none."""
    for pattern, short in _ABBREV_PATTERNS:
        query = pattern.sub(short, query)
    return query


def unaccent(query: str, rng: random.Random) -> str:
    """How people type without a Vietnamese keyboard: no marks, đ as d, often all lower-case."""
    plain = fold(query)
    return plain.lower() if rng.random() < 0.6 else plain


def written_lines(path: Path):
    """(line number, tag, text) of a written file: tag "@" (a document), "=" (a gold snippet) or a question's kind
    (KIND_CODES' value); comments and blank lines skipped, anything else refused with its line number."""
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line[:2] in ("@ ", "= "):
            yield n, line[0], line[2:].strip()
        elif len(line) > 2 and line[1] == ":" and line[0] in KIND_CODES:
            yield n, KIND_CODES[line[0]], line[2:].strip()
        else:
            raise ValueError(f"{path.name}:{n}: cannot read {line[:40]!r}")


def parse_written(path: Path, shared: Path | None = None) -> list[dict]:
    """Rows of one written file; `doc` becomes the id tracuu gives the document that holds the snippets (a file
    holding several documents, like nq57_kl69_nq20-2012_bangoc.md, is split into '<name>#<n>')."""
    shared = shared or default_shared()
    rows, doc, golds, asked = [], None, [], True
    for n, tag, text in written_lines(path):
        if tag == "@":
            doc, golds = text, []
        elif tag == "=":
            if asked:  # a snippet after questions starts a new passage
                golds, asked = [], False
            golds.append(text)
        else:
            if doc is None or not golds:
                raise ValueError(f"{path.name}:{n}: question before any '@ doc' and '= snippet'")
            rows.append({"query": text, "gold": list(golds), "doc": part_of(shared, doc, golds[0]),
                         "kind": tag, "source": "corpus"})
            asked = True
    return rows


def with_variants(written: list[dict], seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    seen = {r["query"] for r in written}
    out = []
    for row in written:
        out.append(row)
        if row["kind"] in ("unaccented", "abbrev"):
            continue
        variants = []
        if rng.random() < ABBREV_SHARE:
            variants.append((abbreviate(row["query"]), "abbrev"))
        if rng.random() < UNACCENTED_SHARE:
            variants.append((unaccent(row["query"], rng), "unaccented"))
        for query, kind in variants:
            if query not in seen:  # an unchanged query (nothing to shorten, no marks) adds nothing
                seen.add(query)
                out.append({**row, "query": query, "kind": kind})
    # A second, seeded pass so that adding it left the variants above unchanged.
    rng = random.Random(seed + 1)
    for row in list(out):
        if row["kind"] == "abbrev" and rng.random() < ABBREV_UNACCENTED_SHARE:
            query = unaccent(row["query"], rng)
            if query not in seen:
                seen.add(query)
                out.insert(out.index(row) + 1, {**row, "query": query, "kind": "unaccented"})
    return out


def main() -> None:
    written = [row for path in sorted(WRITTEN.glob("*.txt")) for row in parse_written(path)]
    rows = with_variants(written)
    OUT.parent.mkdir(exist_ok=True)
    write_rows(OUT, rows)
    print(f"{len(written)} written questions, {len(rows) - len(written)} variants -> {OUT}")


if __name__ == "__main__":
    main()
