/**
 * Where a PDF's time goes, for `npm run bench`, run in a process of its own:
 *
 *   node --import tsx scripts/bench-pdf-phases.ts <html file> <runs>
 *
 * Times loading puppeteer and pdf-lib, launching the browser, then `runs` prints of the same
 * HTML one at a time and `runs` prints two at a time, with the renderer's own phase timings.
 * Prints JSON.
 */
import { dirname } from "node:path";

const [htmlPath, runsText] = process.argv.slice(2);
if (htmlPath === undefined || runsText === undefined) {
  process.stderr.write("Usage: bench-pdf-phases.ts <html file> <runs>\n");
  process.exit(2);
}
const runs = Number(runsText);
const metadata = { title: "Benchmark", authors: ["A. Author"], creator: "Casepress benchmark" };

let mark = performance.now();
const lap = (): number => {
  const now = performance.now();
  const elapsed = now - mark;
  mark = now;
  return elapsed;
};
const { launchPdfRenderer } = await import("../pdf/render-pdf.ts");
const importMs = lap();
const renderer = await launchPdfRenderer();
const launchMs = lap();
try {
  const job = { htmlPath, allowedDir: dirname(htmlPath), metadata };
  const first = await renderer.render(job);
  const firstMs = lap();
  const serial = [];
  for (let index = 0; index < runs; index++) {
    const result = await renderer.render(job);
    serial.push({ totalMs: lap(), ...result.timings });
  }
  await Promise.all(Array.from({ length: runs }, () => renderer.render(job)));
  const parallelPerDocumentMs = lap() / runs;
  process.stdout.write(
    `${JSON.stringify({ importMs, launchMs, firstMs, firstTimings: first.timings, serial, parallelPerDocumentMs })}\n`,
  );
} finally {
  await renderer.close();
}
