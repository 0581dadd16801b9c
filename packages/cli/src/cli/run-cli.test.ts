import { S3petInputError } from "@s3pet/core";
import { describe, expect, it } from "vitest";
import { defineCommand, type Command, type CommandIo } from "./command.js";
import { runCli } from "./run-cli.js";

/** Runs a command line with captured output. */
async function run(argv: string[], commands: readonly Command[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: "/" };
  const code = await runCli(argv, io, commands);
  return { code, stdout, stderr };
}

// A real command exercising every kind of option; `run` reports what it received.
const greet = defineCommand({
  name: "greet",
  summary: "say hello",
  description: "Greets people.",
  positionals: [{ name: "who", description: "whom to greet", required: true }],
  options: {
    loud: { type: "boolean", short: "l", description: "shout" },
    times: { type: "string", valueName: "n", default: "1", description: "how many times" },
    tag: { type: "string", multiple: true, description: "a tag (repeatable)" },
  },
  examples: [{ command: "s3pet greet ada --loud", description: "shout at Ada" }],
  run({ values, positionals }, io) {
    if (positionals[0] === "nobody") throw new S3petInputError("who must name someone (pass a name)");
    if (positionals[0] === "crash") throw new Error("disk on fire\nsecond line");
    io.stdout.write(JSON.stringify({ values, positionals }));
    return positionals[0] === "seven" ? 7 : undefined;
  },
});
const commands = [greet];

describe("runCli", () => {
  it("parses flags, defaults and positionals into the command", async () => {
    const r = await run(["greet", "ada", "-l", "--tag", "a", "--tag=b"], commands);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(r.stdout)).toEqual({ values: { tag: ["a", "b"], times: "1", loud: true }, positionals: ["ada"] });
    const quiet = await run(["greet", "bob", "--times", "3"], commands);
    expect(JSON.parse(quiet.stdout).values).toEqual({ times: "3", loud: false });
    // A negative number is the value of a string option (its own check judges it), not another option.
    expect(JSON.parse((await run(["greet", "bob", "--times", "-5"], commands)).stdout).values).toEqual({ times: "-5", loud: false });
  });

  it("returns the command's exit code", async () => {
    expect((await run(["greet", "seven"], commands)).code).toBe(7);
  });

  it("rejects an unknown option with one line and exit 2", async () => {
    expect(await run(["greet", "ada", "--x"], commands)).toEqual({ code: 2, stdout: "", stderr: "s3pet greet: unknown option '--x' (see s3pet greet --help)\n" });
    expect((await run(["greet", "ada", "-z"], commands)).stderr).toBe("s3pet greet: unknown option '-z' (see s3pet greet --help)\n");
  });

  it("rejects a missing value, a value on a boolean, extra and missing arguments", async () => {
    expect((await run(["greet", "ada", "--times"], commands)).stderr).toBe("s3pet greet: option '--times' needs a value (see s3pet greet --help)\n");
    expect((await run(["greet", "ada", "--loud=yes"], commands)).stderr).toBe("s3pet greet: option '--loud' takes no value (see s3pet greet --help)\n");
    expect(await run(["greet", "ada", "bob"], commands)).toMatchObject({ code: 2, stderr: "s3pet greet: unexpected argument 'bob' (see s3pet greet --help)\n" });
    expect(await run(["greet"], commands)).toMatchObject({ code: 2, stderr: "s3pet greet: missing <who> (see s3pet greet --help)\n" });
  });

  it("rejects an unknown command or program option", async () => {
    expect(await run(["grete"], commands)).toEqual({ code: 2, stdout: "", stderr: "s3pet: unknown command 'grete' (see s3pet --help)\n" });
    expect((await run(["--verbose"], commands)).stderr).toBe("s3pet: unknown option '--verbose' (see s3pet --help)\n");
  });

  it("turns S3petInputError into one line and exit 2, other errors into their message and exit 1", async () => {
    expect(await run(["greet", "nobody"], commands)).toEqual({ code: 2, stdout: "", stderr: "s3pet greet: who must name someone (pass a name)\n" });
    expect(await run(["greet", "crash"], commands)).toEqual({ code: 1, stdout: "", stderr: "s3pet greet: disk on fire\nsecond line\n" });
  });

  it("prints the program help with every command", async () => {
    for (const argv of [[], ["--help"], ["-h"], ["help"]]) {
      const r = await run(argv, commands);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^s3pet \d+\.\d+\.\d+: sparse structure search/);
      expect(r.stdout).toContain("Usage: s3pet <command> [options]");
      expect(r.stdout).toContain("\n  greet  say hello\n");
    }
  });

  it("prints a command's help with its options, defaults and examples", async () => {
    const r = await run(["greet", "--help"], commands);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "s3pet greet: say hello",
        "",
        "Usage: s3pet greet <who> [options]",
        "",
        "Greets people.",
        "",
        "Arguments:",
        "  who  whom to greet",
        "",
        "Options:",
        "  -l, --loud         shout",
        "      --times <n>    how many times (default: 1)",
        "      --tag <value>  a tag (repeatable)",
        "  -h, --help         show this help",
        "",
        "Examples:",
        "  s3pet greet ada --loud",
        "      shout at Ada",
        "",
      ].join("\n"),
    );
    expect((await run(["help", "greet"], commands)).stdout).toBe(r.stdout);
  });

  it("prints the version", async () => {
    expect((await run(["--version"], commands)).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
