// @s3pet/cli: the `s3pet` binary (bin.ts). The library entry exports what the repo's doc generators read.
export { RUN_OPTIONS } from "./run-config/run-flags.js";
export { optionsMarkdown, commandOptionsMarkdown, defaultsSentence } from "./run-config/options-markdown.js";
