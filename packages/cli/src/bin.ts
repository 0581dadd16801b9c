#!/usr/bin/env node
// The `s3pet` executable: runs one command line and exits with its code.
import { runCli } from "./cli/run-cli.js";
import { COMMANDS } from "./commands/index.js";

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, COMMANDS);
