#!/usr/bin/python3
"""PyTorch CPU reference for the speed benchmark: the SAME BERT (config.json + model.safetensors of the
checkpoint directory, read here with numpy + struct, no Hugging Face libraries), the same synthetic
fixed-shape batches and the same steps as tools/bench/speed/speed-case.mjs:
  forward  backbone + classification head under torch.no_grad()
  lora     LoRA r=8 (alpha 16) on query and value of every layer + head; AdamW + grad-norm clip 2.0
  full     every backbone weight + head trainable; AdamW + clip 2.0
Prints one JSON object. Threads: OpenBLAS gets 2 pthreads and torch 1 intra-op thread by default
(oversubscribing 2 cores with both at 2 is ~4x slower, docs/BACKEND.md); the BLAS actually loaded is read
from /proc/self/maps and reported.
  /usr/bin/python3 tools/bench/speed/torch_reference.py --case lora --model assets/backbone --seq 64
Needs Debian's python3-torch (and libopenblas0-pthread for a fast BLAS); it is a benchmark, not a test.
"""
import argparse
import json
import math
import os
import resource
import struct
import time

parser = argparse.ArgumentParser()
parser.add_argument("--case", required=True, choices=["forward", "lora", "full"])
parser.add_argument("--model", required=True)
parser.add_argument("--seq", type=int, default=64)
parser.add_argument("--batch", type=int, default=16)
parser.add_argument("--reps", type=int, default=10)
parser.add_argument("--warmup", type=int, default=2)
parser.add_argument("--torch-threads", type=int, default=1)
parser.add_argument("--blas-threads", type=int, default=2)
args = parser.parse_args()

# Must be set before the BLAS library loads (with torch).
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.blas_threads))
os.environ.setdefault("OMP_NUM_THREADS", str(args.torch_threads))
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.torch_threads)
torch.manual_seed(0)

# --- the checkpoint: safetensors read with numpy (header: u64 little-endian length, JSON, raw data)

DTYPES = {"F32": np.float32, "F16": np.float16, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[start:end]
        if info["dtype"] == "BF16":
            arr = (np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[info["dtype"]])
        out[name] = torch.from_numpy(arr.astype(np.float32).reshape(info["shape"]).copy())
    return out


config = json.load(open(os.path.join(args.model, "config.json")))
W = read_safetensors(os.path.join(args.model, "model.safetensors"))
W = {k[len("bert."):] if k.startswith("bert.") else k: v for k, v in W.items()}
H = config["hidden_size"]
L = config["num_hidden_layers"]
heads = config["num_attention_heads"]
d = H // heads
eps = config.get("layer_norm_eps", 1e-12)
vocab = config["vocab_size"]
assert config.get("hidden_act", "gelu") == "gelu", "this reference implements the exact erf GELU only"
assert args.seq <= config["max_position_embeddings"]

backbone_params = sum(v.numel() for k, v in W.items() if not k.startswith(("cls.", "classifier.")))
params = {k: v.clone().requires_grad_(args.case == "full") for k, v in W.items() if not k.startswith(("cls.", "classifier."))}
g = torch.Generator().manual_seed(1)
head = {"weight": (torch.randn(2, H, generator=g) * 0.02).requires_grad_(args.case != "forward"), "bias": torch.zeros(2, requires_grad=args.case != "forward")}
lora = {}
if args.case == "lora":
    bound = math.sqrt(6.0 / H)  # kaiming-uniform on [dIn, r], as the plugin does
    for i in range(L):
        for proj in ("query", "value"):
            site = f"encoder.layer.{i}.attention.self.{proj}"
            lora[site] = (torch.empty(H, 8).uniform_(-bound, bound).requires_grad_(), torch.zeros(8, H, requires_grad=True))
LORA_SCALE = 16 / 8


def linear(x, name):
    y = F.linear(x, params[name + ".weight"], params[name + ".bias"])
    if name in lora:
        a, b = lora[name]
        y = y + (x @ a) @ b * LORA_SCALE
    return y


def layer_norm(x, name):
    return F.layer_norm(x, (H,), params[name + ".weight"], params[name + ".bias"], eps)


def forward(ids, types):
    B, T = ids.shape  # batch, tokens
    pos = torch.arange(T)
    x = params["embeddings.word_embeddings.weight"][ids] + params["embeddings.position_embeddings.weight"][pos] + params["embeddings.token_type_embeddings.weight"][types]
    x = layer_norm(x, "embeddings.LayerNorm")  # [B, T, H]
    for i in range(L):
        p = f"encoder.layer.{i}."
        split = lambda t: t.view(B, T, heads, d).transpose(1, 2)  # [B, h, T, d]
        q = split(linear(x, p + "attention.self.query")) / math.sqrt(d)
        k = split(linear(x, p + "attention.self.key"))
        v = split(linear(x, p + "attention.self.value"))
        ctx = torch.softmax(q @ k.transpose(-1, -2), dim=-1) @ v  # no padding: no mask
        ctx = ctx.transpose(1, 2).reshape(B, T, H)
        x = layer_norm(x + linear(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
        ffn = linear(F.gelu(linear(x, p + "intermediate.dense")), p + "output.dense")
        x = layer_norm(x + ffn, p + "output.LayerNorm")
    pooled = torch.tanh(linear(x[:, 0], "pooler.dense")) if "pooler.dense.weight" in params else x[:, 0]
    return pooled, F.linear(pooled, head["weight"], head["bias"])  # [B, H], [B, 2]


# --- the synthetic batch of speed-case.mjs, value for value (row r: id 2, then an LCG over the vocabulary)


def synthetic_batch(n, seq):
    ids = np.zeros((n, seq), dtype=np.int64)
    for r in range(n):
        s = ((r + 1) * 2654435761) % 2**32
        ids[r, 0] = 2
        for t in range(1, seq):
            s = (s * 1664525 + 1013904223) % 2**32
            ids[r, t] = 5 + s % (vocab - 5)
    return torch.from_numpy(ids), torch.zeros((n, seq), dtype=torch.int64)


ids, types = synthetic_batch(args.batch, args.seq)
labels = torch.tensor([(i * 7) % 2 for i in range(args.batch)])

trainable = list(head.values()) + [t for pair in lora.values() for t in pair] + (list(params.values()) if args.case == "full" else [])
opt = torch.optim.AdamW(trainable, lr=3e-4, weight_decay=0.0) if args.case != "forward" else None


def step():
    if args.case == "forward":
        with torch.no_grad():
            return forward(ids, types)[1].sum().item()
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(forward(ids, types)[1], labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(trainable, 2.0)
    opt.step()
    return loss.item()


times = []
for i in range(args.warmup + args.reps):
    t0 = time.perf_counter()
    step()
    if i >= args.warmup:
        times.append((time.perf_counter() - t0) * 1000)


def loaded_blas():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            base = os.path.basename(path)
            if "blas" in base or "mkl" in base or "lapack" in base:
                libs.add(os.path.realpath(path))
    return sorted(libs)


with torch.no_grad():
    pooled_sample = forward(ids, types)[0].flatten()[:16].tolist()
times_sorted = sorted(times)
n = len(times_sorted)
median = (times_sorted[(n - 1) // 2] + times_sorted[n // 2]) / 2
tokens = args.batch * args.seq
print(json.dumps({
    "case": args.case,
    "framework": "torch",
    "torch": torch.__version__,
    "threads": {"torch_intra_op": torch.get_num_threads(), "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")},
    "blas": loaded_blas(),
    "model": args.model,
    "backboneParams": backbone_params,
    "trainableParams": 0 if args.case == "forward" else sum(t.numel() for t in trainable) - (2 * H + 2),  # head apart, as the engine reports
    "batch": args.batch,
    "seq": args.seq,
    "tokensPerBatch": tokens,
    "warmup": args.warmup,
    "steps": {"train" if args.case != "forward" else "forward": {"n": n, "tokens": tokens, "medianMs": median, "minMs": times_sorted[0], "maxMs": times_sorted[-1], "tokensPerSecond": 1000 * tokens / median, "ms": times}},
    "pooledSample": pooled_sample,
    "memory": {"peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024},
}))
