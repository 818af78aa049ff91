"""Load test of the HTTP API: N concurrent clients for S seconds on loopback while documents are added and removed.

    python bench/load.py                          # 50 clients, 60 s, over corpus/
    python bench/load.py --clients 20 --seconds 20 --encoder hashing
    python bench/load.py --index index/default    # a copy of an existing index (the original is not touched)
    python bench/load.py --hostile 8              # and 8 clients sending 1000-character CJK queries beside them

Starts `tracuu serve` on a free port in a child process (so the clients do not share its interpreter), runs a mix
of GET /search, POST /search and POST /ask (when the server has it), and one writer that uploads a document and
deletes it again in a loop. Prints request counts, errors and p50/p99 latency per kind. A bounded script, not a test.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

import tracuu

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
TOKEN = "bench-token"
FALLBACK_QUERIES = ["nghi quyet dai hoi ve chuyen doi so", "tuổi thọ trung bình", "ty le do thi hoa nam 2025",
                    "phòng, chống tham nhũng, lãng phí", "Ban Chỉ đạo phải làm gì", "hoc tap quan triet",
                    "phát triển khoa học công nghệ đổi mới sáng tạo", "tỷ lệ lao động qua đào tạo"]
WORDS = ("chuyển đổi số hạ tầng kinh tế xã hội quốc phòng an ninh cán bộ đảng viên nhân dân khoa học công nghệ "
         "đổi mới sáng tạo phát triển bền vững văn hóa giáo dục y tế môi trường").split()


def _queries() -> list[str]:
    gold = SHARED / "bench" / "party-dev.jsonl"
    if gold.is_file():
        lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [row["query"] for row in lines] or FALLBACK_QUERIES
    return FALLBACK_QUERIES


def _variant(rng: random.Random, queries: list[str]) -> str:
    """Half the queries repeat (the page re-run case), half are new so the encoder is really exercised."""
    query = rng.choice(queries)
    if rng.random() < 0.5:
        query = f"{query} {' '.join(rng.sample(WORDS, rng.randint(1, 3)))}"
    return query


def _document(rng: random.Random, n: int) -> bytes:
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(12)]
    return (f"KẾ HOẠCH THỬ TẢI SỐ {n}\n\n" + "\n\n".join(paragraphs) + "\n").encode("utf-8")


def _prepare_index(args: argparse.Namespace, tmp: Path) -> Path:
    root = tmp / "index"
    started = time.perf_counter()
    if args.index:
        source = Path(args.index)
        live = (source / "CURRENT").read_text(encoding="utf-8").strip()
        shutil.copytree(source / live, root / live)
        (root / "CURRENT").write_text(live + "\n", encoding="utf-8")
    else:
        corpus = HERE.parent / "corpus"
        report = tracuu.build([corpus], root, encoder=args.encoder)
        print(f"# built {report.documents} documents, {report.passages} passages from {corpus} "
              f"in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(root: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "TRACUU_API_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1"}
    env.pop("TRACUU_API_READ_TOKEN", None)
    server = subprocess.Popen([sys.executable, "-m", "tracuu", "serve", "--index", str(root), "--port", str(port)],
                              env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
        if server.poll() is not None:
            break
    server.kill()
    raise SystemExit("the server did not start")


class Tally:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.examples: list[str] = []

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.latency.setdefault(kind, []).append(seconds)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {detail[:200]}")


async def _call(client: httpx.AsyncClient, tally: Tally, kind: str, method: str, url: str, expect: tuple[int, ...],
                **kwargs) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        tally.record(kind, time.perf_counter() - started, False, f"{type(exc).__name__}: {exc}")
        return None
    ok = response.status_code in expect
    tally.record(kind, time.perf_counter() - started, ok, f"{response.status_code} {response.text}")
    return response


async def _reader(client: httpx.AsyncClient, tally: Tally, stop: float, seed: int, queries: list[str],
                  can_ask: bool, ask_share: float) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop:
        query, roll = _variant(rng, queries), rng.random()
        if can_ask and roll < ask_share:
            await _call(client, tally, "POST /ask", "POST", "/ask", (200,), json={"question": query, "k": 5})
        elif roll < ask_share + 0.15:
            await _call(client, tally, "POST /search", "POST", "/search", (200,),
                        json={"q": query, "k": 20, "mode": rng.choice(["hybrid", "lexical", "dense"])})
        else:
            await _call(client, tally, "GET /search", "GET", "/search", (200,), params={"q": query, "k": 10})


async def _hostile(client: httpx.AsyncClient, tally: Tally, stop: float, seed: int) -> None:
    """A client that sends only 1000-character CJK queries, each new (no cache hit): the encoder's worst case."""
    rng = random.Random(1000 + seed)
    while time.monotonic() < stop:
        query = "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(1000))
        await _call(client, tally, "hostile CJK", "GET", "/search", (200,), params={"q": query, "k": 10})


async def _writer(client: httpx.AsyncClient, tally: Tally, stop: float, pause: float) -> int:
    rng, n, auth = random.Random(7), 0, {"Authorization": f"Bearer {TOKEN}"}
    while time.monotonic() < stop:
        name = f"thu-tai-{n}.txt"
        added = await _call(client, tally, "POST /documents", "POST", "/documents", (201,), headers=auth,
                            files={"file": (name, _document(rng, n))})
        await asyncio.sleep(pause)
        if added is not None and added.status_code == 201:
            await _call(client, tally, "DELETE /documents", "DELETE", f"/documents/{name}", (200,), headers=auth)
        n += 1
        await asyncio.sleep(pause)
    return n


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


async def _run(base: str, args: argparse.Namespace) -> tuple[Tally, float, int]:
    queries = _queries()
    limits = httpx.Limits(max_connections=args.clients + args.hostile + 4,
                          max_keepalive_connections=args.clients + args.hostile + 4)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        info = (await client.get("/info")).json()
        can_ask = bool(info.get("features", {}).get("ask"))
        tally = Tally()
        started = time.monotonic()
        stop = started + args.seconds
        readers = [_reader(client, tally, stop, seed, queries, can_ask, args.ask_share)
                   for seed in range(args.clients)]
        readers += [_hostile(client, tally, stop, seed) for seed in range(args.hostile)]
        results = await asyncio.gather(_writer(client, tally, stop, args.write_pause), *readers)
        return tally, time.monotonic() - started, results[0]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--index", help="copy this index instead of building one")
    p.add_argument("--encoder", default=None, help="encoder for the built index (default: the library's default)")
    p.add_argument("--ask-share", type=float, default=0.15, help="share of requests that are POST /ask (0: none)")
    p.add_argument("--write-pause", type=float, default=0.5, help="seconds between the writer's steps")
    p.add_argument("--hostile", type=int, default=0, help="extra clients sending 1000-character CJK queries")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tracuu-load-") as tmp:
        root = _prepare_index(args, Path(tmp))
        port = _free_port()
        server = _start_server(root, port)
        try:
            tally, elapsed, cycles = asyncio.run(_run(f"http://127.0.0.1:{port}", args))
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:  # still inside a long encoding: it has nothing left to save
                server.kill()
                server.wait(10)
    total = sum(len(v) for v in tally.latency.values())
    errors = sum(tally.errors.values())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# {os.cpu_count()} CPUs, load average {load:.1f} at the end (other work on the machine skews figures)")
    print(f"{args.clients} clients (+{args.hostile} hostile), {elapsed:.1f}s, {total} requests "
          f"({total / elapsed:.0f}/s), {errors} errors, {cycles} add+remove cycles")
    print(f"{'request':<18}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, values in sorted(tally.latency.items()):
        print(f"{kind:<18}{len(values):>8}{tally.errors.get(kind, 0):>8}{_pct(values, .5) * 1e3:>10.1f}"
              f"{_pct(values, .99) * 1e3:>10.1f}{max(values) * 1e3:>10.1f}")
    for example in tally.examples:
        print("  error:", example)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
