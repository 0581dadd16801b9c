// `s3pet doctor`: which tfjs backend runs here and how fast, so a slow or misconfigured machine is
// visible before a long search (backend, SIMD, threads, versions, kernel fixes, matmul GFLOP/s).
import { resolve } from "node:path";
import { installKernelFixes, initBackend, measureMatmulGflops, ROOFLINE_MATMUL_SIZE } from "@s3pet/core";
import { loadPretrained } from "@s3pet/models";
import { defineCommand } from "../cli/command.js";
import { MEMORY_PLAN_FLAGS, runFlag } from "../run-config/run-flags.js";
import { selectMethods } from "../run/prepare-run.js";
import { formatPlans, planJson, planShape, typicalPlans } from "../run/run-memory-plan.js";


export const doctor = defineCommand({
  name: "doctor",
  summary: "check the tfjs backend, SIMD, threads, versions and matmul speed",
  description:
    "Initialises the backend S3PET will use (tensorflow > wasm > cpu, or S3PET_BACKEND) and times a " +
    `${ROOFLINE_MATMUL_SIZE}x${ROOFLINE_MATMUL_SIZE} matmul, plain and with b transposed (the shape of every gradient).`,
  options: {
    model: runFlag("model", { doc: "also plan the memory of a search and a LoRA run on this checkpoint", defaultText: "" }),
    ...MEMORY_PLAN_FLAGS,
    json: { type: "boolean", description: "print one JSON object instead of text" },
  },
  examples: [
    { command: "s3pet doctor", description: "report the backend this machine gets" },
    { command: "S3PET_BACKEND=cpu s3pet doctor", description: "check the pure-JS fallback" },
    { command: "s3pet doctor --json", description: "machine-readable report" },
    { command: "s3pet doctor --model ./bert-base --batch-size 16 --max-length 128", description: "will a search on bert-base fit at 16 x 128, on how many workers and at what micro-batch?" },
  ],
  async run({ values }, io) {
    const backend = await initBackend();
    const kernelFixes = installKernelFixes(); // already installed by initBackend; returns their keys
    const square = { a: [ROOFLINE_MATMUL_SIZE, ROOFLINE_MATMUL_SIZE], b: [ROOFLINE_MATMUL_SIZE, ROOFLINE_MATMUL_SIZE] };
    const timing = { minMs: 200 };
    const plain = measureMatmulGflops(square, timing);
    const transposed = measureMatmulGflops({ ...square, transposeB: true }, timing);
    const plans = values.model === undefined ? [] : await modelPlans(resolve(io.cwd, values.model), backend.name, planShape(values));
    const report = {
      backend: backend.name,
      simd: backend.simd,
      threads: backend.threads,
      versions: backend.versions,
      kernelFixes,
      matmul: { size: ROOFLINE_MATMUL_SIZE, gflops: round(plain.gflops), gflopsTransposedB: round(transposed.gflops) },
      ...(values.model === undefined ? {} : { memory: Object.fromEntries(plans.map(({ name, plan }) => [name, planJson(plan)])) }),
    };
    if (values.json) {
      io.stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const v = backend.versions;
    const backendPackage = Object.keys(v).find((k) => k.startsWith("tfjs-node") || k === "tfjs-backend-wasm");
    const lines = [
      ["backend", `${backend.name}${backend.simd ? " (SIMD)" : ""}, ${backend.threads} thread${backend.threads === 1 ? "" : "s"}`],
      ["versions", [`tfjs ${v.tfjs ?? v["tfjs-core"]}`, backendPackage && `${backendPackage} ${v[backendPackage]}`, `node ${v.node}`].filter(Boolean).join(", ")],
      ["fixes", kernelFixes.join(", ") || "none"],
      ["matmul", `${ROOFLINE_MATMUL_SIZE}x${ROOFLINE_MATMUL_SIZE}: ${round(plain.gflops)} GFLOP/s, with b transposed: ${round(transposed.gflops)} GFLOP/s`],
    ];
    for (const line of formatPlans(plans)) lines.push(["memory", line]);
    if (backend.name === "cpu") lines.push(["hint", "the cpu backend is ~30x slower than wasm; unset S3PET_BACKEND to use wasm"]);
    if (backend.name !== "tensorflow") lines.push(["gpu", "on a CUDA machine: npm i @tensorflow/tfjs-node-gpu (picked up automatically)"]);
    io.stdout.write(lines.map(([k, text]) => `${k!.padEnd(9)} ${text}`).join("\n") + "\n");
  },
});

/** The plans of a search with every installed method and of LoRA's preset on the checkpoint in `dir`. */
async function modelPlans(dir: string, backendName: string, shape: ReturnType<typeof planShape>) {
  const { methods } = await selectMethods(null);
  const { model } = loadPretrained(dir);
  const planned = { params: model.paramCount(), hiddenSize: model.hiddenSize, sites: model.sites(), memory: model.memoryProfile() };
  model.dispose();
  return typicalPlans(planned, backendName, methods, shape);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
