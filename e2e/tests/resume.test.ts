// A run killed with SIGKILL mid-search continues with --resume and ends where an uninterrupted run of
// the same seed ends; Ctrl-C (SIGINT) stops gracefully after a checkpoint (exit 130) and resumes too,
// for a search and for masked-LM pretraining.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runS3pet, startS3pet, tempDir, TINY_MODEL } from "./s3pet-process.js";

// Enough steps to be killed in the middle of the search: 64 W examples / batch 4 = 16 steps per epoch.
// A pretraining small enough that its data (a 500-token vocabulary learned from the npm corpus) is most of its time.
const SMALL_PRETRAIN = ["--steps", "40", "--layers", "1", "--hidden", "32", "--vocab-size", "500", "--batch-size", "2", "--workers", "1", "--corpus", "none"];
const LONGER_RUN = ["--model", TINY_MODEL, "--max-examples", "128", "--epochs", "2", "--search-epochs", "2", "--max-length", "32", "--batch-size", "4", "--budget", "1%", "--checkpoint-every", "5", "--ui", "plain"];

describe("resume", () => {
  const dir = tempDir("resume");
  const structureOf = (run: string) => JSON.parse(readFileSync(join(run, "structure.json"), "utf8")).structure;

  it("SIGKILL mid-search, then --resume completes with the uninterrupted run's structure", async () => {
    const whole = join(dir, "whole");
    const reference = await runS3pet(["search", ...LONGER_RUN, "--out", whole]);
    expect(reference.code, reference.stderr).toBe(0);

    const killed = join(dir, "killed");
    const run = startS3pet(["search", ...LONGER_RUN, "--out", killed]);
    await run.waitFor(/checkpoint search step (1[0-9]|[2-9][0-9])/);
    run.child.kill("SIGKILL");
    const end = await run.finished;
    expect(end.signal).toBe("SIGKILL");
    expect(end.stdout).not.toMatch(/run done/);

    const resumed = await runS3pet(["search", "--out", killed, "--resume", "--ui", "plain"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed/);
    expect(structureOf(killed)).toEqual(structureOf(whole));
    expect(JSON.parse(readFileSync(join(killed, "results.json"), "utf8")).retrained).toEqual(JSON.parse(readFileSync(join(whole, "results.json"), "utf8")).retrained);
  });

  it("Ctrl-C stops after a checkpoint with exit 130 and says how to resume", async () => {
    const out = join(dir, "interrupted");
    const run = startS3pet(["search", ...LONGER_RUN, "--out", out]);
    await run.waitFor(/ search \d+\/\d+ \(/);
    run.child.kill("SIGINT");
    const end = await run.finished;
    expect(end.code).toBe(130);
    expect(end.stderr).toContain("stopping after the current step and a checkpoint (Ctrl-C again to exit at once)");
    expect(end.stderr).toContain(`stopped; continue with: s3pet search --out ${out} --resume`);
    const resumed = await runS3pet(["search", "--out", out, "--resume", "--ui", "plain"]);
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it("pretrain: Ctrl-C stops after the current step and a checkpoint with exit 130, and --resume finishes it", async () => {
    const out = join(dir, "pretrain");
    const run = startS3pet(["pretrain", ...SMALL_PRETRAIN, "--out", out]);
    await run.waitFor(/^step +10\/40 /);
    run.child.kill("SIGINT");
    const end = await run.finished;
    expect(end.code, end.stderr).toBe(130);
    expect(end.stderr).toContain("stopping after the current step and a checkpoint (Ctrl-C again to exit at once)");
    expect(end.stderr).toMatch(new RegExp(`stopped; continue with: s3pet pretrain --out ${out} --steps 40 .* --resume\n`));
    const stoppedAt = JSON.parse(readFileSync(join(out, "checkpoints", "state.json"), "utf8")).step as number;
    expect(stoppedAt).toBeGreaterThanOrEqual(10);
    expect(stoppedAt).toBeLessThan(40);
    const resumed = await runS3pet(["pretrain", ...SMALL_PRETRAIN, "--out", out, "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`resumed at step ${stoppedAt}`);
    expect(resumed.stdout).toMatch(/^saved .*: held-out MLM loss/m);
  });
});
