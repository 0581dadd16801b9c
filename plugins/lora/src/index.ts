// @s3pet/plugin-lora: LoRA as an s3pet plugin.
import { readFileSync } from "node:fs";
import type { S3petPlugin } from "@s3pet/core";
import { lora } from "./lora.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const plugin: S3petPlugin = { name: "lora", version, methods: [lora] };
export default plugin;
export type { LoraOptions } from "./lora.js";
export { mergeLora, unmergeLora } from "./lora.js";
