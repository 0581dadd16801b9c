// @s3pet/plugin-prefix: prefix tuning as an s3pet plugin.
import { readFileSync } from "node:fs";
import type { S3petPlugin } from "@s3pet/core";
import { prefix } from "./prefix.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const plugin: S3petPlugin = { name: "prefix", version, methods: [prefix] };
export default plugin;
export type { PrefixOptions } from "./prefix.js";
