// The benchmark figures from the committed results JSON: one accuracy-against-budget SVG per task of a
// quality report (every plain row drawn, variants and transfers left out) and the speed figures.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderQualityFigures } from "./quality/render-quality-figures.mjs";
import { renderQualityMarkdown } from "./quality/render-quality-markdown.mjs";
import { renderSpeedFigures } from "./speed/render-speed-figures.mjs";

const HERE = new URL(".", import.meta.url).pathname;
const results = (path) => JSON.parse(readFileSync(join(HERE, path), "utf8"));
const out = () => mkdtempSync(join(tmpdir(), "s3pet-figures-"));
/** The legend's labels, in order. */
const legend = (svg) => [...svg.matchAll(/role-legend-label[\s\S]*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe("benchmark figures", () => {
  it("quality: one standalone SVG per task, a legend entry per row, the majority baseline drawn", async () => {
    const report = results("quality/results/quality-r512-l32.json");
    const dir = out();
    const files = await renderQualityFigures(report, dir, "q");
    expect(Object.keys(files)).toEqual(["spam", "sotu-party", "emoji-group"]);
    const svg = readFileSync(files.spam, "utf8");
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(legend(svg)).toEqual([
      "S3PET, mixed space", "S3PET, LoRA only", "random structure, mixed space", "LoRA r=8 on query/value (preset)",
      "Adapter after attention and FFN (preset)", "BitFit, all biases (preset)", "Prefix on every layer (preset)", "full fine-tuning",
    ]);
    expect(svg).toContain("spam: test accuracy against trained parameters");
    expect(svg).toContain("dashed: always predicting the majority class");
  });

  it("quality: the markdown links the figures after the main table", () => {
    const markdown = renderQualityMarkdown(results("quality/results/quality-r512-l32.json"), { spam: "figures/q-spam.svg" });
    const table = markdown.indexOf("| majority class |");
    const link = markdown.indexOf("![spam: test score against trained parameters](figures/q-spam.svg)");
    expect(table).toBeGreaterThan(0);
    expect(link).toBeGreaterThan(table);
  });

  it("quality: an ablation's variant rows are not drawn as rows of their own", async () => {
    const files = await renderQualityFigures(results("quality/results/ablation-spam.json"), out(), "a");
    expect(legend(readFileSync(files.spam, "utf8")).some((l) => l.includes("~"))).toBe(false);
  });

  it("speed: tokens/s against sequence length (main suite) and against workers (real sizes)", async () => {
    const dir = out();
    const seq = await renderSpeedFigures(results("speed/results/speed-20261126T2306.json"), dir, "s");
    expect(Object.keys(seq)).toEqual(["seq"]);
    expect(legend(readFileSync(seq.seq, "utf8"))).toEqual(["tfjs wasm: LoRA step", "tfjs wasm: search step (mixed space)", "torch: LoRA step"]);
    const workers = await renderSpeedFigures(results("speed/results/speed-real-sizes-20261203T2314.json"), dir, "w");
    const svg = readFileSync(workers.workers, "utf8");
    expect(svg).not.toContain("only 1 worker(s) measured in this report");
    // bert-base's full fine-tuning failed (out of memory) at both counts: no line for it
    expect(legend(svg)).toEqual(["bert-base: LoRA step", "bert-base: search step (mixed space)", "embedded: LoRA step", "embedded: full fine-tuning step", "embedded: search step (mixed space)", "t5-small: forward", "t5-small: search step (mixed space)"]);
  });
});
