// Runs once per vitest run of every project (vitest.shared.ts globalSetup), before any worker starts.
// Points TMPDIR at a fresh directory so every temp dir a test makes (mkdtemp(os.tmpdir()), and the CLI
// processes e2e spawns, which inherit the env) lands in one place that is removed when the run ends:
// repeated test runs leave nothing in /tmp. S3PET_KEEP_TEST_TMP=1 keeps it to inspect a failure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "s3pet-test-"));
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.S3PET_KEEP_TEST_TMP === "1") console.log(`test temp files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
