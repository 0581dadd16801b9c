// @s3pet/plugin-lnfit: the LNFit PET method as an s3pet plugin.
import { readFileSync } from "node:fs";
import type { S3petPlugin } from "@s3pet/core";
import { lnfit } from "./lnfit.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const plugin: S3petPlugin = { name: "lnfit", version, methods: [lnfit] };
export default plugin;
export { lnfit } from "./lnfit.js";
