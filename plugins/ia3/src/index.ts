// @s3pet/plugin-ia3: the (IA)^3 PET method as an s3pet plugin.
import { readFileSync } from "node:fs";
import type { S3petPlugin } from "@s3pet/core";
import { ia3 } from "./ia3.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const plugin: S3petPlugin = { name: "ia3", version, methods: [ia3] };
export default plugin;
