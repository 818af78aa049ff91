"""What a person reads from the CLI: Vietnamese words, cuts at word boundaries, rounded scores, a progress display
that clears itself, help that lists valid values, and the same k limit as the HTTP API."""
from __future__ import annotations

import argparse
import io
import re

import pytest

from tracuu.cli import _Progress, main, parser
from tracuu.index import MAX_PAGE
from tracuu.cut import cut

from helpers import CORPUS

ENGLISH = re.compile(r"\b(passages?|documents?|added|replaced|removed|unchanged|encoded|skipped|lexical rank|dense "
                     r"rank|fused|encoder|analyzer)\b")


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp("cli") / "idx")
    assert main(["build", str(CORPUS), "--index", root, "--encoder", "hashing"]) == 0
    return root


def test_cut_keeps_whole_words_and_marks_the_cut():
    assert cut("Bí thư Thành ủy Hà Nội yêu cầu", 12) == "Bí thư…"
    assert cut("Bí thư Thành ủy Hà Nội", 22) == "Bí thư Thành ủy Hà Nội"
    assert cut("tăng cường  sự lãnh đạo\ncủa Đảng", 40) == "tăng cường sự lãnh đạo của Đảng"
    assert cut("nhân dân, đất nước", 10) == "nhân dân…"  # no dangling comma
    assert all(len(cut("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII", n)) <= n for n in range(4, 60))


def test_human_output_is_vietnamese_with_whole_words(corpus_index, capsys):
    for argv in (["build", str(CORPUS), "--index", corpus_index, "--encoder", "hashing"],
                 ["info", "--index", corpus_index], ["documents", "--index", corpus_index],
                 ["search", "Bí thư Thành ủy Hà Nội yêu cầu học tập", "--index", corpus_index, "--explain"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert not ENGLISH.search(out), (argv[0], ENGLISH.search(out).group(0))
        if argv[0] == "build":
            assert re.search(r"\d+ văn bản, \d+ đoạn", out) and "giữ nguyên 12" in out
        if argv[0] == "search":
            # Snippets are cut at a word boundary and say so; every score has three decimals at most.
            snippets = [line.strip() for line in out.splitlines() if line.startswith("    ") and "hạng" not in line]
            assert snippets and all(s.endswith("…") or len(s) < 400 for s in snippets)
            assert any(s.endswith("…") for s in snippets)
            for s in snippets:
                if s.endswith("…"):
                    word = s[:-1].split()[-1]
                    assert any(f" {word} " in f" {line} " for line in _passages_text(corpus_index)), word
            assert re.search(r"từ khoá: hạng \d+, điểm \d+\.\d{3};", out)
            assert not re.search(r"\d\.\d{4,}", out), "an unrounded score"


def _passages_text(index: str) -> list[str]:
    import tracuu
    idx = tracuu.open_index(index)
    return [" ".join(idx.document_text(d.id).split()) for d in idx.documents()]


def test_progress_reports_rate_and_time_left_then_clears(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    progress = _Progress()
    progress("read", 1, 0)
    progress("read", 12, 0)
    progress("encode", 0, 592)
    progress("encode", 296, 592)
    progress("encode", 592, 592)
    progress.close()
    text = err.getvalue()
    assert "đọc văn bản" in text and "mã hoá đoạn" in text
    assert "đoạn/s" in text and re.search(r"<\d\d:\d\d|<\?", text)  # rate, and time left
    assert text.endswith("\r") and text.rstrip("\r").split("\r")[-1].strip() == ""  # the line is cleared


def test_every_option_has_help_with_its_valid_values():
    verbs = parser()._subparsers._group_actions[0].choices
    for name, sub in verbs.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, f"tracuu {name} {action.dest}: no help"
            if action.dest == "mode":
                assert all(m in action.help for m in ("hybrid", "lexical", "dense")), name
            if action.dest == "filter":
                assert all(k in action.help for k in ("doc_type", "issuer", "date_from", "date_to")), name


def test_k_has_one_limit_in_the_cli_and_the_api(corpus_index, capsys):
    schemas = pytest.importorskip("tracuu_api.schemas")
    assert schemas.MAX_K == MAX_PAGE
    for verb, text in (("search", "chuyển đổi số"), ("ask", "chuyển đổi số là gì"), ("quotes", "chuyển đổi số")):
        assert main([verb, text, "--index", corpus_index, "-k", str(MAX_PAGE), "--json"]) == 0
        capsys.readouterr()
        with pytest.raises(SystemExit) as exc:
            main([verb, text, "--index", corpus_index, "-k", str(MAX_PAGE + 1)])
        assert exc.value.code == 2 and f"đối số -k: phải từ 1 đến {MAX_PAGE}, nhận được {MAX_PAGE + 1}" in capsys.readouterr().err


# argparse's own English, and the English words of help texts, that must not reach a Vietnamese reader.
ENGLISH_HELP = re.compile(r"usage:|options:|positional arguments|show this help|and exit|\(default|error:|"
                          r"\b(the|and|or|of|with|only|print|files?|folders?|passages?|from|to) ")


@pytest.mark.parametrize("argv", [["--help"], ["search", "--help"], ["build", "--help"]])
def test_help_is_vietnamese(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert out.startswith("cách dùng: tracuu") and "tuỳ chọn:" in out and "in trợ giúp này rồi thoát" in out
    # Option names, values and identifiers (--index, hybrid, doc_type) stay as typed; the words around them do not.
    prose = re.sub(r"--[\w-]+|\$\w+|\b(tracuu \w+|index/default)\b", "", out)
    assert not ENGLISH_HELP.search(prose), ENGLISH_HELP.search(prose).group(0)
    assert "mặc định" in out


def test_argparse_errors_are_vietnamese(capsys):
    for argv, said in ((["search", "đảng", "--mode", "nhanh"], "đối số --mode: lựa chọn không hợp lệ: 'nhanh' "
                                                               "(chọn một trong: 'hybrid', 'lexical', 'dense')"),
                       (["build"], "thiếu đối số bắt buộc: ĐƯỜNG_DẪN"),
                       (["timkiem"], "lựa chọn không hợp lệ: 'timkiem'"),
                       (["info", "--khong-co"], "đối số không nhận ra: --khong-co")):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        err = capsys.readouterr().err
        assert exc.value.code == 2 and err.startswith("cách dùng: tracuu") and said in err, err
        assert "usage:" not in err and "error:" not in err and ": lỗi: " in err


def test_an_error_names_the_missing_path_in_vietnamese(tmp_path, capsys):
    missing = tmp_path / "khong" / "co"
    assert main(["build", str(missing), "--index", str(tmp_path / "idx")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"tracuu: {missing}: không có tệp hoặc thư mục",
                   f"  cách khắc phục: kiểm tra lại đường dẫn; xem thư mục chứa nó có gì: ls {missing.parent}"]
    assert not (tmp_path / "idx" / "CURRENT").exists()
