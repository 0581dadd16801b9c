#!/usr/bin/python3
"""A counting baseline for masked-token accuracy: how far do the two neighbours alone get?

For every masked position of a held-out set (the dump's fixed masking), predict the token seen most often
in the training sequences between the same left and right neighbour; back off to the most frequent token
after the left neighbour, then to the most frequent token. No learning, no model: a table of counts over
the packed training sequences dump-mlm-data.mjs wrote. A masked-LM that uses its context well must beat
it; one that sits near it has learned little more than the neighbouring tokens.

  /usr/bin/python3 tools/bench/pretrain/neighbour_count_baseline.py --data /work/pretrain-recipe-data \
      --train-rows 0,4000,16000,64000 --out tools/bench/pretrain/results/neighbour-count-baseline.json
"""
import argparse
import json
import os

import numpy as np


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="directory written by dump-mlm-data.mjs")
    p.add_argument("--train-rows", default="0", help="comma-separated counts of training sequences to count over, from the start of the corpus order (0: all)")
    p.add_argument("--out", default=None, help="JSON file for the results")
    return p.parse_args()


def most_frequent_after(context, token, vocab):
    """{context id: the token most often seen with it} from parallel int64 arrays."""
    keys, counts = np.unique(context * vocab + token, return_counts=True)
    ctx, tok = keys // vocab, keys % vocab
    order = np.lexsort((-counts, ctx))
    ctx, tok = ctx[order], tok[order]
    first = np.r_[True, ctx[1:] != ctx[:-1]]
    return dict(zip(ctx[first].tolist(), tok[first].tolist()))


def main():
    a = parse()
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    T, V, n_special = meta["seqLength"], meta["vocabSize"], meta["numSpecialTokens"]
    cls_id, sep_id = meta["ids"]["[CLS]"], meta["ids"]["[SEP]"]
    read = lambda name: np.fromfile(os.path.join(a.data, name), dtype=np.int32).astype(np.int64)
    train_all = read("train.input_ids.bin").reshape(-1, T)
    sets = {s: (read(f"{s}.input_ids.bin"), read(f"{s}.positions.bin"), read(f"{s}.labels.bin")) for s in meta["sets"]}
    results = []
    for rows in (int(r) for r in a.train_rows.split(",")):
        train = train_all if rows == 0 else train_all[:rows]
        left, mid, right = train[:, :-2].ravel(), train[:, 1:-1].ravel(), train[:, 2:].ravel()
        both = most_frequent_after(left * V + right, mid, V)
        after = most_frequent_after(left, mid, V)
        counts = np.bincount(train.ravel(), minlength=V)
        counts[:n_special] = 0
        top = int(counts.argmax())
        entry = {"trainSequences": int(train.shape[0]), "trainTokens": int(train.size)}
        for split, (ids, positions, labels) in sets.items():
            hits_both = hits_left = 0
            for p, y in zip(positions.tolist(), labels.tolist()):
                t = p % T
                l = int(ids[p - 1]) if t > 0 else cls_id  # the (possibly corrupted) inputs the model sees
                r = int(ids[p + 1]) if t < T - 1 else sep_id
                guess_left = after.get(l, top)
                hits_left += guess_left == y
                hits_both += both.get(l * V + r, guess_left) == y
            entry[split] = {"masked": int(labels.size), "leftAndRight": hits_both / labels.size, "leftOnly": hits_left / labels.size}
        results.append(entry)
        print(json.dumps(entry), flush=True)
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out + ".tmp", "w") as f:
            json.dump({"data": meta["options"], "results": results}, f, indent=1)
        os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
