/**
 * `build --draft`: a manuscript with errors is written anyway, each problem marked where it
 * sits (unknown citation key, unknown cross-reference, missing figure file) and a DRAFT mark
 * with the error count on the page and on every PDF page; the exit code stays 1. Without
 * `--draft`, errors write nothing and earlier outputs stay intact.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { casepressProcess, repositoryDirectory } from "../helpers.ts";

const run = promisify(execFile);

let project = "";
let original = "";
const manuscript = () => join(project, "manuscript", "case-report.md");
/** The sample with an unknown key, an unknown cross-reference and a missing figure file. */
const broken = () =>
  original
    .replace("None of her digits", "[@nosuchkey] See @fig-nope. None of her digits")
    .replace("../figures/fig-2.png", "../figures/no-such-figure.png");

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "casepress-draft-"));
  await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
    recursive: true,
  });
  await cp(join(repositoryDirectory, "figures"), join(project, "figures"), { recursive: true });
  await writeFile(join(project, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
  original = await readFile(manuscript(), "utf8");
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe("build --draft", () => {
  it("writes the HTML with each problem marked in place and the DRAFT mark, exit 1", async () => {
    await writeFile(manuscript(), broken());
    const result = await casepressProcess(
      ["build", "manuscript/case-report.md", "--draft", "--format", "html", "--out", "html-out"],
      project,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("citation-key-unknown");
    const html = await readFile(join(project, "html-out", "case-report.html"), "utf8");
    expect(html).toContain(
      '<span class="draft-mark draft-citation-key-unknown">[?nosuchkey]</span>',
    );
    expect(html).toContain(
      '<span class="draft-mark draft-cross-reference-unknown">[?fig-nope]</span>',
    );
    expect(html).toContain(
      '<span class="draft-mark draft-figure-missing">[? ../figures/no-such-figure.png]</span>',
    );
    expect(html).not.toContain('no-such-figure.png"');
    expect(html).toContain('<div class="draft-watermark">DRAFT · 3 errors</div>');
    const css = await readFile(join(project, "html-out", "case-report_files", "style.css"), "utf8");
    expect(css).toContain(".draft-watermark");
  });

  it.skipIf(!findBrowser().path)(
    "writes the PDF with the marker and the DRAFT mark on every page",
    async () => {
      await writeFile(
        manuscript(),
        original.replace("None of her digits", "[@nosuchkey] None of her digits"),
      );
      const result = await casepressProcess(
        ["build", "manuscript/case-report.md", "--draft", "--out", "pdf-out"],
        project,
      );
      expect(result.code).toBe(1);
      const pdf = join(project, "pdf-out", "case-report.pdf");
      const { stdout: text } = await run("pdftotext", ["-raw", pdf, "-"]);
      expect(text).toContain("[?nosuchkey]");
      const pages = text.split("\f").filter((page) => page.trim() !== "");
      expect(pages.length).toBeGreaterThan(1);
      // The mark sits over the text in the PDF, so its words may come out apart from each other.
      for (const page of pages) {
        expect(page).toContain("DRAFT");
        expect(page).toContain("1 error");
      }
    },
  );

  it("without --draft, writes nothing and leaves the earlier outputs intact", async () => {
    await writeFile(manuscript(), original);
    const clean = await casepressProcess(
      ["build", "manuscript/case-report.md", "--format", "html", "--out", "kept"],
      project,
    );
    expect(clean.code).toBe(0);
    const before = await readFile(join(project, "kept", "case-report.html"), "utf8");
    expect(before).not.toContain("draft-");
    await writeFile(manuscript(), broken());
    const failed = await casepressProcess(
      ["build", "manuscript/case-report.md", "--format", "html", "--out", "kept"],
      project,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).not.toContain("wrote");
    expect(await readFile(join(project, "kept", "case-report.html"), "utf8")).toBe(before);
  });
});
