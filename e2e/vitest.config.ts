import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../vitest.shared.js";
// e2e drives the built CLI as real processes; one file at a time keeps the 2 cores for the CLI itself.
export default mergeConfig(shared, defineConfig({ test: { include: ["tests/**/*.test.ts"], testTimeout: 600_000, fileParallelism: false } }));
