// @s3pet/plugin-adapter: bottleneck adapters as an s3pet plugin.
import { readFileSync } from "node:fs";
import type { S3petPlugin } from "@s3pet/core";
import { adapter } from "./adapter.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const plugin: S3petPlugin = { name: "adapter", version, methods: [adapter] };
export default plugin;
export type { AdapterOptions } from "./adapter.js";
