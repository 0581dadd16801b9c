import { describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { inspect } from "./inspect.js";
import { T5_LARGE_CONFIG_DIR, T5_SMALL_CONFIG_DIR, TINY_BERT_DIR } from "@s3pet/models/testing";

const MODEL = TINY_BERT_DIR;

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: "/" };
  return { code: await runCli(argv, io, [inspect]), stdout, stderr };
}

describe("s3pet inspect", () => {
  it("--json gives backboneParams, every site with kind and dims, and the candidates of the given methods", async () => {
    const r = await run(["inspect", "--model", MODEL, "--methods", "lora", "--lora.rank", "2", "--workers", "1", "--json"]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["backboneParams", "sites", "candidates", "memory"]);
    expect(out.memory.search).toMatchObject({ workers: 1, microBatchSize: 16, length: 64, weights: 4 * 25440, fits: true });
    expect(out.memory.search.perWorker).toBeGreaterThan(out.memory.search.weights + out.memory.search.activations);
    expect(out.backboneParams).toBe(25440);
    expect(out.sites).toHaveLength(2 + 2 * 12);
    expect(out.sites[0]).toEqual({ name: "embeddings.LayerNorm", kind: "norm", dims: { dim: 32 } });
    expect(out.sites[2]).toEqual({ name: "encoder.layer.0.attention.self.query", kind: "linear", dims: { dIn: 32, dOut: 32 } });
    // 6 linear sites per layer x 2 layers; rank 2: 2 * (dIn + dOut)
    expect(out.candidates).toHaveLength(12);
    expect(out.candidates[0]).toEqual({ site: "encoder.layer.0.attention.self.query", method: "lora", options: { rank: 2, alpha: 16, dropout: 0 }, params: 128 });
    expect(out.candidates.find((c: { site: string }) => c.site.endsWith("0.intermediate.dense")).params).toBe(2 * (32 + 64));
  });
  it("prints the folded tree and how many candidates fit in --budget (cheapest first)", async () => {
    const r = await run(["inspect", "--model", MODEL, "--methods", "lora,bitfit", "--budget", "300"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(`backbone  bert 2x32 (4 heads, ffn 64, vocab 160) · 25,440 params · ${MODEL}`);
    expect(lines.slice(2, 7)).toEqual([
      "embeddings.LayerNorm                 norm        dim 32",
      "embeddings                           embedding   dim 32, vocab 160",
      "encoder.layer.{0-1}                  ×2",
      "├─ attention.self.query              linear      32 → 32",
      "├─ attention.self.key                linear      32 → 32",
    ]);
    expect(lines).toContain("├─ intermediate.intermediate_act_fn  activation  dim 64");
    expect(lines).toContain("└─ output.LayerNorm                  norm        dim 32");
    expect(r.stdout).toContain(
      [
        "candidates: 41 (site × method, options as given)",
        "  method  options                    candidates  params each  all together  fit in 300 (1.18%)",
        "  lora    rank=1 alpha=16 dropout=0          12        64–96           896                   4",
        "  lora    rank=8 alpha=16 dropout=0          12      512–768         7,168                   0",
        "  bitfit                                     17        32–64           608                   9",
      ].join("\n"),
    );
    // lora enters a search space at ranks 1 and 8 (its searchOptions), one row each; 4 x 64 = 256 <= 300
    // bitfit: 15 sites of 32 (the embeddings' LayerNorm included) and 2 of 64 parameters; 9 x 32 = 288 <= 300
  });
  it("rejects an unknown method and a missing model directory with exit 2", async () => {
    const unknown = await run(["inspect", "--model", MODEL, "--methods", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^s3pet inspect: --methods: unknown PET method 'nope': install @s3pet\/plugin-nope \(installed: .*\)\n$/);
    const missing = await run(["inspect", "--model", "/no/model"]);
    expect(missing).toMatchObject({ code: 2, stderr: "s3pet inspect: /no/model: no such directory; pass a checkpoint directory with config.json and model.safetensors\n" });
  });

  it("a T5 from config.json alone: both stacks' sites, HF names, parameters as transformers counts them", async () => {
    const small = JSON.parse((await run(["inspect", "--model", T5_SMALL_CONFIG_DIR, "--methods", "lora,prefix,adapter,lnfit", "--json"])).stdout);
    expect(small.backboneParams).toBe(60_506_624);
    expect(small.sites).toHaveLength(1 + 6 * 12 + 1 + 6 * 18 + 1);
    expect(small.sites).toContainEqual({ name: "decoder.block.5.layer.1.EncDecAttention.o", kind: "linear", dims: { dIn: 512, dOut: 512 } });
    expect(small.sites).toContainEqual({ name: "encoder.block.3.layer.0.SelfAttention", kind: "attention", dims: { hidden: 512, heads: 8, headDim: 64 } });
    const count = (method: string) => new Set(small.candidates.filter((c: { method: string }) => c.method === method).map((c: { site: string }) => c.site)).size;
    // linear: 6 per encoder block (q k v o wi wo), 10 per decoder block; attention: self-attention of both stacks;
    // residual: 2 per encoder block, 3 per decoder block; norm: 2 + 3 per block and the two final norms
    expect([count("lora"), count("prefix"), count("adapter"), count("lnfit")]).toEqual([6 * 6 + 6 * 10, 12, 6 * 2 + 6 * 3, 6 * 2 + 6 * 3 + 2]);
    const large = await run(["inspect", "--model", T5_LARGE_CONFIG_DIR, "--methods", "lora"]);
    expect(large.code).toBe(0);
    const lines = large.stdout.split("\n");
    expect(lines[0]).toBe(`backbone  t5 24+24x1024 (16 heads x 64, ffn 4096 relu, vocab 32128, tied) · 737.67M params · ${T5_LARGE_CONFIG_DIR}`);
    expect(lines.some((l) => /^encoder\.block\.\{0-23\}\s+×24$/.test(l))).toBe(true);
    expect(lines.some((l) => /^decoder\.block\.\{0-23\}\s+×24$/.test(l))).toBe(true);
    expect(large.stdout).toContain("no estimate: this backbone gives no memory profile");
  });
});
