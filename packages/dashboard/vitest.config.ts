// The shared config without the shared setup file: that file initialises the tfjs backend for every
// test, and the dashboard never touches tfjs (it must run on events alone, without the engine), so its
// tests skip the ~2 s backend start per file.
import { defineConfig } from "vitest/config";
import shared from "../../vitest.shared.js";

export default defineConfig({ ...shared, test: { ...shared.test, setupFiles: [] } });
