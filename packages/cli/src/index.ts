// @s3pet/cli: the `s3pet` binary (bin.ts). The library entry exports what the repo's doc generators read.
export { RUN_OPTIONS } from "./run-config/run-flags.js";
export { optionsMarkdown, commandOptionsMarkdown, defaultsSentence } from "./run-config/options-markdown.js";
// charts: figures the benchmark tools render with the report's library (docs/REPORTS.md)
export { renderSvg, svgFile } from "./report/render-svg.js";
export type { ChartSpec } from "./report/render-svg.js";
export { accuracyBudgetFigure } from "./report/accuracy-budget-figure.js";
export type { BudgetFigurePoint, BudgetFigureOptions } from "./report/accuracy-budget-figure.js";
