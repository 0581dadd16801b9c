// @s3pet/plugin-bitfit: BitFit bias tuning as an s3pet plugin.
import { readFileSync } from "node:fs";
import type { S3petPlugin } from "@s3pet/core";
import { bitfit } from "./bitfit.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const plugin: S3petPlugin = { name: "bitfit", version, methods: [bitfit] };
export default plugin;
