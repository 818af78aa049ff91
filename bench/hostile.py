"""Hostile inputs against `tracuu serve`: the server's time and RSS for each, on loopback (issue 18).

    python bench/hostile.py                                  # this tree, over a copy of bench/.cache/party
    python bench/hostile.py --tree /tmp/before --cap 30      # another checkout (its src/ and api/), e.g. "before"
    python bench/hostile.py --only docx-bomb,cjk-query

Each input gets a fresh server (a write token and a read token set, so "no token" means something), started in a
child process whose RSS is sampled every 20 ms; a server past --max-rss MB is killed (the old code reached 9 GB on a
DOCX bomb) and a request is given up after --cap seconds. Prints one row per input: HTTP status (or what happened),
seconds, RSS at start and peak, and what changed: bytes the client got to send, files left in uploads/, whether
a new generation was written. A bounded script, not a test.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from helpers import pdf_document, tiny_pdf  # noqa: E402  (the tests' PDF writers: one implementation)
TOKEN, READ = "bench-token", "bench-read"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARA = "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu. "


# -- hostile files --------------------------------------------------------------------------------------------------
def docx(xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def docx_xml(text_mb: float, paragraph: str = PARA) -> bytes:
    para = f"<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>".encode()
    body = para * int(text_mb * 1024 * 1024 / len(para))
    return f'<w:document xmlns:w="{W}"><w:body>'.encode() + body + b"</w:body></w:document>"


def pdf_pages(pages: int) -> bytes:
    """A PDF of `pages` empty pages, written directly (pypdf takes minutes for 100k)."""
    kids = " ".join(f"{n + 3} 0 R" for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    return pdf_document(objects + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"] * pages)


def multipart(name: str, data: bytes) -> tuple[bytes, bytes]:
    head = f'--b\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
    return head, b"\r\n--b--\r\n"


# -- the server -----------------------------------------------------------------------------------------------------
class Server:
    def __init__(self, tree: Path, index: Path, links: Path, max_rss_mb: float) -> None:
        self.port = _free_port()
        env = {**os.environ, "TRACUU_API_TOKEN": TOKEN, "TRACUU_API_READ_TOKEN": READ, "HF_HUB_OFFLINE": "1",
               "PYTHONPATH": f"{tree / 'src'}:{links}"}
        self.proc = subprocess.Popen([sys.executable, "-m", "tracuu", "serve", "--index", str(index), "--port",
                                      str(self.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.max_rss, self.killed, self.peak, self.samples = max_rss_mb, False, 0.0, True
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    if sock.recv(100).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                time.sleep(0.1)
        self.start_rss = self.rss()
        threading.Thread(target=self._watch, daemon=True).start()

    def rss(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def _watch(self) -> None:
        while self.samples and self.proc.poll() is None:
            self.peak = max(self.peak, self.rss())
            if self.peak > self.max_rss:
                self.killed = True
                self.proc.kill()
            time.sleep(0.02)

    def stop(self) -> None:
        self.samples = False
        self.proc.kill()
        self.proc.wait(10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answer(sock: socket.socket, cap: float) -> bytes:
    sock.settimeout(cap)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and _complete(data):
                break
    except OSError:
        pass
    return data


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def send(port: int, head: str, body_parts: Callable[[], object], cap: float, chunked: bool = False) -> dict:
    """One request on a raw socket; the body from `body_parts` (bytes pieces) stops as soon as the server answers
    or stops reading."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(head.encode())
    sent, answered, started = 0, b"", time.monotonic()
    sock.settimeout(0.5)
    try:
        for piece in body_parts():
            if time.monotonic() - started > cap:
                break
            frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
            sock.sendall(frame)
            sent += len(piece)
            sock.setblocking(False)
            try:
                answered = sock.recv(65536)
            except BlockingIOError:
                pass
            sock.setblocking(True)
            sock.settimeout(5)
            if answered:
                break
        else:
            if chunked:
                sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    answer = answered + _answer(sock, max(1.0, cap - (time.monotonic() - started)))
    sock.close()
    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "no answer"
    body = answer.partition(b"\r\n\r\n")[2][:160].decode("utf-8", "replace")
    return {"status": status, "sent": sent, "body": body}


def upload(port: int, name: str, data: bytes, cap: float, token: str | None = TOKEN) -> dict:
    head_part, tail = multipart(name, data)
    body = head_part + data + tail
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (f"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return send(port, head, lambda: (body[i:i + 65536] for i in range(0, len(body), 65536)), cap)


# -- the inputs -------------------------------------------------------------------------------------------------
def _get(port: int, path: str, cap: float, token: str | None = READ) -> dict:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return send(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n", lambda: (), cap)


def _zeros(total: int, block: int = 1 << 20):
    piece = b"0" * block
    return lambda: (piece for _ in range(total // block))


def upload_no_token(port: int, cap: float) -> dict:
    head = ("POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n\r\n")
    first = multipart("lon.txt", b"")[0]
    return send(port, head, lambda: (first, *(_zeros(1 << 30)())), cap, chunked=True)


def json_no_token(port: int, cap: float) -> dict:
    size = 100 * 1024 * 1024
    head = (f"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size + 9}\r\n\r\n")
    return send(port, head, lambda: (b'{"q": "', *_zeros(size)(), b'"}  '), cap)


def json_stream_no_token(port: int, cap: float) -> dict:
    head = ("POST /ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")
    return send(port, head, lambda: (b'{"question": "', *_zeros(4 << 30)()), cap, chunked=True)


def json_with_token(port: int, cap: float) -> dict:
    size = 100 * 1024 * 1024
    head = (f"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {READ}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size + 9}\r\n\r\n")
    return send(port, head, lambda: (b'{"q": "', *_zeros(size)(), b'"}  '), cap)


def dense_searches(port: int, cap: float, queries: list[str]) -> dict:
    """POST each query to /search (dense mode) in turn; the last answer, with every search's time in its note."""
    times, out = [], {}
    for query in queries:
        body = json.dumps({"q": query, "k": 5, "mode": "dense"}).encode()
        head = (f"POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {READ}\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        started = time.perf_counter()
        out = send(port, head, lambda: (body,), cap)
        times.append(time.perf_counter() - started)
    out["note"] = f"{len(queries)} dense searches: " + " ".join(f"{t:.2f}s" for t in times)
    return out


def cjk_query(port: int, cap: float) -> dict:
    rng = random.Random(5)
    query = "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(1000))
    return dense_searches(port, cap, [query[:999] + str(n) for n in range(3)])


def normal_query(port: int, cap: float) -> dict:
    return dense_searches(port, cap, [f"tỷ lệ lao động qua đào tạo đến năm {2025 + n}" for n in range(3)])


def slowloris(port: int, cap: float) -> dict:
    sock = socket.create_connection(("127.0.0.1", port))
    started, request = time.monotonic(), b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    sock.settimeout(1.0)
    answer = b""
    try:
        for byte in request:
            if time.monotonic() - started > cap:
                break
            sock.sendall(bytes([byte]))
            try:
                answer = sock.recv(1000)
                break
            except socket.timeout:
                pass
    except OSError:
        pass
    sock.close()
    return {"status": answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "closed" if answer == b""
            and time.monotonic() - started < cap else "open", "sent": 0,
            "note": f"headers sent 1 byte/s: connection ended after {time.monotonic() - started:.1f}s"}


def idle(port: int, cap: float) -> dict:
    sock = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    sock.settimeout(cap)
    try:
        data = sock.recv(100)
        what = "closed"
    except socket.timeout:
        data, what = b"", "open"
    sock.close()
    return {"status": what, "sent": 0, "note": f"silent connection {what} after {time.monotonic() - started:.1f}s"
            + (f" ({data[:20]!r})" if data else "")}


INPUTS: dict[str, Callable[..., dict]] = {
    "upload-no-token-1GiB-chunked": lambda port, cap, ctx: upload_no_token(port, cap),
    "json-no-token-100MB": lambda port, cap, ctx: json_no_token(port, cap),
    "json-no-token-chunked-stream": lambda port, cap, ctx: json_stream_no_token(port, cap),
    "json-100MB-with-token": lambda port, cap, ctx: json_with_token(port, cap),
    "docx-bomb": lambda port, cap, ctx: upload(port, "bom.docx", ctx["bomb"], cap),
    "docx-5MB-text-20KB": lambda port, cap, ctx: upload(port, "chu.docx", ctx["text_docx"], cap),
    "pdf-100k-pages": lambda port, cap, ctx: upload(port, "trang.pdf", ctx["pages"], cap),
    "jsonl-10MB-line": lambda port, cap, ctx: upload(port, "dong.jsonl", ctx["line"], cap),
    "name-300-utf8-bytes": lambda port, cap, ctx: upload(port, "ệ" * 100 + ".txt", PARA.encode(), cap),
    "pdf-named-txt": lambda port, cap, ctx: upload(port, "gia.txt", ctx["pdf"], cap),
    "html-unclosed-svg": lambda port, cap, ctx: upload(port, "an.html", f"<svg><p>{PARA}</p>".encode(), cap),
    "same-id-as-shipped": lambda port, cap, ctx: upload(port, ctx["shipped"], b"Mot doan gia mao.", cap),
    "search-date-2024-13-45": lambda port, cap, ctx: _get(port, "/search?q=chuyen+doi+so&date_from=2024-13-45", cap),
    "cjk-query-1000-chars": lambda port, cap, ctx: cjk_query(port, cap),
    "normal-query": lambda port, cap, ctx: normal_query(port, cap),
    "slow-headers": lambda port, cap, ctx: slowloris(port, cap),
    "idle-connection": lambda port, cap, ctx: idle(port, cap),
}


def _context(index: Path) -> dict:
    text_docx = docx(docx_xml(5, "".join(chr(0x61 + i % 26) for i in range(97)) + " "))
    return {"bomb": docx(docx_xml(200)), "text_docx": text_docx, "pages": pdf_pages(100_000),
            "line": (json.dumps({"_id": "dong-dai", "text": PARA * (10 * 1024 * 1024 // len(PARA))},
                                ensure_ascii=False) + "\n").encode(),
            "pdf": tiny_pdf("Ke hoach chuyen doi so cua tinh nam 2025"), "shipped": "nghi-quyet-dai-hoi-xiii.txt"}


LONG_QUERY = ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng xác định những mục tiêu, nhiệm vụ và giải "
              "pháp chủ yếu nào để phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia, nâng "
              "cao năng suất lao động, tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ và tỷ lệ đô thị hóa đến năm "
              "2025, tầm nhìn đến năm 2030 và năm 2045?")
ENCODING = """
import random, sys, time
import tracuu
index = tracuu.open_index(sys.argv[1])
rng = random.Random(5)
cjk = "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(1000))
emoji = "".join(chr(0x1F600 + rng.randrange(80)) for _ in range(1000))
index.query_vector("khởi động")
for name, query in (("short query", "tỷ lệ lao động qua đào tạo"), ("long query", sys.argv[2]),
                    ("1000 CJK chars", cjk), ("1000 emoji", emoji)):
    cpu, wall = [], []
    for n in range(3):  # a new text each time: the query cache would answer a repeat
        text = str(n) + query[1:]
        c, w = time.thread_time(), time.perf_counter()
        index.query_vector(text)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    tokens = index.encoder.count_tokens(query)
    print(f"{name:<16}{len(query):>7}{tokens:>8}{min(cpu):>10.3f}{min(wall):>10.3f}")
"""


def encoding_cost(tree: Path, links: Path, index: Path) -> None:
    """Index.query_vector on the tree's own code, one OpenMP thread as `tracuu serve` runs it: CPU seconds of the
    encoding thread (what a quiet machine would take) and wall seconds (what this one took)."""
    env = {**os.environ, "PYTHONPATH": f"{tree / 'src'}:{links}", "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    print(f"# query encoding (Index.query_vector, best of 3, load {os.getloadavg()[0]:.1f})")
    print(f"{'query':<16}{'chars':>7}{'tokens':>8}{'cpu s':>10}{'wall s':>10}", flush=True)
    subprocess.run([sys.executable, "-c", ENCODING, str(index), LONG_QUERY], env=env, check=False)


def _generation(root: Path) -> str:
    return (root / "CURRENT").read_text(encoding="utf-8").strip()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tree", default=str(HERE.parent), help="checkout whose src/ and api/ are served")
    p.add_argument("--index", default=str(HERE / ".cache" / "party"), help="index to copy (its live generation)")
    p.add_argument("--cap", type=float, default=30.0, help="seconds before a request is given up")
    p.add_argument("--max-rss", type=float, default=3000.0, help="MB of server RSS before it is killed")
    p.add_argument("--only", default="", help="comma-separated input names (and 'encoding')")
    args = p.parse_args(argv)
    tree = Path(args.tree).resolve()
    chosen = [n for n in INPUTS if not args.only or n in args.only.split(",")]
    with tempfile.TemporaryDirectory(prefix="tracuu-hostile-") as tmp:
        links = Path(tmp) / "links"
        links.mkdir()
        (links / "tracuu_api").symlink_to(tree / "api")
        context = _context(Path(args.index))
        commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], text=True,
                                capture_output=True).stdout.strip()
        print(f"# tree {tree} ({commit}), {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
              f"bomb {len(context['bomb']) // 1024} KB, "
              f"5 MB-text docx {len(context['text_docx']) // 1024} KB, 100k-page PDF {len(context['pages']) >> 20} MB")
        if not args.only or "encoding" in args.only.split(","):
            encoding_cost(tree, links, Path(args.index))
        print(f"{'input':<30}{'status':>9}{'seconds':>9}{'RSS MB':>8}{'peak':>7}{'sent MB':>9}  changed / note")
        for name in chosen:
            root = Path(tmp) / "index"
            shutil.rmtree(root, ignore_errors=True)
            live = _generation(Path(args.index))
            shutil.copytree(Path(args.index) / live, root / live)
            (root / "CURRENT").write_text(live + "\n", encoding="utf-8")
            server = Server(tree, root, links, args.max_rss)
            started = time.perf_counter()
            try:
                out = INPUTS[name](server.port, args.cap, context)
            finally:
                seconds = time.perf_counter() - started
                time.sleep(0.5)  # a write that goes on after the answer shows in RSS and generation
                server.stop()
            uploads = sorted(p.name for p in (root / "uploads").iterdir()) if (root / "uploads").is_dir() else []
            changed = []
            if _generation(root) != live:
                changed.append("new generation")
            if uploads:
                changed.append("uploads/: " + ", ".join(u[:24] for u in uploads))
            status = "killed" if server.killed else out["status"]
            note = "; ".join(changed + [out.get("note") or out["body"][:70].replace("\n", " ")])
            print(f"{name:<30}{status:>9}{seconds:>9.2f}{server.start_rss:>8.0f}{server.peak:>7.0f}"
                  f"{out['sent'] / 1048576:>9.1f}  {note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
