/**
 * `casepress package`: the sample's submission package (built twice with one browser, for the
 * determinism check, and shared by every assertion), and the checks that stop a package.
 */
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isAcceptableFileName,
  type Manifest,
  type PackageResult,
  packageManuscript,
} from "../../scripts/package/package-submission.ts";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import type { PdfPrinter } from "../../scripts/pdf/pdf-printer.ts";
import { unzipEntries } from "../../scripts/publish/deterministic-zip.ts";
import { careChecklist } from "../../scripts/transforms/remark-care-checklist.ts";
import { frontMatter, messageLines, repositoryDirectory } from "../helpers.ts";

const temporary: string[] = [];

afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-package-"));
  temporary.push(directory);
  return directory;
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
    .sort();
}

const canPrint = findBrowser().path !== null;

describe.skipIf(!canPrint)("the sample's submission package", () => {
  let project = "";
  let first: PackageResult;
  let second: PackageResult;
  let folder = "";

  beforeAll(async () => {
    project = await temporaryDirectory();
    for (const part of ["manuscript", "figures"])
      await cp(join(repositoryDirectory, part), join(project, part), { recursive: true });
    // The manuscript's root is the folder with a package.json; its figures lie inside it.
    await writeFile(join(project, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
    // The printer reads SOURCE_DATE_EPOCH when it is made, so it is set first.
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = "1458000000";
    const { createPdfPrinter } = await import("../../scripts/pdf/pdf-printer.ts");
    const created = await createPdfPrinter();
    if ("help" in created) throw new Error(created.help);
    const printer: PdfPrinter = created;
    try {
      const options = { cwd: project, versionLabel: "v1" };
      first = await packageManuscript(
        "manuscript/case-report.md",
        { ...options, outDir: "one" },
        printer,
      );
      second = await packageManuscript(
        "manuscript/case-report.md",
        { ...options, outDir: "two" },
        printer,
      );
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
      await created.close();
    }
    folder = join(project, "one", "case-report-submission");
  }, 240_000);

  it("holds the manuscript, four figures, the proof, the CARE checklist and the manifest", async () => {
    expect(messageLines(first.file).filter((line) => line.includes(" error "))).toEqual([]);
    expect(first.directory).toBe(folder);
    expect(await listFiles(folder)).toEqual([
      "care-checklist.md",
      "figures/Figure 1.tif",
      "figures/Figure 2.tif",
      "figures/Figure 3.tif",
      "figures/Figure 4.tif",
      "manifest.json",
      "manuscript.docx",
      "proof.pdf",
    ]);
    for (const name of await listFiles(folder))
      for (const part of name.split("/")) expect(isAcceptableFileName(part), part).toBe(true);
  });

  it("exports each figure as a TIFF at 300 dpi or more at column width, never upscaled", async () => {
    const columnWidth = 3.5; // The JAAD profile's column width in inches.
    for (const n of [1, 2, 3, 4]) {
      const tiff = await readFile(join(folder, "figures", `Figure ${n}.tif`));
      const original = await sharp(join(project, "figures", `fig-${n}.png`)).metadata();
      const metadata = await sharp(tiff).metadata();
      expect(metadata.format).toBe("tiff");
      expect(metadata.density).toBeGreaterThanOrEqual(300);
      expect(metadata.width / columnWidth).toBeGreaterThanOrEqual(300);
      expect(metadata.width).toBe(original.width);
      expect(metadata.height).toBe(original.height);
    }
  });

  it("carries the typeset PDF as the proof", async () => {
    const proof = await readFile(join(folder, "proof.pdf"));
    expect(proof.subarray(0, 5).toString()).toBe("%PDF-");
    expect(proof.equals(await readFile(join(project, "one", "case-report.pdf")))).toBe(true);
  });

  it("lists every file in the manifest with its role and checksum", async () => {
    const manifest = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8")) as Manifest;
    expect(manifest.journal).toBe("jaad-case-reports");
    expect(manifest.created).toBe("2016-03-15T00:00:00Z");
    expect(manifest.files.map((entry) => [entry.path, entry.role])).toEqual([
      ["manuscript.docx", "manuscript"],
      ["figures/Figure 1.tif", "figure"],
      ["figures/Figure 2.tif", "figure"],
      ["figures/Figure 3.tif", "figure"],
      ["figures/Figure 4.tif", "figure"],
      ["proof.pdf", "proof"],
      ["care-checklist.md", "checklist"],
    ]);
    for (const entry of manifest.files) {
      const data = await readFile(join(folder, ...entry.path.split("/")));
      expect(entry.bytes).toBe(data.byteLength);
      expect(entry.sha256).toBe(createHash("sha256").update(data).digest("hex"));
    }
    expect(manifest.files[1]).toMatchObject({ figure: "fig-ulcer", width: 1050, dpi: 300 });
  });

  it("carries the CARE checklist filled from the manuscript, headed by its file name", async () => {
    const checklist = await readFile(join(folder, "care-checklist.md"), "utf8");
    const lines = checklist.split("\n");
    expect(lines[0]).toBe("## CARE checklist: case-report.md");
    const rows = lines.filter((line) => /^\| \d+ \|/.test(line));
    expect(rows).toHaveLength(careChecklist.items.length);
    // The sample reports its patient's presentation in the "Case report" section.
    expect(rows.some((row) => row.includes("| Case report, line "))).toBe(true);
  });

  it("zips to the same files", async () => {
    const zip = await readFile(join(project, "one", "case-report-submission.zip"));
    const entries = unzipEntries(new Uint8Array(zip));
    expect(entries.map((entry) => entry.path).sort()).toEqual(
      (await listFiles(folder)).map((name) => `case-report-submission/${name}`),
    );
    for (const entry of entries) {
      const onDisk = await readFile(join(project, "one", ...entry.path.split("/")));
      expect(Buffer.from(entry.data).equals(onDisk), entry.path).toBe(true);
    }
  });

  it("is byte-identical across runs with SOURCE_DATE_EPOCH", async () => {
    expect(second.zip).toBe(join(project, "two", "case-report-submission.zip"));
    const [zipOne, zipTwo] = await Promise.all(
      ["one", "two"].map((out) => readFile(join(project, out, "case-report-submission.zip"))),
    );
    expect(zipOne?.equals(zipTwo ?? Buffer.alloc(0))).toBe(true);
    const [docxOne, docxTwo] = await Promise.all(
      ["one", "two"].map((out) =>
        readFile(join(project, out, "case-report-submission", "manuscript.docx")),
      ),
    );
    expect(docxOne?.equals(docxTwo ?? Buffer.alloc(0))).toBe(true);
  });
});

describe("checks that stop a package", () => {
  const preprint = frontMatter("journal: preprint", "funding: None.", "conflicts: None declared.");
  const figure = (image: string) =>
    `${preprint}\n# Case\n\nAs shown (@fig-a).\n\n:::figure{#fig-a}\n![A test image.](${image})\n\nThe legend.\n:::\n`;

  async function project(name: string, markdown: string, width: number) {
    const directory = await temporaryDirectory();
    await mkdir(join(directory, "images"));
    const png = await sharp({
      create: { width, height: 40, channels: 3, background: "#808080" },
    })
      .png()
      .toBuffer();
    await writeFile(join(directory, "images", "a.png"), png);
    await writeFile(join(directory, name), markdown);
    return directory;
  }

  it("stops on a manuscript with errors and writes nothing", async () => {
    const directory = await project("case.md", `${figure("images/a.png")}\nSee [@nokey].\n`, 2000);
    const result = await packageManuscript("case.md", { cwd: directory, outDir: "out" });
    expect(messageLines(result.file).some((line) => line.includes("citation-key-unknown"))).toBe(
      true,
    );
    expect(result.outputs).toEqual([]);
    expect(await readdir(directory)).not.toContain("out");
  });

  it("reports a figure too small for the minimum dpi and does not upscale it", async () => {
    // The preprint profile: 150 dpi at 6.5 in, so 975 px; this image has 400.
    const directory = await project("case.md", figure("images/a.png"), 400);
    const result = await packageManuscript("case.md", { cwd: directory, outDir: "out" });
    const lines = messageLines(result.file).filter((line) => line.includes("package-"));
    expect(lines).toEqual(["16:1 error package-figure-resolution-low"]);
    const message = result.file.messages.find((m) => m.ruleId === "package-figure-resolution-low");
    expect(message?.reason).toContain("400 px wide, 62 dpi");
    expect(message?.reason).toContain("at least 975 px wide");
    expect(message?.reason).toContain("does not upscale");
    expect(result.outputs).toEqual([]);
    expect(await readdir(directory)).not.toContain("out");
  });

  it("reports a manuscript name that submission systems reject", async () => {
    const directory = await project("case report (v2)é.md", figure("images/a.png"), 2000);
    const result = await packageManuscript("case report (v2)é.md", {
      cwd: directory,
      outDir: "out",
    });
    const message = result.file.messages.find((m) => m.ruleId === "package-file-name-invalid");
    expect(message?.reason).toContain("`case report (v2)é-submission`");
    expect(message?.reason).toContain("`case report -v2-e.md`");
    expect(result.outputs).toEqual([]);
  });

  it("accepts only plain file names", () => {
    for (const name of ["manuscript.docx", "Figure 1.tif", "case-report_v2.zip"])
      expect(isAcceptableFileName(name), name).toBe(true);
    for (const name of ["Figure 1é.tif", "a/b.tif", ".hidden", "name.", "x".repeat(65), "a:b"])
      expect(isAcceptableFileName(name), name).toBe(false);
  });
});

describe("exportFigures", () => {
  it("writes JPEG when the profile asks, with the dpi at print width, panels as A and B", async () => {
    const { compileMarkdown } = await import("../helpers.ts");
    const { exportFigures } = await import("../../scripts/package/export-figures.ts");
    const png = await sharp({
      create: { width: 1400, height: 30, channels: 4, background: "#80808080" },
    })
      .png()
      .toBuffer();
    const markdown = `${frontMatter("journal: preprint", "funding: None.", "conflicts: None declared.")}\n# Case\n\nAs shown (@fig-a).\n\n:::figure{#fig-a}\n![One.](a.png) ![Two.](b.png)\n\nThe legend.\n:::\n`;
    const compiled = await compileMarkdown(markdown, { files: { "a.png": png, "b.png": png } });
    temporary.push(compiled.directory);
    const profile = compiled.file.data.journal;
    if (!profile) throw new Error("no profile");
    const jpeg = {
      ...profile,
      submission: { ...profile.submission, "figure-format": "jpeg" as const },
    };
    const figures = await exportFigures(compiled.tree, compiled.file, jpeg);
    expect(figures.map((figure) => figure.name)).toEqual(["Figure 1A.jpg", "Figure 1B.jpg"]);
    for (const figure of figures) {
      const metadata = await sharp(figure.data).metadata();
      expect(metadata.format).toBe("jpeg");
      expect(metadata.width).toBe(1400);
      // Two images share the 6.5 in column: 3.25 in each, so 1400 px is 431 dpi.
      expect(Math.round(metadata.density ?? 0)).toBe(431);
    }
  });
});
