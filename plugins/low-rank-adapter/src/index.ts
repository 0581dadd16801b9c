// @s3pet/plugin-low-rank-adapter: the low-rank adapter PET method as an s3pet plugin.
import { readFileSync } from "node:fs";
import type { S3petPlugin } from "@s3pet/core";
import { lowRankAdapter } from "./low-rank-adapter.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const plugin: S3petPlugin = { name: "low-rank-adapter", version, methods: [lowRankAdapter] };
export default plugin;
export { lowRankAdapter } from "./low-rank-adapter.js";
export type { LowRankAdapterOptions } from "./low-rank-adapter.js";
