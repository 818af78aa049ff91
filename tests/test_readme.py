"""README.md's code blocks run as written, on the shipped corpus (doctest-style): the Python blocks whole, the
tracuu lines of the shell blocks through the CLI. Only the encoder is swapped for the tiny test one (the real one
takes minutes on 2 cores); lines that need a Milvus server or Docker are checked to parse, and named files to exist."""
from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

import tracuu.building
import tracuu.index
from tracuu.cli import main, parser
from tracuu.retrieval.encoders import load_encoder

from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```", README, re.M | re.S)
NEEDS_A_SERVER = ("milvus://", "docker", "TRACUU_API_TOKEN=")


def lay_out(tmp_path: Path, monkeypatch, files: list[str] | None = None) -> Path:
    """A working folder laid out like the repository: corpus/ (all of it, or `files`), an empty index/."""
    if files is None:
        shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    else:
        (tmp_path / "corpus").mkdir()
        for name in files:
            shutil.copy(ROOT / "corpus" / name, tmp_path / "corpus" / name)
    (tmp_path / "index").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def repo_copy(tmp_path, monkeypatch) -> Path:
    """The whole shipped corpus, with the tiny test encoder as the default."""
    # Both places that load the default encoder: the facade (open) and the one write path (build).
    for module in (tracuu.index, tracuu.building):
        monkeypatch.setattr(module, "load_encoder", lambda name=None: load_encoder(name or "hashing"))
    return lay_out(tmp_path, monkeypatch)


def test_readme_has_python_and_shell_examples():
    kinds = [k for k, _ in BLOCKS]
    assert kinds.count("python") >= 1 and kinds.count("bash") >= 3


@pytest.mark.parametrize("code", [c for k, c in BLOCKS if k == "python"])
def test_python_blocks_run_as_written(repo_copy, code, capsys):
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "12 văn bản" in out  # the shipped corpus: 9 files, one of them holding 4 documents
    assert "Nghị quyết số 57-NQ/TW" in out  # the search's citations
    assert [d.id for d in tracuu.open_index("index/default").documents() if d.id == "thong-bao.txt"] == []


@pytest.mark.slow
@pytest.mark.parametrize("code", [c for k, c in BLOCKS if k == "python"])
def test_python_blocks_answer_with_the_real_encoder(tmp_path, monkeypatch, code, capsys):
    """The bundled e5-small on Resolution XIII and the seed article (the whole corpus takes minutes here)."""
    lay_out(tmp_path, monkeypatch, ["nghi-quyet-dai-hoi-xiii.txt", "hanoi-10-chuong-trinh-cong-tac-2021.txt"])
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "2 văn bản" in out
    assert "tuổi thọ trung bình đạt khoảng 74,5 tuổi" in out
    assert "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII" in out


def test_shell_blocks_run_or_parse(repo_copy, capsys):
    """The tracuu lines of the shell blocks, in order, as a user would type them (with the tiny encoder)."""
    ran = 0
    for kind, code in BLOCKS:
        if kind != "bash":
            continue
        for line in code.splitlines():
            command = line.split("  #")[0].strip()
            if not command or command.startswith("#"):
                continue
            for part in command.split("&&"):
                argv = shlex.split(part)
                while argv and "=" in argv[0] and not argv[0].startswith("-"):
                    argv = argv[1:]  # VAR=value before the command
                if argv[0] == "tracuu" and not any(n in part for n in NEEDS_A_SERVER):
                    assert main(argv[1:]) == 0, part
                    ran += 1
                elif argv[0] == "tracuu":
                    parser().parse_args(argv[1:])
                elif argv[0].startswith("scripts/"):
                    assert (ROOT / argv[0]).is_file() and (ROOT / argv[0]).stat().st_mode & 0o111, argv[0]
                else:
                    assert argv[0] == "docker", part  # not run: no Docker here (README says so)
    assert ran >= 5
    out = capsys.readouterr().out
    assert "03/NQ-CP" in out  # the documents filter: issuer="Chính phủ"
    assert re.search(r"^(Trả lời|Không tìm thấy thông tin đủ tin cậy)", out, re.M)  # ask, with the tiny encoder
