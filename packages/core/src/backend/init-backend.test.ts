import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { initBackend } from "./init-backend.js";

describe("initBackend", () => {
  it("activates wasm with SIMD here (or what S3PET_BACKEND forces) and reports versions", async () => {
    const info = await initBackend();
    const expected = process.env.S3PET_BACKEND?.toLowerCase() || "wasm";
    expect(info.name).toBe(expected);
    expect(tf.getBackend()).toBe(info.name);
    if (info.name === "wasm") expect(info.simd).toBe(true);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.versions.node).toBe(process.versions.node);
    expect(info.versions["tfjs-core"]).toBe("4.22.0");
    if (info.name === "wasm") expect(info.versions["tfjs-backend-wasm"]).toBe("4.22.0");
  });

  it("is idempotent: a second call returns the same info", async () => {
    expect(await initBackend()).toBe(await initBackend());
  });

  it("silences tfjs's console output (prod mode)", () => {
    expect(tf.env().getBool("PROD")).toBe(true);
  });
});
