"""Fuzz the HTTP API from its OpenAPI schema with schemathesis; exit non-zero if any request got a 5xx.

    python bench/fuzz_api.py                      # 200 examples per operation, all four schemathesis phases
    python bench/fuzz_api.py --examples 50 --uploads 100 --seed 1
    python bench/fuzz_api.py --max-time 300       # fuzzing and stateful phases repeat until 300 s are spent

Builds a small index (hashing encoder) in a temporary folder, serves it with uvicorn in this process on a free
loopback port, with the write token on so uploads and deletions are fuzzed too, and runs `schemathesis run`
against it in a child process (examples, coverage, fuzzing and stateful phases; only the not_a_server_error
check). Half the generated document and passage ids are replaced by real ones, so lookups get past the 404s.
Then a few hundred random uploads (hypothesis) with names and bytes that reach the readers and the writer.
An ASGI wrapper around the app counts every response by operation and status, and records any exception;
the summary is that table. A bounded script, not a test (tests/test_api_reliability.py is the fast version).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import tracuu
from tracuu_api.app import create_app

TOKEN = "fuzz-token"
DOCS = {
    "nghi-quyet-mau.txt": (
        "NGHỊ QUYẾT ĐẠI HỘI\n\nI- MỤC TIÊU\n\n1. Mục tiêu tổng quát\n\n"
        "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu. "
        "Tỉ lệ đô thị hoá khoảng 45%.\n\n2. Mục tiêu cụ thể\n\n"
        "Tuổi thọ trung bình đạt khoảng 74,5 tuổi. Tỉ lệ lao động qua đào tạo là 70%.\n\n"
        "II- NHIỆM VỤ, GIẢI PHÁP\n\n"
        "Kiên quyết đấu tranh phòng, chống quan liêu, sách nhiễu, tiêu cực, tham nhũng, lãng phí.\n"),
    "bai-bao.md": (
        "# Hội nghị học tập chương trình công tác\n\n"
        "Sáng 22/4, **Thành ủy Hà Nội** tổ chức hội nghị trực tuyến học tập, quán triệt 10 chương trình công tác.\n\n"
        "Bí thư Thành ủy yêu cầu đề cao tinh thần tự học, tự nghiên cứu của cán bộ, đảng viên.\n"),
    "dang/nq#57.txt": ("Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
                       "quốc gia. Hạ tầng số là nền tảng.\n"),
}


class Tally:
    """ASGI wrapper: counts responses by (method, route, status) and keeps the first few exceptions."""

    def __init__(self, app: Any) -> None:
        self.app, self.counts, self.exceptions = app, Counter(), []
        self.lock = threading.Lock()

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = {"code": 0}

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # uvicorn answers 500; the table must show it whatever happens after
            with self.lock:
                self.exceptions.append(f"{scope['method']} {scope['path']}: {type(exc).__name__}: {exc}")
            status["code"] = status["code"] or 500
            raise
        finally:
            route = scope.get("route")
            where = getattr(route, "path", None) or "(no matching route)"
            with self.lock:
                self.counts[(scope["method"], where, status["code"])] += 1

    def server_errors(self) -> int:
        return sum(n for (_, _, code), n in self.counts.items() if code >= 500) + len(self.exceptions)


def _build(tmp: Path) -> Path:
    docs = tmp / "docs"
    for name, text in DOCS.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    root = tmp / "index"
    tracuu.build([docs], root, encoder="hashing")
    return root


def _config(root: Path, tmp: Path) -> Path:
    """A schemathesis.toml that draws half the path ids from the index's own documents and passages."""
    index = tracuu.open_index(root)
    documents = sorted(d.id for d in index.documents())
    passages = sorted({h.passage.id for q in ("phát triển khoa học", "tỉ lệ lao động", "hội nghị học tập")
                       for h in index.search(q, 20)})
    lines = [f"[dictionaries.documents]\nvalues = {json.dumps(documents, ensure_ascii=False)}",
             f"[dictionaries.passages]\nvalues = {json.dumps(passages)}",
             '[parameters]\n"path.document_id" = { dictionary = "documents", probability = 0.5 }\n'
             '"path.passage_id" = { dictionary = "passages", probability = 0.5 }']
    path = tmp / "schemathesis.toml"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app: Any, port: int) -> tuple[Any, threading.Thread]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    return server, thread


def _schemathesis(port: int, config: Path, args: argparse.Namespace) -> int:
    exe = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    command = [exe, "--config-file", str(config), "--no-color", "run", f"http://127.0.0.1:{port}/openapi.json",
               "--checks", "not_a_server_error", "-H", f"Authorization: Bearer {TOKEN}",
               "--generation-with-security-parameters", "false", "--generation-database", "none",
               "--max-examples", str(args.examples), "--seed", str(args.seed), "--request-timeout", "60"]
    if args.max_time:
        command += ["--max-time", str(args.max_time)]
    print("#", " ".join(command[2:]), file=sys.stderr)
    # Run in the temporary folder: schemathesis keeps a .schemathesis/ cache in its working directory.
    return subprocess.run(command, env={**os.environ, "NO_COLOR": "1"}, cwd=config.parent).returncode


def _report(tally: Tally, elapsed: float, st_code: int) -> None:
    by_op: dict[tuple[str, str], Counter] = {}
    for (method, path, code), n in tally.counts.items():
        by_op.setdefault((method, path), Counter())[code] += n
    total = sum(tally.counts.values())
    print(f"\n{total} requests in {elapsed:.0f}s, {tally.server_errors()} server errors (5xx or exceptions), "
          f"schemathesis exit code {st_code}")
    print(f"{'operation':<40}{'requests':>9}  statuses")
    probes = 0
    for (method, path), codes in sorted(by_op.items(), key=lambda item: (item[0][1], item[0][0])):
        if set(codes) == {405}:  # an undocumented method, probed once per path: one line for all of them
            probes += codes[405]
            continue
        spread = " ".join(f"{code}×{n}" for code, n in sorted(codes.items()))
        print(f"{method + ' ' + path:<40}{sum(codes.values()):>9}  {spread}")
    print(f"{'(undocumented methods)':<40}{probes:>9}  405×{probes}")
    for line in tally.exceptions[:10]:
        print("  exception:", line)


def _uploads(port: int, count: int, seed: int) -> None:
    """Random names and bytes, shaped to get past each reader's first checks (schemathesis' multipart
    bodies always name the file "file", which the API refuses before reading it)."""
    import httpx
    from hypothesis import HealthCheck, given, settings, strategies as st

    suffixes = st.sampled_from([".txt", ".md", ".html", ".pdf", ".docx", ".jsonl", ".exe", ""])
    names = st.one_of(st.builds(str.__add__, st.sampled_from(["van-ban", "Nghị quyết 57", "../x", "a" * 300]),
                                suffixes), st.builds(str.__add__, st.text(min_size=1, max_size=30), suffixes))
    rows = st.dictionaries(st.sampled_from(["_id", "title", "text", "x"]), st.none() | st.integers() | st.text())
    content = st.one_of(st.binary(max_size=4096), st.text(max_size=4000).map(lambda s: s.encode("utf-8", "replace")),
                        st.binary(max_size=512).map(lambda b: b"%PDF-1.4\n" + b),
                        st.binary(max_size=512).map(lambda b: b"PK\x03\x04" + b),
                        st.lists(rows, max_size=4).map(lambda rs: "\n".join(map(json.dumps, rs)).encode()))
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {TOKEN}"},
                          timeout=60)

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(name=names, data=content)
    def upload(name: str, data: bytes) -> None:
        client.post("/documents", files={"file": (name, data)})  # the Tally judges the answer

    print(f"# {count} random uploads (hypothesis, seed {seed})", file=sys.stderr)
    __import__("hypothesis").seed(seed)(upload)()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=200, help="examples per operation and phase (default 200)")
    p.add_argument("--seed", type=int, default=20260)
    p.add_argument("--max-time", type=int, default=0, help="time budget in seconds for the schemathesis run")
    p.add_argument("--uploads", type=int, default=300, help="random uploads after the schemathesis run (0: none)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tracuu-fuzz-") as tmp:
        root = _build(Path(tmp))
        tally = Tally(create_app(root, token=TOKEN, read_token=""))
        port = _free_port()
        server, thread = _serve(tally, port)
        started = time.monotonic()
        try:
            st_code = _schemathesis(port, _config(root, Path(tmp)), args)
            if args.uploads:
                _uploads(port, args.uploads, args.seed)
        finally:
            server.should_exit = True
            thread.join(30)
        _report(tally, time.monotonic() - started, st_code)
        tracuu.open_index(root).search("chuyển đổi số", 3)  # the index the fuzzer wrote to still opens
    # schemathesis' own exit code also counts: it fails on a 5xx it saw, or on a run it could not finish.
    return 1 if tally.server_errors() or st_code else 0


if __name__ == "__main__":
    sys.exit(main())
