import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireRunLock, readRunLock, RUN_LOCK_FILE } from "./run-lock.js";

const dir = () => mkdtempSync(join(tmpdir(), "s3pet-lock-"));
/** The pid of a process that has exited (so it is not running). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
}

describe("run lock", () => {
  it("is taken atomically, refuses a second holder while live, and is released", () => {
    const d = dir();
    const lock = acquireRunLock(d, "search");
    const holder = JSON.parse(readFileSync(join(d, RUN_LOCK_FILE), "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), command: "search" });
    expect(readRunLock(d).state).toBe("live");
    expect(() => acquireRunLock(d, "train")).toThrow(new RegExp(`is in use by s3pet search \\(pid ${process.pid} on ${hostname()}, since .+\\); wait for it to finish`));
    lock.release();
    expect(existsSync(join(d, RUN_LOCK_FILE))).toBe(false);
    expect(readRunLock(d).state).toBe("none");
  });

  it("replaces the lock of a process that is gone on this host", () => {
    const d = dir();
    const pid = deadPid();
    writeFileSync(join(d, RUN_LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z", command: "search" }));
    expect(readRunLock(d).state).toBe("stale");
    const lock = acquireRunLock(d, "train");
    expect(JSON.parse(readFileSync(join(d, RUN_LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("never breaks a lock held on another host, and says how to clear it", () => {
    const d = dir();
    writeFileSync(join(d, RUN_LOCK_FILE), JSON.stringify({ pid: 1, host: "elsewhere.example", startedAt: "2026-01-01T00:00:00.000Z", command: "search" }));
    expect(readRunLock(d).state).toBe("live");
    expect(() => acquireRunLock(d, "search")).toThrow(/pid 1 on elsewhere\.example.*delete .*\.s3pet\.lock if that process is gone/);
  });
});
