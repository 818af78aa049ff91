"""Legacy encodings (TCVN3, VNI, VISCII): tables, round trips, detection, repair, broken-text warnings, ingestion."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import tracuu
from tracuu.text import legacy_encodings
from tracuu.text.legacy_encodings import convert, detect, encode, quality_warnings, repair, repair_runs
from tracuu.text.legacy_encoding_tables import LETTERS, TCVN3, VISCII, is_syllable
from tracuu.ingest.readers import read_file

from helpers import CORPUS

SAMPLES = [
    "Ủy ban nhân dân thành phố Hà Nội",
    "Báo cáo tài chính",
    "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII",
    "Đảng Cộng sản Việt Nam",
]
TEXT = ("Ủy ban nhân dân thành phố Hà Nội báo cáo kết quả thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần "
        "thứ XIII của Đảng Cộng sản Việt Nam. Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
        "là đột phá quan trọng hàng đầu; quyết liệt, kiên trì thực hiện những nhiệm vụ trọng tâm.\n")
ENCODINGS = ("tcvn3", "vni", "viscii")


def tcvn3_expected(text: str) -> str:
    """What TCVN3 can give back: capitals with a tone mark (not Ă Â Ê Ô Ơ Ư Đ) come back lowercase."""
    kept = set(TCVN3.values())
    return "".join(ch if ch.isascii() or ch in kept else ch.lower() for ch in unicodedata.normalize("NFC", text))


def test_every_vietnamese_letter_is_in_the_tables():
    assert len(LETTERS) == 134  # 12 vowels x 5 tones + ă â ê ô ơ ư đ, lowercase and capital
    assert len(VISCII) == 134 and len(TCVN3) == 74  # TCVN3: 67 lowercase + 7 capitals without tone


@pytest.mark.skipif(shutil.which("iconv") is None, reason="needs iconv (glibc) as a second source")
@pytest.mark.parametrize("charset, table", [("VISCII", VISCII), ("TCVN5712-1", TCVN3)])
def test_tables_agree_with_glibc(charset: str, table: dict[int, str]):
    # glibc's VISCII is RFC 1456; its TCVN5712-1 is level VN1, a superset of the VN3 bytes TCVN3 fonts use.
    data = bytes(sorted(table))
    out = subprocess.run(["iconv", "-f", charset, "-t", "UTF-8"], input=data, capture_output=True, check=True)
    assert unicodedata.normalize("NFC", out.stdout.decode()) == "".join(table[b] for b in data)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("text", [*SAMPLES, LETTERS])
@pytest.mark.parametrize("codepage", ["latin-1", "cp1252"])
def test_round_trip(encoding: str, text: str, codepage: str):
    # Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: tools pass them through as C1 controls.
    surface = "".join(bytes([b]).decode(codepage, errors="ignore") or chr(b) for b in encode(text, encoding))
    expected = tcvn3_expected(text) if encoding == "tcvn3" else text
    assert convert(surface, encoding) == expected


def test_known_tcvn3_mojibake():
    assert convert("Uû ban nh©n d©n", "tcvn3") == "Uỷ ban nhân dân"
    assert convert("B¸o c¸o tµi chÝnh", "tcvn3") == "Báo cáo tài chính"
    assert detect("Uû ban nh©n d©n") == "tcvn3"
    assert detect("B¸o c¸o tµi chÝnh") == "tcvn3"


def test_vni_is_base_letter_plus_mark():
    assert encode("Ủy ban nhân dân", "vni") == "UÛy ban nhaân daân".encode("latin-1")
    assert convert("Baùo caùo taøi chính", "vni") == "Báo cáo tài chính"
    assert convert("aú AÚ", "vni") == "ẳ Ẳ"  # the breve-hook pair a table built from samples tends to miss


def test_tcvn3_glyph_names_from_pdf():
    # A PDF set in .VnTime may give U+2212 for ư (byte 0xAD); between digits it stays a minus sign.
    assert convert("nhµ n\u2212íc, 5 \u2212 3", "tcvn3") == "nhà nước, 5 \u2212 3"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_detects_each_encoding(encoding: str):
    assert detect(encode(TEXT, encoding).decode("latin-1")) == encoding


@pytest.mark.parametrize("text", [
    TEXT, unicodedata.normalize("NFD", TEXT), TEXT.upper(),
    "The committee approved the résumé of the café owner in São Paulo and Zürich. Ñandú, façade, naïve.",
    "Nghi\u0323 quyê\u0301t cu\u0309a Bô\u0323 Chi\u0301nh tri\u0323",  # Windows-1258 style (combining tones)
])
def test_does_not_fire_on_unicode_or_english(text: str):
    assert detect(text) is None
    assert repair(text) == (text, [])


def test_font_names_decide():
    assert detect("abc", [".VnTime"]) == "tcvn3"
    assert detect("abc", ["/ABCDEF+.VnTimeH"]) == "tcvn3"
    assert detect("abc", ["VNI-Times"]) == "vni"
    assert detect("abc", ["VISCII Times"]) == "viscii"
    assert detect("abc", ["Times New Roman", "Arial"]) is None
    assert legacy_encodings.capitals_font(".VnTimeH") and legacy_encodings.capitals_font("ABCDEF+.VnArialH,Bold")
    assert not legacy_encodings.capitals_font(".VnTime")


def test_tcvn3_repair_reports_lossy_capitals_and_restores_what_it_can():
    source = "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI\nSố: 15/NQ-TU\n\nỦy ban nhân dân thành phố Hà Nội. Ở đâu?\n"
    text, report = repair(encode(source, "tcvn3").decode("latin-1"))
    assert text == source  # every capital comes back here: the heading's ASCII capitals, the sentence starts
    assert len(report) == 1 and "TCVN3 → Unicode" in report[0] and "chữ hoa có dấu có thể bị mất" in report[0]
    # "Sè" alone may be "Số" or "SỐ": left lowercase.
    assert repair(encode("Số: 15/NQ-TU ủy ban nhân dân", "tcvn3").decode("latin-1"))[0].startswith("Số: 15/NQ-TU")


def test_capitals_font_gives_capitals():
    text, report = repair(encode("ủy ban nhân dân", "tcvn3").decode("latin-1"), [".VnTimeH"])
    assert text == "ỦY BAN NHÂN DÂN" and "phông chữ hoa" in report[0]


def test_repair_runs_converts_only_legacy_runs():
    heading = encode("ủy ban nhân dân", "tcvn3").decode("latin-1")
    body = encode("Báo cáo tài chính", "vni").decode("latin-1")
    page = f"{heading}\nHà Nội, café\n{body[:3]}{body[3:]}\n"
    runs = [(heading + "\n", "/ABCDEF+.VnTimeH"), ("Hà Nội, café\n", "/Times-Roman"),
            (body[:3], "/VNI-Times"), (body[3:] + "\n", "/VNI-Times")]  # a VNI letter split across two runs
    text, report = repair_runs(page, runs)
    assert text == "ỦY BAN NHÂN DÂN\nHà Nội, café\nBáo cáo tài chính\n"
    assert any("TCVN3" in line and ".VnTimeH" in line for line in report)
    assert any("VNI" in line for line in report)


def test_legacy_font_over_text_already_unicode_is_left_alone():
    # Some PDF makers write a correct ToUnicode map for .VnTime: converting again would spoil "nhân" into "nhõn".
    assert detect(TEXT, [".VnTime"]) is None
    text, report = repair_runs(TEXT, [(TEXT, "/.VnTime")])
    assert text == TEXT and "đã là Unicode" in report[0]


def test_spelling():
    for word in ["quốc", "quyết", "quỳnh", "gì", "giếng", "nghiêng", "kỹ", "huỳnh", "khuya", "thuở", "Việt", "ĐẢNG"]:
        assert is_syllable(word), word
    for word in ["cơng", "thơng", "cĩ", "CƠNG", "ngiêng", "kan", "hat", "Viê"]:
        assert not is_syllable(word), word


def test_quality_warnings_on_broken_text():
    broken = "CƠNG NGHỆ thơng tin cĩ vai trò quan trọng. Bộ Khoa học và Cơng nghệ thơng báo kết quả."
    (line,) = quality_warnings(broken)
    assert "sai chính tả" in line and "“CƠNG”" in line and "“cĩ”" in line
    assert "U+FFFD" in quality_warnings("Nghị quy\ufffdt của B\ufffd Chính trị")[0]
    assert "mojibake" in quality_warnings("Uû ban nh©n d©n thµnh phè Hµ Néi b¸o c¸o")[0]
    assert "mojibake" in quality_warnings("Viá»‡t Nam lÃ  má»™t quá»‘c gia Ä‘á»™c láº­p")[0]
    assert quality_warnings(TEXT) == [] and quality_warnings("HĐND, UBND, ĐBQH, MTTQ, BCĐ, TTĐT, QĐ") == []


def test_no_false_positive_on_the_shipped_corpus():
    files = [p for p in sorted(CORPUS.rglob("*")) if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert detect(text) is None, path.name
        assert repair(text) == (text, []), path.name
        expected = ["Ð"] if path.name == "nq57_kl69_nq20-2012_bangoc.md" else []  # one "Ðổi" typed with Eth
        assert [w for w in quality_warnings(text) for e in expected if e in w] == quality_warnings(text), path.name
        if path.suffix in (".md", ".txt"):
            (document,) = read_file(path, path.name)
            assert document.text == text


def _legacy_folder(folder: Path) -> Path:
    folder.mkdir()
    for encoding in ENCODINGS:
        (folder / f"{encoding}.txt").write_bytes(encode(TEXT, encoding))
    return folder


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reader_converts_legacy_text_files(tmp_path: Path, encoding: str):
    (document,) = read_file(_legacy_folder(tmp_path / "docs") / f"{encoding}.txt", "x.txt")
    assert document.text == (tcvn3_expected(TEXT) if encoding == "tcvn3" else TEXT).replace("ủy ban", "Ủy ban")
    assert any(f"{legacy_encodings.NAMES[encoding]} → Unicode" in w for w in document.warnings)
    assert document.title.startswith("Ủy ban nhân dân")


def test_reader_repairs_mojibake_saved_as_utf8(tmp_path: Path):
    # TCVN3 text pasted from an old Word file into a UTF-8 file: the mojibake is the Unicode text.
    (tmp_path / "dan.txt").write_text(encode(TEXT, "tcvn3").decode("latin-1"), encoding="utf-8")
    (document,) = read_file(tmp_path / "dan.txt", "dan.txt")
    assert document.text.startswith("Ủy ban nhân dân thành phố Hà Nội")
    assert "chữ hoa có dấu có thể bị mất" in document.warnings[0]


def test_build_and_search_legacy_files(tmp_path: Path):
    folder = _legacy_folder(tmp_path / "docs")
    _legacy_pdf(folder / "vntime.pdf")
    report = tracuu.build([folder], tmp_path / "idx", encoder="hashing")
    assert report.failures == ()
    index = tracuu.open_index(tmp_path / "idx", encoder="hashing")
    hits = index.search("Ủy ban nhân dân", k=10)
    # Decoded right, the four files hold the same words: each passage comes back once, citing the other copies.
    found = {hit.document.id for hit in hits} | {copy.document_id for hit in hits for copy in hit.also_in}
    assert len({hit.document.id for hit in hits}) < len(found)
    assert found == {"tcvn3.txt", "vni.txt", "viscii.txt", "vntime.pdf"}
    for doc_id in found:
        assert "Nghị quyết Đại hội" in index.document_text(doc_id)
        assert any("→ Unicode" in w for w in index._stored(doc_id).warnings), doc_id


def _legacy_pdf(path: Path) -> None:
    """A one-page PDF whose runs are set in .VnTimeH, .VnTime, Helvetica and VNI-Times, with those fonts' bytes."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    runs = [("/ABCDEF+.VnTimeH", encode("ủy ban nhân dân", "tcvn3")), ("/.VnTime", encode(TEXT, "tcvn3")),
            ("/Helvetica", b"Ha Noi 2024"), ("/VNI-Times", encode("Báo cáo tài chính", "vni"))]
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    fonts = DictionaryObject()
    ops = [b"BT", b"40 800 Td", b"14 TL"]
    for i, (font, data) in enumerate(runs):
        fonts[NameObject(f"/F{i}")] = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(font), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
        escaped = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops += [f"/F{i} 10 Tf".encode(), b"(" + escaped + b") Tj", b"T*"]
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(ops + [b"ET"]))
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.write(str(path))


def test_pdf_runs_in_legacy_fonts_are_converted(tmp_path: Path):
    _legacy_pdf(tmp_path / "a.pdf")
    (document,) = read_file(tmp_path / "a.pdf", "a.pdf")
    lines = document.text.splitlines()
    assert lines[0] == "ỦY BAN NHÂN DÂN"  # .VnTimeH draws capitals: nothing lost
    assert lines[1].startswith("ủy ban nhân dân thành phố Hà Nội")
    assert lines[2] == "Ha Noi 2024" and lines[3] == "Báo cáo tài chính"
    assert any(".VnTimeH" in w for w in document.warnings) and any("VNI-Times" in w for w in document.warnings)
    assert document.page_starts == (0,)
