// `s3pet report <run-dir>`: the run's story as one self-contained HTML file (docs/REPORTS.md):
// configuration, loss and validation per phase, the gate heatmap scrubbable over the search, the budget
// meter, the chosen structure on the backbone's layers, scores against the majority baseline, timings.
// A running run gives a snapshot of where it is.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { S3petInputError, writeFileAtomic } from "@s3pet/core";
import { defineCommand } from "../cli/command.js";
import { readRunReport } from "../report/read-run-report.js";
import { runReportHtml } from "../report/run-report-html.js";

export const REPORT_FILE = "report.html";

export const report = defineCommand({
  name: "report",
  summary: "write a run's report: one self-contained HTML file with its charts",
  description:
    `Reads a run directory (finished or still running) and writes one HTML file with no external resources: ` +
    "the configuration, loss and validation per phase, the gate probabilities as a layer x position x method heatmap " +
    "scrubbable over the search's steps, the budget meter, the chosen structure on the backbone's layers, the scores " +
    `next to the majority baseline and the timings. By default it goes to <run-dir>/${REPORT_FILE}.`,
  positionals: [{ name: "run-dir", description: "a run directory made by s3pet search or train", required: true }],
  options: {
    out: { type: "string", short: "o", valueName: "file.html", description: `where the report goes (default: <run-dir>/${REPORT_FILE})` },
  },
  examples: [
    { command: "s3pet report runs/search-20260101-120000", description: `write runs/search-20260101-120000/${REPORT_FILE}` },
    { command: "s3pet report runs/search-20260101-120000 --out search.html", description: "write it elsewhere, e.g. to share it" },
  ],
  async run({ values, positionals }, io) {
    if (positionals.length > 1) throw new S3petInputError(`unexpected argument '${positionals[1]}': s3pet report takes one run directory (see s3pet report --help)`);
    const given = positionals[0]!;
    const runDir = resolve(io.cwd, given);
    const data = readRunReport(runDir, given);
    const out = values.out === undefined ? join(runDir, REPORT_FILE) : resolve(io.cwd, values.out);
    if (values.out !== undefined && values.out.trim() === "") throw new S3petInputError("--out is empty; pass a file name for the report (e.g. --out report.html)");
    if (existsSync(out) && statSync(out).isDirectory()) throw new S3petInputError(`--out ${values.out ?? out}: is a directory; pass a file name for the report (e.g. --out ${join(values.out ?? out, REPORT_FILE)})`);
    const html = await runReportHtml(data);
    writeFileAtomic(out, html);
    io.stdout.write(`${out}\n`);
    return 0;
  },
});
