/**
 * axe-core (from npm) in Chromium on the built pages: the sample in the journal template, for
 * screen and for print media, and the preprint template. Every WCAG 2.x A/AA rule and axe's
 * best-practice rules run; the pages must have 0 violations. Skipped when no browser is found.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser } from "puppeteer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildManuscript } from "../../scripts/cli/build.ts";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { repositoryDirectory } from "../helpers.ts";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const found = findBrowser(process.env, { headlessShell: false }); // a reader's browser

/** One violation, as a line: rule, impact, and the first few offending elements. */
interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: unknown[] }[];
}

let browser: Browser | undefined;
let out = "";

beforeAll(async () => {
  if (found.path === null) return;
  out = await mkdtemp(join(tmpdir(), "casepress-axe-"));
  browser = await puppeteer.launch({
    executablePath: found.path,
    args: ["--no-sandbox", "--allow-file-access-from-files"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

/** Build the sample with `journal` and run axe on the page in `media`; the violations as lines. */
async function violations(journal: string, media: "screen" | "print"): Promise<string[]> {
  if (!browser) throw new Error("no browser");
  const outDir = join(out, journal);
  const result = await buildManuscript(join(repositoryDirectory, "manuscript", "case-report.md"), {
    outDir,
    formats: ["html"],
    root: repositoryDirectory,
    journal,
    versionLabel: "v1.0.0",
  });
  const html = result.outputs.find((path) => path.endsWith(".html"));
  if (!html) throw new Error("no HTML was written");
  const page = await browser.newPage();
  try {
    await page.emulateMediaType(media);
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
    await page.addScriptTag({ path: axePath });
    // axe.run's result crosses from the page as JSON; the cast names the fields read here.
    const found = (await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown }> } })
        .axe;
      return (await axe.run()).violations;
    })) as Violation[];
    return found.map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes
          .slice(0, 3)
          .map((node) => JSON.stringify(node.target))
          .join(", ")}`,
    );
  } finally {
    await page.close();
  }
}

describe.skipIf(found.path === null)("accessibility (axe-core in Chromium)", () => {
  it("finds 0 violations in the sample's page on screen", async () => {
    expect(await violations("jaad-case-reports", "screen")).toEqual([]);
  }, 60_000);

  it("finds 0 violations in the sample's page in print", async () => {
    expect(await violations("jaad-case-reports", "print")).toEqual([]);
  }, 60_000);

  it("finds 0 violations in the preprint template, on screen and in print", async () => {
    expect(await violations("preprint", "screen")).toEqual([]);
    expect(await violations("preprint", "print")).toEqual([]);
  }, 60_000);
});
