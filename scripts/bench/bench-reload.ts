/**
 * "Save → page reloaded" for `npm run bench`, in a process of its own:
 *
 *   node --import tsx scripts/bench/bench-reload.ts <project> <manuscript> <runs>
 *
 * Starts `casepress preview` (scripts/preview/live-preview.ts, HTML only), opens its page in a
 * real browser (puppeteer), then, for each run, writes the manuscript (a sentence comes and
 * goes) and times from the write to the reloaded page's `load` event: debounce, warm rebuild,
 * Server-Sent Event, reload and page load together. Prints JSON: the times in ms, and
 * the rebuilds' own times.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import puppeteer from "puppeteer";
import { findBrowser } from "../pdf/find-browser.ts";
import { startLivePreview } from "../preview/live-preview.ts";

const [project, manuscript, runsText] = process.argv.slice(2);
if (project === undefined || manuscript === undefined || runsText === undefined) {
  process.stderr.write("Usage: bench-reload.ts <project> <manuscript> <runs>\n");
  process.exit(2);
}
// The page is a reader's: full Chromium, not the headless shell that prints PDFs.
const executablePath = findBrowser(process.env, { headlessShell: false }).path;
if (executablePath === null) {
  process.stdout.write(`${JSON.stringify({ times: [] })}\n`);
  process.exit();
}
const runs = Number(runsText);
const path = join(project, manuscript);
const original = await readFile(path, "utf8");
const warmUps = 3;
const rebuilds: number[] = [];
const preview = await startLivePreview(manuscript, {
  outDir: "out-reload",
  formats: ["html"],
  cwd: project,
  port: 0,
  onBuild: (build) => rebuilds.push(build.durationMs),
});
const browser = await puppeteer.launch({
  executablePath,
  args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
});
try {
  const page = await browser.newPage();
  await page.goto(preview.url, { waitUntil: "load" });
  // The reload client is connected once it has drawn the panel from the first state.
  await page.waitForSelector("#casepress-panel[data-count]");
  const times: number[] = [];
  for (let index = 0; index < warmUps + runs; index++) {
    const loaded = page.waitForNavigation({ waitUntil: "load", timeout: 15_000 });
    const started = performance.now();
    await writeFile(
      path,
      index % 2 === 0 ? `${original.trimEnd()} One more sentence.\n` : original,
    );
    await loaded;
    if (index >= warmUps) times.push(performance.now() - started);
    await page.waitForSelector("#casepress-panel[data-count]");
  }
  // The rebuilds alone, for comparison (the first is the cold build).
  process.stdout.write(`${JSON.stringify({ times, rebuildMs: rebuilds.slice(1 + warmUps) })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await writeFile(path, original);
  // Closing is bounded: the figures are printed, and a browser slow to quit must not hang the
  // benchmark (seen once in a loaded run).
  const closed = Promise.allSettled([browser.close(), preview.close()]);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  process.exit();
}
