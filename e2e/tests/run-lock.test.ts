// One writer per run directory, with real processes: a second writer (resume or fresh) exits 2 naming
// the holder and writes nothing; `watch` says where a killed run stopped instead of waiting forever; the
// stale lock of the killed writer does not block the resume, and events.jsonl stays valid JSONL.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runS3pet, startS3pet, tempDir, TINY_RUN } from "./s3pet-process.js";

function eventLines(dir: string): { type: string }[] {
  const text = readFileSync(join(dir, "events.jsonl"), "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.trimEnd().split("\n").map((line) => JSON.parse(line) as { type: string });
}

describe("run-directory lock", () => {
  it("refuses a second writer, survives kill -9 of the first, and resumes", async () => {
    const out = join(tempDir("lock"), "run");
    const first = startS3pet(["search", ...TINY_RUN, "--out", out, "--ui", "plain"]);
    await first.waitFor(/phase search/);
    first.child.kill("SIGSTOP"); // paused mid-run (alive, holding the lock) while the others try, so a tiny run is enough

    const resumer = await runS3pet(["search", "--out", out, "--resume", "--ui", "plain"]);
    expect(resumer.code, resumer.stderr).toBe(2);
    expect(resumer.stdout).toBe("");
    expect(resumer.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(resumer.stderr).toMatch(new RegExp(`^s3pet search: '${out}' is in use by s3pet search \\(pid ${first.child.pid} on .+\\); wait for it to finish or stop it \\(kill -INT ${first.child.pid}\\)`));
    // A fresh run into the same directory is refused before the lock: the directory already holds a run.
    const fresh = await runS3pet(["train", ...TINY_RUN, "--out", out, "--ui", "plain"]);
    expect(fresh.code, fresh.stderr).toBe(2);
    expect(fresh.stderr).toMatch(/already holds a run|is in use by s3pet search/);

    first.child.kill("SIGKILL");
    expect((await first.finished).signal).toBe("SIGKILL");
    expect(existsSync(join(out, ".s3pet.lock"))).toBe(true); // left behind, and stale now

    const watched = await runS3pet(["watch", out, "--ui", "plain"]);
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stderr).toMatch(/^stopped (at \w+ step \d+\/\d+|before its first step): no process is writing .*--resume$/m);

    const resumed = await runS3pet(["search", "--out", out, "--resume", "--ui", "plain"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(join(out, "results.json"))).toBe(true);
    expect(existsSync(join(out, ".s3pet.lock"))).toBe(false); // released at the end
    const events = eventLines(out);
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(2); // the first run and the resume only
    expect(events.filter((e) => e.type === "run-end")).toHaveLength(1);
  });

  it("watch fails at once on a directory that is not a run", async () => {
    const dir = tempDir("not-a-run");
    const r = await runS3pet(["watch", dir, "--ui", "plain"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a run directory \(no run\.json or events\.jsonl\); pass a directory made by s3pet search or train/);
  });
});
