// `s3pet report` end to end: a tiny search (a real process), its report, opened in headless Chromium
// (Debian's `chromium`, which .ci/run installs) with networking off: every chart rendered as SVG, no
// console error, no request leaving the file, the heatmap scrubs through steps; a screenshot is saved
// to e2e/test-output/report.png.
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runS3pet, tempDir, TINY_RUN } from "./s3pet-process.js";

const CHROMIUM = process.env["CHROMIUM"] ?? "/usr/bin/chromium";
/** The screenshot outlives the test's temp files, to look at after a run (ignored by git). */
const SCREENSHOT = join(ROOT, "e2e/test-output/report.png");

describe("s3pet report in a browser", () => {
  const dir = tempDir("report");
  const run = join(dir, "search");
  const html = join(dir, "report.html");
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it("a tiny search's report has no external URL and renders every chart in headless Chromium, offline", async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install chromium (.ci/run does)`).toBe(true);
    const search = await runS3pet(["search", ...TINY_RUN, "--gates-every", "1", "--out", run, "--json"]);
    expect(search.code, search.stderr).toBe(0);
    const made = await runS3pet(["report", run, "--out", html]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout.trim()).toBe(html);

    const text = readFileSync(html, "utf8");
    expect(text).not.toMatch(/https?:|\/\/[a-z]|<link|<img|src=/i);
    const gatesEvents = readFileSync(join(run, "events.jsonl"), "utf8").split("\n").filter((l) => l.includes('"type":"gates"')).length;
    expect(gatesEvents).toBeGreaterThan(1);

    // Networking off: every request goes to a proxy that is not there, loopback included.
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--window-size=1100,900"],
    });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) problems.push(`request: ${r.url()}`);
    });
    page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });

    const charts = await page.$$eval("figure.chart", (figs) =>
      figs.map((f) => {
        const svg = f.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        return { frame: f.classList.contains("frame"), marks: svg ? svg.querySelectorAll("path, rect, line, text").length : 0, width: box?.width ?? 0, shown: !(f as HTMLElement).hidden };
      }),
    );
    const plain = charts.filter((c) => !c.frame);
    // loss for search and retrain, validation, budget, shift, structure, scores, timings
    expect(plain).toHaveLength(8);
    for (const c of plain) {
      expect(c.marks).toBeGreaterThan(10);
      expect(c.width).toBeGreaterThan(100);
    }
    const frames = charts.filter((c) => c.frame);
    expect(frames).toHaveLength(gatesEvents);
    expect(frames.filter((f) => f.shown)).toHaveLength(1);
    for (const f of frames) expect(f.marks).toBeGreaterThan(10);

    // Scrubbing: the slider shows the first step's frame and only it.
    const first = await page.$eval("#frame", (el) => {
      const slider = el as HTMLInputElement;
      slider.value = "0";
      slider.dispatchEvent(new Event("input"));
      const shown = [...document.querySelectorAll<HTMLElement>(".frame")].filter((f) => !f.hidden);
      return { shown: shown.map((f) => f.dataset["step"]), label: document.getElementById("frame-step")!.textContent };
    });
    expect(first).toEqual({ shown: ["1"], label: "step 1" });
    await page.$eval("#frame", (el) => {
      (el as HTMLInputElement).value = (el as HTMLInputElement).max;
      el.dispatchEvent(new Event("input"));
    });

    mkdirSync(join(SCREENSHOT, ".."), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
  });
});
