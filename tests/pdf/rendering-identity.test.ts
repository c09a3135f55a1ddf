/**
 * Debian's `chromium-headless-shell`, which Casepress prefers for PDFs, prints the sample exactly
 * as full Chromium does: the same number of pages, the same page images (pdftoppm at 50 dpi,
 * every pixel equal), the same text on each page (pdftotext -layout), the same text runs with
 * their positions, fonts, links and outline (pdftohtml -xml) and the same structure tree
 * (pdfinfo -struct-text). Each browser prints through the real `build` command, picked by
 * `PUPPETEER_EXECUTABLE_PATH`, with a fixed `SOURCE_DATE_EPOCH`.
 *
 * No tolerance: with `--font-render-hinting=none` the two browsers' pages were pixel-identical
 * at 50 and at 150 dpi; without it the shell breaks lines elsewhere, which this test catches.
 * Skipped, with a message, unless both browsers are installed in the same version with poppler
 * (`.ci/run` installs all three).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser, headlessModeFor } from "../../scripts/pdf/find-browser.ts";
import { repositoryDirectory } from "../helpers.ts";

const run = promisify(execFile);

/** The environment without an explicit browser, so the search itself picks each one. */
const searchEnv: NodeJS.ProcessEnv = { ...process.env };
delete searchEnv.PUPPETEER_EXECUTABLE_PATH;

/** The browser's version number, from `--version`; "" when it cannot say. */
function versionOf(path: string): string {
  try {
    const output = execFileSync(path, ["--version"], { encoding: "utf8", stdio: "pipe" });
    return /\d+\.\d+\.\d+\.\d+/.exec(output)?.[0] ?? "";
  } catch {
    return "";
  }
}

/** Whether poppler's command-line tools are installed. */
function hasPoppler(): boolean {
  try {
    execFileSync("pdftoppm", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const shellFound = findBrowser(searchEnv);
const shell =
  shellFound.path !== null && headlessModeFor(shellFound.path) === "shell" ? shellFound.path : null;
const full = findBrowser(searchEnv, { headlessShell: false }).path;

/** Why the comparison cannot run here, or null when it can. */
function skipReason(): string | null {
  if (shell === null)
    return "the headless shell is not installed (apt-get install chromium-headless-shell)";
  if (full === null) return "no full Chrome or Chromium is installed (apt-get install chromium)";
  if (!hasPoppler()) return "poppler is missing (apt-get install poppler-utils)";
  const versions = [versionOf(shell), versionOf(full)];
  if (versions[0] === "" || versions[0] !== versions[1])
    return `the headless shell (${versions[0] || "unknown"}) and ${full} (${versions[1] || "unknown"}) are not the same version`;
  return null;
}

const reason = skipReason();
if (reason !== null) console.warn(`rendering-identity: skipped, ${reason}.`);

/** One rendered page: its size and RGB bytes, from a binary PPM. */
interface Raster {
  width: number;
  height: number;
  pixels: Buffer;
}

/** Parse pdftoppm's binary PPM (`P6`, width, height, 255, then RGB bytes). */
function parsePpm(bytes: Buffer): Raster {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 64).toString("latin1"));
  if (header?.[1] === undefined || header[2] === undefined)
    throw new Error("not a binary PPM with 8-bit channels");
  return {
    width: Number(header[1]),
    height: Number(header[2]),
    pixels: bytes.subarray(header[0].length),
  };
}

/** How many pixels differ between two rasters of the same size. */
function differingPixels(a: Raster, b: Raster): number {
  let count = 0;
  for (let i = 0; i < a.pixels.length; i += 3) {
    if (
      a.pixels[i] !== b.pixels[i] ||
      a.pixels[i + 1] !== b.pixels[i + 1] ||
      a.pixels[i + 2] !== b.pixels[i + 2]
    )
      count++;
  }
  return count;
}

/** What one browser printed, read back with poppler. */
interface Printed {
  pages: Raster[];
  text: string[];
  xml: string;
  structure: string;
}

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

/** Build the sample's PDF with `browser` and read it back. */
async function printWith(browser: string): Promise<Printed> {
  const out = await mkdtemp(join(tmpdir(), "casepress-identity-"));
  temporary.push(out);
  await run(
    process.execPath,
    [
      join(repositoryDirectory, "scripts", "casepress.mjs"),
      "build",
      "manuscript/case-report.md",
      "--format",
      "pdf",
      "--out",
      out,
    ],
    {
      cwd: repositoryDirectory,
      env: {
        ...searchEnv,
        PUPPETEER_EXECUTABLE_PATH: browser,
        CASEPRESS_FROM_SOURCE: "1",
        SOURCE_DATE_EPOCH: "1458000000",
      },
    },
  );
  const pdf = join(out, "case-report.pdf");
  const options = { maxBuffer: 64 * 1024 * 1024 };
  await run("pdftoppm", ["-r", "50", pdf, join(out, "page")], options);
  const images = (await readdir(out)).filter((name) => name.endsWith(".ppm")).sort();
  const pages = await Promise.all(
    images.map(async (name) => parsePpm(await readFile(join(out, name)))),
  );
  const text = (await run("pdftotext", ["-layout", pdf, "-"], options)).stdout.split("\f");
  const xml = (await run("pdftohtml", ["-xml", "-i", "-q", "-stdout", pdf], options)).stdout;
  // pdfinfo warns on stderr about structure types poppler does not know (Aside, Em); only
  // standard output is compared.
  const structure = (await run("pdfinfo", ["-struct-text", pdf], options)).stdout;
  return { pages, text, xml, structure };
}

describe.skipIf(reason !== null)("the headless shell and full Chromium print the same PDF", () => {
  let fromShell: Printed;
  let fromFull: Printed;
  beforeAll(async () => {
    // Checked by skipReason; both are set when this block runs.
    [fromShell, fromFull] = await Promise.all([printWith(shell ?? ""), printWith(full ?? "")]);
  }, 180_000);

  it("has the same pages, pixel for pixel", () => {
    expect(fromShell.pages.length).toBeGreaterThan(1);
    expect(fromShell.pages.length).toBe(fromFull.pages.length);
    fromShell.pages.forEach((page, index) => {
      const other = fromFull.pages[index];
      expect(other, `page ${index + 1}`).toBeDefined();
      if (other === undefined) return;
      expect([page.width, page.height], `page ${index + 1} size`).toEqual([
        other.width,
        other.height,
      ]);
      expect(differingPixels(page, other), `differing pixels on page ${index + 1}`).toBe(0);
    });
  });

  it("has the same text on each page, line for line", () => {
    expect(fromShell.text.join("")).toContain("CASE REPORT");
    expect(fromShell.text).toEqual(fromFull.text);
  });

  it("has the same text positions, fonts, links and outline", () => {
    expect(fromShell.xml).toContain("<outline>");
    expect(fromShell.xml).toContain("<a href=");
    expect(fromShell.xml).toBe(fromFull.xml);
  });

  it("has the same structure tree", () => {
    expect(fromShell.structure).toContain("Figure");
    expect(fromShell.structure).toBe(fromFull.structure);
  });
});
