/** `startPreview`: warm rebuilds see every change, run one at a time, and close cleanly. */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildManuscript } from "../../scripts/cli/build.ts";
import { type PreviewSession, startPreview } from "../../scripts/cli/preview.ts";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { repositoryDirectory } from "../helpers.ts";

let project = "";
let session: PreviewSession | undefined;
const manuscript = () => join(project, "manuscript", "case-report.md");
const bibliography = () => join(project, "manuscript", "references.json");
const page = () => readFile(join(project, "out", "case-report.html"), "utf8");

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), "casepress-preview-"));
  await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
    recursive: true,
  });
  await cp(join(repositoryDirectory, "figures"), join(project, "figures"), { recursive: true });
  await writeFile(join(project, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
});

afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function start(formats: ("html" | "pdf")[] = ["html"]) {
  const started = await startPreview("manuscript/case-report.md", {
    outDir: "out",
    formats,
    cwd: project,
  });
  session = started.session;
  return started;
}

async function edit(path: string, change: (text: string) => string): Promise<void> {
  await writeFile(path, change(await readFile(path, "utf8")));
}

describe("startPreview", () => {
  it("builds once at start and writes the page", async () => {
    const { first } = await start();
    expect(first.outputs.some((output) => output.endsWith("case-report.html"))).toBe(true);
    expect(first.durationMs).toBeGreaterThan(0);
    expect(session?.pdfUnavailable).toBeUndefined();
    expect(await page()).toContain("Leg ulcers in systemic lupus erythematosus");
  });

  it("writes what buildManuscript writes, byte for byte", async () => {
    await start();
    await buildManuscript("manuscript/case-report.md", {
      outDir: "out-build",
      formats: ["html"],
      cwd: project,
    });
    const files = async (folder: string) =>
      (await readdir(join(project, folder), { recursive: true })).map(String).sort();
    expect(await files("out")).toEqual(await files("out-build"));
    for (const name of await files("out-build")) {
      if (!name.includes(".")) continue; // A folder.
      const built = await readFile(join(project, "out-build", name));
      expect(await readFile(join(project, "out", name)), name).toEqual(built);
    }
  });

  it("re-parses only the edited section, and writes what a whole parse writes", async () => {
    await start();
    const parsed = session?.parseWork?.parsed ?? 0;
    expect(parsed).toBeGreaterThan(2);
    await edit(manuscript(), (text) =>
      text.replace("# Discussion\n", "# Discussion\n\nA sentence typed in the preview.\n"),
    );
    await session?.rebuild();
    expect(session?.parseWork?.parsed).toBe(parsed + 1);
    expect(session?.parseWork?.reused).toBe(parsed - 1);
    const cached = await page();
    expect(cached).toContain("A sentence typed in the preview.");
    await session?.close();
    session = undefined;
    // No cache now: the session closed it.
    await buildManuscript("manuscript/case-report.md", {
      outDir: "out-whole",
      formats: ["html"],
      cwd: project,
    });
    expect(await readFile(join(project, "out-whole", "case-report.html"), "utf8")).toBe(cached);
  });

  it("copies assets again only when they change or go missing", async () => {
    const { first } = await start();
    const assets = join(project, "out", "case-report_files");
    expect(first.outputs).toContain(join(assets, "fig-1.png"));
    const again = await session?.rebuild();
    expect(again?.outputs).toEqual([join(project, "out", "case-report.html")]);

    await cp(join(project, "figures", "fig-2.png"), join(project, "figures", "fig-1.png"));
    await rm(join(assets, "style.css"));
    const changed = await session?.rebuild();
    expect(changed?.outputs.sort()).toEqual(
      [
        join(project, "out", "case-report.html"),
        join(assets, "fig-1.png"),
        join(assets, "style.css"),
      ].sort(),
    );
    expect(await readFile(join(assets, "fig-1.png"))).toEqual(
      await readFile(join(project, "figures", "fig-2.png")),
    );
  });

  it("rebuilds with the edited text", async () => {
    await start();
    await edit(manuscript(), (text) =>
      text.replace("# Discussion\n", "# Discussion\n\nA sentence added while previewing.\n"),
    );
    const again = await session?.rebuild();
    expect(again?.outputs.length).toBeGreaterThan(0);
    expect(await page()).toContain("A sentence added while previewing.");
  });

  it("formats the reference list again when an entry or the citation order changes", async () => {
    await start();
    const before = await page();
    expect(before).toContain("Calcinosis cutis: part I. Diagnostic pathway");

    await edit(bibliography(), (text) =>
      text.replace("Calcinosis cutis: part I. Diagnostic pathway", "A retitled entry"),
    );
    await session?.rebuild();
    const retitled = await page();
    expect(retitled).toContain("A retitled entry");
    expect(retitled).not.toContain("Calcinosis cutis: part I. Diagnostic pathway");

    // Cite Wolf first: it becomes reference 1 and the list reorders.
    await edit(manuscript(), (text) =>
      text.replace("# Introduction\n\n", "# Introduction\n\nTreated before [@wolf2008].\n\n"),
    );
    await session?.rebuild();
    const reordered = await page();
    const list = reordered.slice(reordered.indexOf('id="references"'));
    expect(list.indexOf('id="ref-wolf2008"')).toBeLessThan(list.indexOf('id="ref-reiter2011"'));
  });

  it("reports errors without writing, and recovers on the next rebuild", async () => {
    await start();
    const original = await readFile(manuscript(), "utf8");
    await writeFile(manuscript(), original.replace("[@wolf2008]", "[@wolf2099]"));
    const broken = await session?.rebuild();
    expect(broken?.outputs).toEqual([]);
    expect(broken?.file.messages.map((message) => message.ruleId)).toContain(
      "citation-key-unknown",
    );
    await writeFile(manuscript(), original);
    const fixed = await session?.rebuild();
    expect(fixed?.outputs.length).toBeGreaterThan(0);
  });

  it("runs one rebuild at a time and folds calls made meanwhile into one", async () => {
    await start();
    const first = session?.rebuild();
    await edit(manuscript(), (text) =>
      text.replace("# Discussion\n", "# Discussion\n\nLast edit.\n"),
    );
    const second = session?.rebuild();
    const third = session?.rebuild();
    expect(third).toBe(second);
    expect(second).not.toBe(first);
    await Promise.all([first, second]);
    expect(await page()).toContain("Last edit.");
  });

  it("refuses rebuilds after close", async () => {
    await start();
    await session?.close();
    await expect(session?.rebuild()).rejects.toThrow(/closed/);
  });

  it.skipIf(findBrowser().path === null)("keeps one browser open for PDF rebuilds", async () => {
    const { first } = await start(["html", "pdf"]);
    expect(session?.pdfUnavailable).toBeUndefined();
    expect(first.outputs.some((output) => output.endsWith("case-report.pdf"))).toBe(true);
    await edit(manuscript(), (text) =>
      text.replace("# Discussion\n", "# Discussion\n\nOnce more.\n"),
    );
    const again = await session?.rebuild();
    expect(again?.outputs.some((output) => output.endsWith("case-report.pdf"))).toBe(true);
    const pdf = await readFile(join(project, "out", "case-report.pdf"));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });
});
