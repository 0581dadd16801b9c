// Shared vitest config: every package's vitest.config.ts re-exports this.
// Vite 8 transforms with Oxc; legacy decorators + metadata are switched on here so tsyringe
// injection works in every test file, whatever tsconfig includes it (docs/BACKEND.md "Toolchain" §2).
import { defineConfig } from "vitest/config";

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: [new URL("./vitest.setup.ts", import.meta.url).pathname],
    globalSetup: [new URL("./vitest.global-setup.ts", import.meta.url).pathname],
    reporters: ["default", "json"],
    outputFile: { json: "test-results.json" },
    testTimeout: 180_000, // real processes and workers; a loaded 2-core machine can take 3x a quiet one
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
