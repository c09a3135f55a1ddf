/** The sample's PDF as `npm run build` makes it: text, metadata, fonts, pages, determinism. */
import { execFile, execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { repositoryDirectory } from "../helpers.ts";

const run = promisify(execFile);
const hasPoppler = (() => {
  try {
    execFileSync("pdfinfo", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const browser = findBrowser();
const canPrint = browser.path !== null && hasPoppler;

let project = "";
let pdfPath = "";

async function build(outDir: string): Promise<Buffer> {
  await run(
    process.execPath,
    [
      join(repositoryDirectory, "scripts", "casepress.mjs"),
      "build",
      "manuscript/case-report.md",
      "--out",
      outDir,
    ],
    {
      cwd: project,
      env: { ...process.env, CASEPRESS_FROM_SOURCE: "1", SOURCE_DATE_EPOCH: "1458000000" },
    },
  );
  return readFile(join(project, outDir, "case-report.pdf"));
}

async function poppler(tool: string, ...args: string[]): Promise<string> {
  // pdftotext writes to a file unless told "-" (standard output).
  const output = tool === "pdftotext" ? [pdfPath, "-"] : [pdfPath];
  return (await run(tool, [...args, ...output], { maxBuffer: 16 * 1024 * 1024 })).stdout;
}

describe.skipIf(!canPrint)("the sample PDF", () => {
  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), "casepress-pdf-"));
    await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
      recursive: true,
    });
    await cp(join(repositoryDirectory, "figures"), join(project, "figures"), { recursive: true });
    await writeFile(join(project, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
    await build("one");
    pdfPath = join(project, "one", "case-report.pdf");
  }, 120_000);

  it("holds the title, headings, abbreviation box, Table I, Fig 1-4 legends and all 12 references", async () => {
    const text = (await poppler("pdftotext", "-layout")).replace(/\s+/g, " ");
    expect(text).toContain("Leg ulcers in systemic lupus erythematosus");
    for (const heading of ["INTRODUCTION", "CASE REPORT", "DISCUSSION", "REFERENCES"])
      expect(text).toContain(heading);
    expect(text).toContain("Abbreviations used");
    expect(text).toMatch(/Table I\./);
    for (const figure of [1, 2, 3, 4]) expect(text).toMatch(new RegExp(`Fig ${figure}\\.`));
    const surnames = [
      "Reiter",
      "Enoch",
      "Mandelbrot",
      "Abu-Shakra",
      "Saini",
      "Zizic",
      "Salesi",
      "Fajardo",
      "Pérez-Pampín|Perez-Pampin|Pampin",
      "Chatterjee",
      "Walsh",
      "Wolf",
    ];
    for (const surname of surnames) expect(text).toMatch(new RegExp(surname));
  });

  it("numbers pages from the article's first page (publication.pages 164-7)", async () => {
    const firstPage = await poppler("pdftotext", "-f", "1", "-l", "1");
    expect(firstPage).toMatch(/^164$/m);
  });

  it("carries the metadata", async () => {
    const info = await poppler("pdfinfo");
    expect(info).toMatch(/Title:\s+Leg ulcers in systemic lupus/);
    expect(info).toMatch(
      /Author:\s+Margo Lederhandler; Whitney Valins; Zena Zoghbi; Marc E. Grossman/,
    );
    expect(info).toMatch(/Subject:\s+Case report, JAAD Case Reports/);
    expect(info).toMatch(/Keywords:\s+antiphospholipid antibodies/);
    expect(info).toMatch(/Creator:\s+Casepress \d+\.\d+\.\d+/);
    expect(info).toMatch(/Tagged:\s+yes/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(5);
  });

  it("embeds every font", async () => {
    const rows = (await poppler("pdffonts")).trim().split("\n").slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/\s+yes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/);
  });

  it("is byte-identical across builds with SOURCE_DATE_EPOCH", async () => {
    const [first, second] = [await readFile(pdfPath), await build("two")];
    expect(second.equals(first)).toBe(true);
  });
});
