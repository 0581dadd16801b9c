#!/usr/bin/python3
"""A torch replica of `s3pet pretrain`'s recipe, on the data dump-mlm-data.mjs wrote.

It checks that our tfjs implementation learns as fast as a reference implementation of the same
recipe, and scans recipe changes cheaply (torch on the CPU is several times faster than the wasm run).
What it copies from packages/models/src/pretrain (mlm-replica.ts, pretrain-mlm.ts, mask-tokens.ts,
masked-lm-loss.ts), ../heads/masked-lm-head.ts, ../bert/ and core's train/adamw.ts:
- BERT encoder, post-LN (x -> LN(x + attn(x)) -> LN(a + ffn(a))), exact (erf) GELU, LayerNorm eps
  1e-12 on the embeddings (word + position + token type), no dropout, no pooler;
- MLM head LN(gelu(h W + b)) E^T + b_dec, decoder tied to the word embeddings, logits only at the
  masked positions, mean cross-entropy over them; accuracy = argmax hits / masked;
- init normal(0, 0.02) for kernels and embeddings ([PAD] row zeroed), zero biases, LN 1 / 0;
- AdamW (beta 0.9 / 0.999, eps 1e-6, decoupled decay lr * wd * w), weight decay 0.01 on everything
  but biases, LayerNorm parameters and the decoder bias; global-norm clipping to 1;
- lr: linear warmup (t + 1) / warmup, then linear decay to 0 at the schedule's last step;
- batches: an epoch-wise shuffle of the packed sequences; masking drawn per step: each non-special
  token with probability p, then 80% [MASK] / 10% random non-special / 10% kept.
The held-out set is our run's own fixed masked set ("validation" in the dump), so loss and accuracy
compare with pretrain-report.json / the run's log directly. Random streams differ from ours (torch's
generator, not core's SeededRng), so curves agree up to seed noise, not bit for bit.

  /usr/bin/python3 tools/bench/pretrain/torch_mlm_reference.py --data /work/pretrain-recipe-data \
      --schedule-steps 6400 --max-steps 1500 --eval-every 250 --out results/validation.json
Options beyond the recipe: --pre-ln (pre-LayerNorm blocks plus a final LayerNorm), --mask-prob,
--lr, --warmup (fraction of the schedule, or steps if >= 1), --batch-size, --layers/--hidden/--heads/--ffn.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="directory written by dump-mlm-data.mjs")
    p.add_argument("--schedule-steps", type=int, default=6400, help="steps the lr schedule is sized to (--steps of s3pet pretrain)")
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many steps (default: the whole schedule)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=float, default=0.06, help="fraction of the schedule (< 1) or steps (>= 1)")
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--mask-prob", type=float, default=0.15)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--heads", type=int, default=None, help="default hidden / 32")
    p.add_argument("--ffn", type=int, default=None, help="default 4 * hidden")
    p.add_argument("--pre-ln", action="store_true")
    p.add_argument("--init-std", type=float, default=0.02)
    p.add_argument("--position", choices=["absolute", "relative_key", "relative_key_query"], default="absolute",
                   help="BERT's position_embedding_type: relative_key adds a learned per-distance key term to each layer's scores (Shaw et al. 2018) instead of absolute position embeddings; relative_key_query also a key-side term")
    p.add_argument("--position-init", choices=["normal", "sinusoidal"], default="normal",
                   help="sinusoidal: the learned position embeddings start as the Transformer's sinusoids, scaled to the word embeddings' std")
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    p.add_argument("--splits", default="validation", help="held-out sets to score, comma-separated (validation, test)")
    p.add_argument("--name", default=None)
    p.add_argument("--out", default=None, help="JSON file for the run's config, evals and speed")
    return p.parse_args()


class Layer(nn.Module):
    def __init__(self, h, heads, ffn, pre_ln, relative_seq=0, key_query=False):
        super().__init__()
        self.heads, self.pre_ln, self.relative_seq, self.key_query = heads, pre_ln, relative_seq, key_query
        # HF BertSelfAttention's relative_key: one embedding per distance, shared by the heads.
        self.distance = nn.Embedding(2 * relative_seq - 1, h // heads) if relative_seq else None
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.ln1 = nn.LayerNorm(h, eps=1e-12)
        self.fc1, self.fc2 = nn.Linear(h, ffn), nn.Linear(ffn, h)
        self.ln2 = nn.LayerNorm(h, eps=1e-12)

    def attn(self, x):  # x [B, T, H]
        B, T, H = x.shape
        d = H // self.heads
        split = lambda t: t.view(B, T, self.heads, d).transpose(1, 2)  # [B, heads, T, d]
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-1, -2)  # [B, heads, T, T]
        if self.distance is not None:
            i = torch.arange(T)
            rel = self.distance(i[:, None] - i[None, :] + self.relative_seq - 1)  # [T, T, d]
            scores = scores + torch.einsum("bhld,lrd->bhlr", q, rel)
            if self.key_query:
                scores = scores + torch.einsum("bhrd,lrd->bhlr", k, rel)
        p = torch.softmax(scores / math.sqrt(d), dim=-1)
        return self.o((p @ v).transpose(1, 2).reshape(B, T, H))

    def ffn(self, x):
        return self.fc2(F.gelu(self.fc1(x)))  # erf GELU, as hidden_act "gelu"

    def forward(self, x):
        if self.pre_ln:
            x = x + self.attn(self.ln1(x))
            return x + self.ffn(self.ln2(x))
        a = self.ln1(x + self.attn(x))
        return self.ln2(a + self.ffn(a))


class BertMlm(nn.Module):
    def __init__(self, vocab, seq, layers, h, heads, ffn, pre_ln, std, position_init, position):
        super().__init__()
        self.word = nn.Embedding(vocab, h)
        self.pos = nn.Embedding(seq, h) if position == "absolute" else None
        self.token_type = nn.Embedding(2, h)
        self.emb_ln = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList(Layer(h, heads, ffn, pre_ln, 0 if position == "absolute" else seq, position == "relative_key_query") for _ in range(layers))
        self.final_ln = nn.LayerNorm(h, eps=1e-12) if pre_ln else None
        self.head_dense = nn.Linear(h, h)
        self.head_ln = nn.LayerNorm(h, eps=1e-12)
        self.dec_bias = nn.Parameter(torch.zeros(vocab))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, std)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)
        with torch.no_grad():
            self.word.weight[0].zero_()  # [PAD]
            if position_init == "sinusoidal" and self.pos is not None:
                self.pos.weight.copy_(sinusoids(seq, h) * std)

    def forward(self, ids, types, positions):
        """ids, types [B, T]; positions [M] flat b*T+t -> logits [M, V]"""
        B, T = ids.shape
        x = self.word(ids) + self.token_type(types)
        if self.pos is not None:
            x = x + self.pos.weight[:T][None]
        x = self.emb_ln(x)
        for layer in self.layers:
            x = layer(x)
        if self.final_ln is not None:
            x = self.final_ln(x)
        h = x.reshape(B * T, -1)[positions]  # [M, H]
        h = self.head_ln(F.gelu(self.head_dense(h)))
        return h @ self.word.weight.t() + self.dec_bias


def sinusoids(seq, h):
    """[seq, h] sin/cos at geometric frequencies (Vaswani et al. 2017), std 1 per row."""
    pos = torch.arange(seq, dtype=torch.float32)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, h, 2, dtype=torch.float32) / h)[None]
    out = torch.zeros(seq, h)
    out[:, 0::2], out[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    return out * math.sqrt(2)


def mask_tokens(ids, p, mask_id, n_special, vocab, gen):
    """BERT's 80/10/10 corruption of [B, T] ids -> (corrupted ids, flat positions [M], labels [M])."""
    flat = ids.reshape(-1)
    selected = (flat >= n_special) & (torch.rand(flat.shape, generator=gen) < p)
    positions = selected.nonzero().squeeze(1)
    labels = flat[positions]
    out = flat.clone()
    u = torch.rand(positions.shape, generator=gen)
    out[positions[u < 0.8]] = mask_id
    rnd = positions[(u >= 0.8) & (u < 0.9)]
    out[rnd] = torch.randint(n_special, vocab, rnd.shape, generator=gen)
    return out.view_as(ids), positions, labels


def load(data, name, rows, T):
    return torch.from_numpy(np.fromfile(os.path.join(data, name), dtype=np.int32).astype(np.int64)).view(rows, T)


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    T, V, n_special, mask_id = meta["seqLength"], meta["vocabSize"], meta["numSpecialTokens"], meta["ids"]["[MASK]"]
    n_train = meta["trainSequences"]
    train_ids = load(a.data, "train.input_ids.bin", n_train, T)
    train_types = load(a.data, "train.token_type_ids.bin", n_train, T)
    evals = {}
    for split, info in meta["sets"].items():
        if split not in a.splits.split(","):
            continue
        n = info["sequences"]
        flat = lambda f: torch.from_numpy(np.fromfile(os.path.join(a.data, f"{split}.{f}.bin"), dtype=np.int32).astype(np.int64))
        evals[split] = (load(a.data, f"{split}.input_ids.bin", n, T), load(a.data, f"{split}.token_type_ids.bin", n, T), flat("positions"), flat("labels"))

    heads = a.heads or max(1, a.hidden // 32)
    ffn = a.ffn or 4 * a.hidden
    torch.manual_seed(a.seed)
    model = BertMlm(V, T, a.layers, a.hidden, heads, ffn, a.pre_ln, a.init_std, a.position_init, a.position)
    n_params = sum(p.numel() for p in model.parameters())
    # As pretrain-mlm.ts: no decay on biases, LayerNorm parameters and the decoder bias.
    norms = {id(p) for m in model.modules() if isinstance(m, nn.LayerNorm) for p in m.parameters()}
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or id(p) in norms]
    no_decay_ids = {id(p) for p in no_decay}
    decay = [p for p in model.parameters() if id(p) not in no_decay_ids]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=a.lr, betas=(0.9, 0.999), eps=1e-6,
    )
    S = a.schedule_steps
    W = max(1, round(a.warmup * S)) if a.warmup < 1 else int(a.warmup)

    def factor(t):  # core's warmupLinearDecay, t 0-based
        if t < W:
            return (t + 1) / W
        return max(0, S - t) / max(1, S - W)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    max_steps = a.max_steps or S
    gen = torch.Generator().manual_seed(a.seed + 1)

    def evaluate(split):
        ids, types, positions, labels = evals[split]
        model.eval()
        loss_sum, correct = 0.0, 0
        with torch.no_grad():
            for lo in range(0, ids.shape[0], 64):
                hi = min(lo + 64, ids.shape[0])
                sel = (positions >= lo * T) & (positions < hi * T)
                logits = model(ids[lo:hi], types[lo:hi], positions[sel] - lo * T)
                loss_sum += F.cross_entropy(logits, labels[sel], reduction="sum").item()
                correct += (logits.argmax(1) == labels[sel]).sum().item()
        model.train()
        return {"loss": loss_sum / labels.numel(), "accuracy": correct / labels.numel()}

    name = a.name or f"L{a.layers}H{a.hidden}-lr{a.lr:g}-b{a.batch_size}-S{S}-m{a.mask_prob:g}{'-preln' if a.pre_ln else ''}{'-sinpos' if a.position_init == 'sinusoidal' else ''}{'' if a.position == 'absolute' else '-' + a.position}"
    result = {
        "name": name, "config": vars(a), "params": n_params, "warmupSteps": W, "trainSequences": n_train,
        "loadavgStart": os.getloadavg(), "evals": [], "torch": torch.__version__, "threads": torch.get_num_threads(),
    }
    print(json.dumps({k: v for k, v in result.items() if k != "evals"}), flush=True)

    def save():
        if a.out:
            os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
            tmp = a.out + ".tmp"
            with open(tmp, "w") as f:
                json.dump(result, f, indent=1)
            os.replace(tmp, a.out)

    order, epoch = None, -1
    train_seconds, loss_acc, loss_n = 0.0, 0.0, 0
    started = time.time()
    for step in range(1, max_steps + 1):
        t0 = time.perf_counter()
        rows = []
        for b in range(a.batch_size):
            sample = (step - 1) * a.batch_size + b
            if sample // n_train != epoch:
                epoch = sample // n_train
                order = torch.randperm(n_train, generator=gen)
            rows.append(order[sample % n_train])
        rows = torch.stack(rows)
        ids, positions, labels = mask_tokens(train_ids[rows], a.mask_prob, mask_id, n_special, V, gen)
        logits = model(ids, train_types[rows], positions)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip).item()
        opt.step()
        sched.step()
        train_seconds += time.perf_counter() - t0
        loss_acc += loss.item()
        loss_n += 1
        if step % a.eval_every == 0 or step == max_steps:
            e = {"step": step, "tokens": step * a.batch_size * T, **{f"{s}": evaluate(s) for s in evals}, "trainLoss": loss_acc / loss_n,
                 "gradNorm": grad_norm, "lr": opt.param_groups[0]["lr"], "tokensPerSecond": step * a.batch_size * T / train_seconds,
                 "elapsedSeconds": time.time() - started, "loadavg": os.getloadavg()}
            loss_acc, loss_n = 0.0, 0
            result["evals"].append(e)
            v = e["validation"]
            print(f"step {step:5d}  held-out loss {v['loss']:.3f} acc {100 * v['accuracy']:.1f}%  train {e['trainLoss']:.3f}  "
                  f"|g| {grad_norm:.2f}  {e['tokensPerSecond']:.0f} tok/s  {e['elapsedSeconds'] / 60:.1f} min  load {e['loadavg'][0]:.1f}", flush=True)
            save()
    result["trainSeconds"] = train_seconds
    result["tokensPerSecond"] = max_steps * a.batch_size * T / train_seconds
    result["loadavgEnd"] = os.getloadavg()
    save()


if __name__ == "__main__":
    main()
