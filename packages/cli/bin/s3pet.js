#!/usr/bin/env node
// The `s3pet` executable npm links at install time. It exists before any build (unlike dist/bin.js),
// so `npm ci` can link and chmod it; it runs the built CLI or says how to build it.
import { existsSync } from "node:fs";

const entry = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("s3pet: the CLI is not built yet; run `npx nx run @s3pet/cli:build` (or `npm run build`) first\n");
  process.exit(1);
}
await import(entry.href);
