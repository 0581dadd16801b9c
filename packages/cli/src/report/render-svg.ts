// renderSvg: one Vega-Lite chart as an SVG string, in Node, with no DOM and no network. Vega-Lite
// compiles the chart to a Vega spec and Vega's headless view (renderer "none") writes the SVG; why this
// library is in docs/REPORTS.md. Charts carry their data inline (`data.values`), so nothing is loaded.
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type ChartSpec = TopLevelSpec;

/** The look every chart shares: system fonts (nothing to load), light grid, no outer frame. */
export const CHART_CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  view: { stroke: null },
  // no per-mark aria-label (one per point and heatmap cell: most of a report's bytes); axes and legends keep theirs
  mark: { aria: false },
  axis: { labelLimit: 260, gridColor: "#eceff3", domainColor: "#8a94a3", tickColor: "#8a94a3", labelColor: "#3b4350", titleColor: "#3b4350" },
  legend: { labelColor: "#3b4350", titleColor: "#3b4350", labelLimit: 0 },
  title: { anchor: "start", fontSize: 13, color: "#1d2430" },
} as const;

export async function renderSvg(spec: ChartSpec): Promise<string> {
  const vega = compile({ config: CHART_CONFIG, ...spec } as TopLevelSpec).spec;
  const view = new View(parse(vega), { renderer: "none", logLevel: 0 });
  try {
    return inlineSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * The SVG as HTML embeds it: HTML gives an inline <svg> its namespace, so the namespace declarations
 * (the file's only URLs) go; a report or a figure then holds no URL at all.
 */
function inlineSvg(svg: string): string {
  return svg.replace(/^<svg([^>]*)>/, (_, attrs: string) => `<svg${attrs.replace(/\s+xmlns(:\w+)?="[^"]*"/g, "")}>`);
}

/** A standalone .svg file (a figure committed to docs/) needs its namespace back. */
export function svgFile(svg: string): string {
  return `${svg.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"')}\n`;
}
