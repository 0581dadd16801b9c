#!/usr/bin/env node
// The `s3pet` executable: runs one command line and exits with its code.
// React's production build halves the dashboard's cost per frame; it must be chosen before React loads,
// hence the dynamic imports below (a user's explicit NODE_ENV still wins).
process.env.NODE_ENV ??= "production";
const { runCli } = await import("./cli/run-cli.js");
const { COMMANDS } = await import("./commands/index.js");

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, COMMANDS);
