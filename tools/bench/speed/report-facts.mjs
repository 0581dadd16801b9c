// @ts-check
// The machine facts that head each speed section of docs/BENCHMARKS.md (speed.mjs reports, either suite):
// the command, date and machine, the section's own notes, and the PyTorch reference's build and threads.

/** One decimal, or "–" for a missing number. */
export const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");
/** A rounded integer with thousands separators, or "–". */
export const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");

/**
 * The `- Command`, `- Date`, `- Machine` lines, then `notes` (one line each), then `- torch`: from the
 * torch case's row when one ran, else the report's reason why none did.
 */
export function reportFacts(report, notes, torchRow) {
  const torch = torchRow
    ? `- torch: ${torchRow.torch} (Debian python3-torch), intra-op threads ${torchRow.threads.torch_intra_op}, OPENBLAS_NUM_THREADS=${torchRow.threads.OPENBLAS_NUM_THREADS}, BLAS loaded: ${torchRow.blas.map((p) => `\`${p.split("/").pop()}\``).join(", ") || "none found"}`
    : `- torch: ${report.torch}`;
  return [
    `- Command: \`${report.command}\` (${f1(report.seconds / 60)} min)`,
    `- Date: ${report.date}`,
    `- Machine: ${report.machine.cores} x ${report.machine.cpu}, ${f1(report.machine.memoryGiB)} GiB, Node ${report.machine.node}`,
    ...notes.map((n) => `- ${n}`),
    torch,
  ];
}
