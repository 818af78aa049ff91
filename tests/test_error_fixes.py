"""Every error's fix works: each command a `fix` names is run here as the user would type it, and does its job."""
from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

import tracuu
from tracuu.cli import main, parser
from tracuu.errors import (CollectionMismatchError, DocumentNotFoundError, IndexCorruptError, IndexNotFoundError,
                           IndexVersionError, MissingExtraError, PathNotFoundError)
from tracuu_api.errors import UploadTooLargeError

from helpers import ROOT

COMMAND = re.compile(r"(?:^|: |xem )((?:tracuu|ls|pip install) [^;()]+?)\s*(?:$|, hoặc |;|\()")


def fix_command(fix: str) -> str:
    """The command a fix text names ("xem danh sách văn bản: tracuu documents" -> "tracuu documents")."""
    found = COMMAND.search(fix)
    assert found, f"no command in fix {fix!r}"
    return found.group(1).strip()


def run_cli(command: str, capsys, **placeholders: str) -> tuple[int, str]:
    for name, value in placeholders.items():
        command = command.replace(name, value)
    argv = shlex.split(command)
    assert argv[0] == "tracuu", command
    code = main(argv[1:])
    out = capsys.readouterr()
    return code, out.out + out.err


def failing(argv: list[str], capsys) -> tuple[str, str]:
    """Run a CLI command that must fail; its (message, fix) as printed."""
    assert main(argv) == 2, argv
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("tracuu: ") and err[1].startswith("  cách khắc phục: "), err
    return err[0][len("tracuu: "):], err[1][len("  cách khắc phục: "):]


@pytest.fixture
def index_dir(tmp_path, docs_dir, capsys) -> Path:
    root = tmp_path / "idx"
    assert main(["build", str(docs_dir), "--index", str(root), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    return root


def test_document_not_found_fix_lists_the_documents(index_dir, capsys):
    message, fix = failing(["remove", "khong-co.txt", "--index", str(index_dir)], capsys)
    assert "khong-co.txt" in message and fix_command(fix) == "tracuu documents"
    assert fix == DocumentNotFoundError("x").fix
    code, out = run_cli(fix_command(fix) + " --index IDX", capsys, IDX=str(index_dir))
    assert code == 0 and "nghi-quyet-mau.txt" in out and "bai-bao.md" in out


def test_missing_index_fix_builds_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # the fix names corpus/, the shipped folder, relative to the repository
    missing = tmp_path / "chua-co"
    _, fix = failing(["search", "đảng", "--index", str(missing)], capsys)
    assert fix == IndexNotFoundError(str(missing)).fix
    # Run as printed, with the tiny test encoder so the whole shipped corpus builds in seconds.
    code, out = run_cli(fix_command(fix) + " --encoder hashing", capsys)
    assert code == 0 and "văn bản" in out
    assert main(["search", "tuổi thọ trung bình", "--index", str(missing), "-k", "1"]) == 0
    assert "74,5 tuổi" in capsys.readouterr().out


@pytest.mark.parametrize("verb", ["build", "add"])
def test_a_missing_path_says_so_and_its_fix_lists_the_folder(index_dir, tmp_path, capsys, verb):
    before = sorted(p.name for p in index_dir.iterdir())
    missing = tmp_path / "van-ban-moi" / "nq99.txt"
    message, fix = failing([verb, str(missing), "--index", str(index_dir)], capsys)
    assert message == f"{missing}: không có tệp hoặc thư mục"
    assert sorted(p.name for p in index_dir.iterdir()) == before  # nothing written
    (tmp_path / "van-ban-moi").mkdir()
    command = shlex.split(fix_command(fix))
    assert command == ["ls", str(tmp_path / "van-ban-moi")]
    assert subprocess.run(command, capture_output=True).returncode == 0


def test_a_missing_path_among_good_ones_stops_the_build(docs_dir, tmp_path):
    with pytest.raises(PathNotFoundError, match="không có tệp hoặc thư mục"):
        tracuu.build([docs_dir, tmp_path / "khong-co"], tmp_path / "idx", encoder="hashing")
    assert not (tmp_path / "idx" / "CURRENT").exists()


@pytest.mark.parametrize("error", [IndexVersionError("IDX", 9, 2), IndexCorruptError("IDX", "hỏng"),
                                   CollectionMismatchError("IDX", "analyzer version", 9, 1)])
def test_rebuild_fixes_rebuild(index_dir, docs_dir, capsys, error):
    assert fix_command(error.fix) == "tracuu build <văn bản của bạn> --index IDX"
    manifest = next(index_dir.glob("gen-*/manifest.json"))
    manifest.write_text('{"format_version": 99}', encoding="utf-8")  # a damaged or future index
    failing(["info", "--index", str(index_dir)], capsys)
    code, _ = run_cli(fix_command(error.fix) + " --encoder hashing", capsys, **{"<văn bản của bạn>": str(docs_dir),
                                                                                "IDX": str(index_dir)})
    assert code == 0 and tracuu.open_index(index_dir).info()["documents"] == 2


def test_upload_too_large_fix_adds_the_file(index_dir, tmp_path, capsys):
    big = tmp_path / "bao-cao.txt"
    big.write_text("Báo cáo tổng kết công tác chuyển đổi số năm 2024.", encoding="utf-8")
    code, out = run_cli(fix_command(UploadTooLargeError(20 * 1024 * 1024).fix), capsys,
                        **{"TỆP": str(big), "CHỈ_MỤC": str(index_dir)})
    assert code == 0 and "bao-cao.txt" in [d.id for d in tracuu.open_index(index_dir).documents()]


def test_missing_query_and_bad_filter_fixes_run(index_dir, capsys):
    _, fix = failing(["search", "--index", str(index_dir)], capsys)
    code, _ = run_cli(fix_command(fix), capsys, **{"CHỈ_MỤC": str(index_dir)})
    assert code == 0
    _, fix = failing(["search", "đảng", "--index", str(index_dir), "--filter", "loai"], capsys)
    example = re.search(r"--filter \S+", fix).group(0)
    assert main(["search", "đảng", "--index", str(index_dir), *example.split()]) == 0
    _, fix = failing(["eval", "--index", str(index_dir)], capsys)
    with pytest.raises(SystemExit) as exc:
        run_cli(fix_command(fix), capsys)
    assert exc.value.code == 0


def test_missing_extra_fixes_name_real_extras():
    """pip cannot run offline in a test: the extra each fix installs must at least exist in pyproject.toml."""
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads pyproject.toml")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    named = set()
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "api").rglob("*.py")]:
        named |= set(re.findall(r"MissingExtraError\([^)]*?,\s*\"(\w+)\"\)", path.read_text(encoding="utf-8")))
    assert named and named <= set(extras), named - set(extras)
    assert fix_command(MissingExtraError("tracuu serve", "api").fix) == "pip install 'tracuu[api]'"


def test_every_tracuu_command_in_a_fix_parses():
    """A fix naming a verb or option the CLI does not have (once: `tracuu info --documents`) fails here."""
    commands = []
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "api").rglob("*.py")]:
        for fix in re.findall(r"fix=f?[\"']([^\"']*tracuu [a-z][^\"']*)[\"']", path.read_text(encoding="utf-8")):
            commands.append(fix)
    commands += [e.fix for e in (DocumentNotFoundError("x"), IndexNotFoundError("IDX"), IndexCorruptError("IDX", ""))]
    assert len(commands) >= 5
    for fix in commands:
        command = fix_command(fix)
        if not command.startswith("tracuu "):
            continue
        for placeholder, value in {"<văn bản của bạn>": "corpus/", "{path}": "IDX", "{uri}": "IDX"}.items():
            command = command.replace(placeholder, value)
        try:
            parser().parse_args(shlex.split(command)[1:])
        except SystemExit as exc:  # 2 on an unknown verb or option; 0 for --help
            assert exc.code == 0, command


def test_the_api_reports_a_missing_path_in_the_same_words(index_dir, monkeypatch):
    """An upload whose staged file is gone before it is read (another process cleaned the folder): 404, same text."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from tracuu_api.app import create_app

    real_add = tracuu.Index.add
    monkeypatch.setattr(tracuu.Index, "add", lambda self, paths, **kw: real_add(
        self, [Path(p).with_name("da-bi-xoa.txt") for p in paths], **kw))
    client = TestClient(create_app(index_dir, token="bi-mat", read_token=""))
    got = client.post("/documents", files={"file": ("moi.txt", "Nội dung mới.".encode())},
                      headers={"Authorization": "Bearer bi-mat"})
    assert got.status_code == 404
    assert got.json()["error"].endswith("da-bi-xoa.txt: không có tệp hoặc thư mục") and "ls " in got.json()["fix"]
    assert [d.id for d in tracuu.open_index(index_dir).documents()] == ["bai-bao.md", "nghi-quyet-mau.txt"]
