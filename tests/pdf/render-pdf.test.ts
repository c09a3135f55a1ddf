import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFString } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { normalizeStructureIds } from "../../scripts/pdf/pdf-lib-metadata.ts";
import { applyPdfMetadata, type PdfMetadata } from "../../scripts/pdf/pdf-metadata.ts";
import {
  launchPdfRenderer,
  type PdfJob,
  type PdfRenderer,
  PdfTimeoutError,
  requestVerdict,
} from "../../scripts/pdf/render-pdf.ts";
import {
  assembleFixture,
  fontFilesInCss,
  fontPackagePath,
  REPO_ROOT,
} from "../fixtures/pdf/assemble.ts";
import { hasTool } from "../helpers.ts";

const TITLE =
  "Leg ulcers in systemic lupus erythematosus associated with underlying dystrophic calcinosis and bone infarcts in the absence of antiphospholipid antibodies";
const EPOCH = 1_700_000_000; // 2023-11-14T22:13:20Z

const METADATA: PdfMetadata = {
  title: TITLE,
  authors: ["Margo Lederhandler", "Whitney Valins", "Zena Zoghbi", "Marc E. Grossman"],
  subject: "Case report, JAAD Case Reports",
  keywords: ["antiphospholipid antibodies", "calcinosis", "lupus"],
  creator: "Casepress 0.1.0",
  language: "en",
  sourceDateEpoch: EPOCH,
};

const browser = findBrowser();
const poppler = hasTool("pdftotext") && hasTool("pdfinfo") && hasTool("pdffonts");
const skipReason =
  browser.path === null
    ? `no browser found — PDF tests skipped.\n${browser.help}`
    : !poppler
      ? "pdftotext/pdfinfo/pdffonts not found — PDF tests skipped. Install poppler-utils (apt-get install poppler-utils)."
      : "";
if (skipReason !== "") console.warn(`[render-pdf.test] ${skipReason}`);

/** Run a poppler tool on PDF bytes written to `path`. */
function runTool(tool: "pdftotext" | "pdfinfo" | "pdffonts", args: string[]): string {
  return execFileSync(tool, args, { encoding: "utf8" });
}

/** The PDF's text with runs of whitespace collapsed. */
function textOf(pdfPath: string, ...range: string[]): string {
  return runTool("pdftotext", [...range, pdfPath, "-"]).replace(/\s+/g, " ");
}

/** `pdfinfo -isodates` as a key → value map. */
function infoOf(pdfPath: string): Map<string, string> {
  const info = new Map<string, string>();
  for (const line of runTool("pdfinfo", ["-isodates", pdfPath]).split("\n")) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match) info.set(match[1]!, match[2]!);
  }
  return info;
}

/** Words of one page with their boxes (pt, origin top-left), and the page size. */
function wordsOf(pdfPath: string, page: number) {
  const xml = runTool("pdftotext", [
    "-bbox-layout",
    "-f",
    String(page),
    "-l",
    String(page),
    pdfPath,
    "-",
  ]);
  const size = /<page width="([\d.]+)" height="([\d.]+)"/.exec(xml);
  const words = [
    ...xml.matchAll(
      /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
    ),
  ].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    text: m[5]!,
  }));
  return { width: Number(size?.[1]), height: Number(size?.[2]), words };
}

describe("requestVerdict (no browser needed)", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "casepress-verdict-"));
    await mkdir(join(dir, "assets"));
    await writeFile(join(dir, "assets", "a.png"), "x");
    await symlink("/etc/hostname", join(dir, "assets", "escape.png"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("allows data: URLs and existing files inside the folder", () => {
    expect(requestVerdict("data:image/png;base64,AAAA", dir)).toBeNull();
    expect(requestVerdict(`file://${dir}/assets/a.png`, dir)).toBeNull();
  });

  it("refuses files outside the folder, also through .. and symlinks", () => {
    expect(requestVerdict("file:///etc/passwd", dir)).toMatch(/outside the output folder/);
    expect(requestVerdict(`file://${dir}/assets/../../x.png`, dir)).toMatch(/outside/);
    expect(requestVerdict(`file://${dir}/assets/escape.png`, dir)).toMatch(/outside/);
  });

  it("refuses the network and other schemes, and reports missing files", () => {
    expect(requestVerdict("http://example.invalid/x.png", dir)).toMatch(/network access/);
    expect(requestVerdict("https://example.invalid/x.css", dir)).toMatch(/network access/);
    expect(requestVerdict("ftp://example.invalid/x", dir)).toMatch(/ftp scheme/);
    expect(requestVerdict(`file://${dir}/assets/missing.png`, dir)).toBe("file not found");
  });
});

describe("pdf-metadata (no browser needed)", () => {
  /** A one-page PDF with a Chromium-like structure tree using DOM node ids. */
  async function chromiumLikePdf(firstId: number): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]);
    const ctx = doc.context;
    const id = (n: number) => PDFString.of(`node${String(n).padStart(8, "0")}`);
    const th = ctx.register(ctx.obj({ Type: "StructElem", S: "TH", ID: id(firstId) }) as PDFDict);
    const td = ctx.register(
      ctx.obj({
        Type: "StructElem",
        S: "TD",
        ID: id(firstId + 1),
        A: [{ O: "Table", Headers: [id(firstId)] }],
      }) as PDFDict,
    );
    const idTree = ctx.register(
      ctx.obj({ Names: [id(firstId), th, id(firstId + 1), td] }) as PDFDict,
    );
    const root = ctx.register(ctx.obj({ Type: "StructTreeRoot", K: [th, td], IDTree: idTree }));
    doc.catalog.set(PDFName.of("StructTreeRoot"), root);
    return doc.save({ useObjectStreams: false });
  }

  it("renumbers Chromium's structure ids so documents do not depend on render order", async () => {
    const a = await applyPdfMetadata(await chromiumLikePdf(165), METADATA);
    const b = await applyPdfMetadata(await chromiumLikePdf(1241), METADATA);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const text = Buffer.from(a).toString("latin1");
    expect(text).toContain("(node00000001)");
    expect(text).toContain("/Headers [ (node00000001) ]");
    expect(text).not.toContain("node00000165");
  });

  it("keeps id order, so the IDTree stays sorted", async () => {
    const doc = await PDFDocument.load(await chromiumLikePdf(99999998));
    expect(normalizeStructureIds(doc)).toBe(2);
    const root = doc.catalog.lookup(PDFName.of("StructTreeRoot"), PDFDict);
    const names = root.lookup(PDFName.of("IDTree"), PDFDict).lookup(PDFName.of("Names"), PDFArray);
    expect(names.lookup(0, PDFString).decodeText()).toBe("node00000001");
    expect(names.lookup(2, PDFString).decodeText()).toBe("node00000002");
  });

  it("writes the information dictionary and pins dates to the epoch", async () => {
    const pdf = await applyPdfMetadata(await chromiumLikePdf(1), METADATA);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    expect(doc.getTitle()).toBe(TITLE);
    expect(doc.getAuthor()).toBe(
      "Margo Lederhandler; Whitney Valins; Zena Zoghbi; Marc E. Grossman",
    );
    expect(doc.getSubject()).toBe("Case report, JAAD Case Reports");
    expect(doc.getKeywords()).toBe("antiphospholipid antibodies; calcinosis; lupus");
    expect(doc.getCreator()).toBe("Casepress 0.1.0");
    expect(doc.getProducer()).toBe("Casepress 0.1.0 (Chromium)");
    expect(doc.getCreationDate()?.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(doc.getModificationDate()?.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(Buffer.from(pdf).toString("latin1")).toMatch(/\/ID \[ <[0-9A-F]{32}> <[0-9A-F]{32}> \]/);
  });

  it("rejects an epoch that is not a number, or past the year 9999", async () => {
    for (const sourceDateEpoch of [Number.NaN, 253402300800, -1]) {
      await expect(
        applyPdfMetadata(await chromiumLikePdf(1), { ...METADATA, sourceDateEpoch }),
      ).rejects.toThrow(/not a valid number of seconds/);
    }
  });

  it("writes every string as a hex string, so none can end early", async () => {
    const pdf = await applyPdfMetadata(await chromiumLikePdf(1), {
      ...METADATA,
      title: "x) /Author (evil",
      language: "en) /Evil (x",
    });
    // The XMP packet holds the title as XML text inside a stream, where it cannot end a string.
    const text = Buffer.from(pdf)
      .toString("latin1")
      .replace(/<\?xpacket begin[\s\S]*?<\?xpacket end="w"\?>/, "");
    expect(text).not.toContain("/Evil");
    expect(text).not.toContain("(evil");
    expect(text).toMatch(/\/Lang <FEFF[0-9A-F]+>/);
  });
});

describe("template fonts match the journal profiles", () => {
  for (const journal of ["jaad-case-reports", "preprint"]) {
    it(`${journal}: every url(fonts/…) in style.css is in profile.json "fonts", and back`, async () => {
      const dir = join(REPO_ROOT, "templates", journal);
      const css = await readFile(join(dir, "style.css"), "utf8");
      const wanted = await Promise.all(fontFilesInCss(css).map(fontPackagePath));
      const profile = JSON.parse(await readFile(join(dir, "profile.json"), "utf8")) as {
        fonts?: string[];
      };
      expect([...(profile.fonts ?? [])].sort()).toEqual([...wanted].sort());
    });
  }
});

describe.skipIf(skipReason !== "")("render-pdf with Chromium", () => {
  let work = "";
  let renderer: PdfRenderer;
  const jobFor = (outDir: string, extra: Partial<PdfJob> = {}): PdfJob => ({
    htmlPath: join(outDir, "case-report.html"),
    allowedDir: outDir,
    metadata: METADATA,
    ...extra,
  });
  /** Assemble a fixture variant, render it, write `<dir>.pdf`; return the path and result. */
  async function renderVariant(
    name: string,
    journal = "jaad-case-reports",
    overrides: Record<string, string> = {},
    extra: Partial<PdfJob> = {},
  ) {
    const outDir = join(work, name);
    await assembleFixture({ journal, outDir, overrides });
    const result = await renderer.render(jobFor(outDir, extra));
    const pdfPath = `${outDir}.pdf`;
    await writeFile(pdfPath, result.pdf);
    return { outDir, pdfPath, result };
  }

  let article: Awaited<ReturnType<typeof renderVariant>>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "casepress-render-pdf-"));
    renderer = await launchPdfRenderer({ executablePath: browser.path ?? "" });
    article = await renderVariant("article");
  }, 60_000);

  afterAll(async () => {
    await renderer?.close();
    if (work !== "") await rm(work, { recursive: true, force: true });
  });

  it("prints every part of the article", () => {
    const text = textOf(article.pdfPath);
    expect(text).toContain(TITLE);
    for (const heading of ["INTRODUCTION", "CASE REPORT", "DISCUSSION", "REFERENCES"]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain("Abbreviations used:");
    // Layout mode keeps each box row on one line (the raw mode may read the box column-wise).
    const layout = runTool("pdftotext", ["-layout", "-f", "1", "-l", "1", article.pdfPath, "-"]);
    expect(layout.replace(/\s+/g, " ")).toContain("APLAs: antiphospholipid antibodies");
    expect(text).toContain("Table I. Clinical characterization of patients with SLE");
    expect(text).toContain("aCL, Anticardiolipin antibody; LA, lupus antibody.");
    for (const n of [1, 2, 3, 4]) expect(text).toContain(`Fig ${n}.`);
    expect(text).toContain("Key words: antiphospholipid antibodies;");
    expect(text).toContain("Funding sources: None.");
    expect(text).toContain("Conflicts of interest: None declared.");
    expect(text).toContain("Correspondence to:");
    expect(text).toContain("JAAD Case Reports 2016;2:164-7.");
    expect(text).toContain("Reiter N, El-Shabrawi L, Leinweber B, Berghold A, Aberer E.");
    expect(text).toContain("Wolf EK, Smidt AC, Laumann AE.");
    expect(text).not.toContain("↩");
    expect(article.result.blockedRequests).toEqual([]);
  });

  it("has the metadata, page size and page count of a JAAD case report", () => {
    const info = infoOf(article.pdfPath);
    expect(info.get("Title")).toBe(TITLE);
    expect(info.get("Author")).toBe(METADATA.authors.join("; "));
    expect(info.get("Subject")).toBe(METADATA.subject);
    expect(info.get("Keywords")).toBe("antiphospholipid antibodies; calcinosis; lupus");
    expect(info.get("Creator")).toBe("Casepress 0.1.0");
    expect(info.get("Producer")).toMatch(/^Casepress 0\.1\.0 \(.*Chrom[^)]*\)$/);
    expect(info.get("CreationDate")).toBe("2023-11-14T22:13:20Z");
    expect(info.get("Tagged")).toBe("yes");
    expect(info.get("Page size")).toMatch(/^594 x 782\.88 pts/); // 8.25 × 10.875 in
    const pages = Number(info.get("Pages"));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(5);
  });

  it("embeds every font, and they are the bundled Source Serif 4 / Source Sans 3", () => {
    const rows = runTool("pdffonts", [article.pdfPath]).trim().split("\n").slice(2);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      // name, type…, encoding, emb, sub, uni, object, id: emb is the 5th column from the end.
      expect(cols.at(-5), row).toBe("yes");
      expect(cols[0], row).toMatch(/SourceSerif4|SourceSans3/);
    }
  });

  it("lays out page 1 like the journal: title block on top, abbreviations and notes at the foot of column 1", () => {
    const { width, height, words } = wordsOf(article.pdfPath, 1);
    const find = (text: string) => {
      const word = words.find((w) => w.text === text);
      expect(word, `"${text}" on page 1`).toBeDefined();
      return word!;
    };
    const title = find("Leg");
    const intro = find("INTRODUCTION");
    const abbreviations = find("Abbreviations");
    const doi = find("https://doi.org/10.1016/j.jdcr.2016.03.006");
    const middle = width / 2;
    expect(title.yMax).toBeLessThan(intro.yMin);
    expect(intro.xMax).toBeLessThan(middle);
    expect(abbreviations.xMax).toBeLessThan(middle);
    expect(abbreviations.yMin).toBeGreaterThan(intro.yMin);
    // The DOI is the last line of column 1: left half, within 0.9 in of the page's foot.
    expect(doi.xMax).toBeLessThan(middle);
    expect(doi.yMax).toBeGreaterThan(height - 0.9 * 72);
    // Column 2 holds body text beside the notes.
    expect(words.some((w) => w.xMin > middle && w.yMin > abbreviations.yMin)).toBe(true);
  });

  it("is byte-identical across renders with a fixed SOURCE_DATE_EPOCH", async () => {
    // Render another document in between and in parallel: Chromium's internal ids move on.
    const [again] = await Promise.all([
      renderer.render(jobFor(article.outDir)),
      renderer.render(jobFor(article.outDir)),
    ]);
    const third = await renderer.render(jobFor(article.outDir));
    expect(Buffer.from(again!.pdf).equals(Buffer.from(article.result.pdf))).toBe(true);
    expect(Buffer.from(third.pdf).equals(Buffer.from(article.result.pdf))).toBe(true);
    const later = await renderer.render(
      jobFor(article.outDir, { metadata: { ...METADATA, sourceDateEpoch: EPOCH + 86_400 } }),
    );
    expect(Buffer.from(later.pdf).equals(Buffer.from(article.result.pdf))).toBe(false);
  });

  it("blocks and reports requests outside the output folder and to the network", async () => {
    const pixel =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    const { result, pdfPath } = await renderVariant("blocked", "jaad-case-reports", {
      meta: '<link rel="stylesheet" href="https://example.invalid/font.css">',
      references:
        `<p>Probe <img src="http://example.invalid/x.png" alt="remote"> <img src="file:///etc/passwd" alt="passwd">` +
        ` <img src="case-report_files/missing.png" alt="missing"> <img src="${pixel}" alt="pixel"></p>`,
    });
    const byUrl = new Map(result.blockedRequests.map((b) => [b.url, b.reason]));
    expect(byUrl.get("http://example.invalid/x.png")).toMatch(/network access is disabled/);
    expect(byUrl.get("https://example.invalid/font.css")).toMatch(/network access is disabled/);
    expect(byUrl.get("file:///etc/passwd")).toMatch(/outside the output folder/);
    expect([...byUrl.keys()].some((url) => url.endsWith("/case-report_files/missing.png"))).toBe(
      true,
    );
    expect([...byUrl.keys()].some((url) => url.startsWith("data:"))).toBe(false);
    expect(result.blockedRequests).toHaveLength(4);
    expect(textOf(pdfPath)).toContain("Probe");
  });

  it("does not run the page's JavaScript", async () => {
    const { pdfPath } = await renderVariant("script", "jaad-case-reports", {
      references:
        '<p id="js-probe">SCRIPTS-OFF</p><script>document.getElementById("js-probe").textContent = "SCRIPTS-RAN";</script>',
    });
    const text = textOf(pdfPath);
    expect(text).toContain("SCRIPTS-OFF");
    expect(text).not.toContain("SCRIPTS-RAN");
  });

  it("turns a timeout into PdfTimeoutError and keeps working afterwards", async () => {
    const failing = renderer.render(jobFor(article.outDir, { timeoutMs: 1 }));
    await expect(failing).rejects.toBeInstanceOf(PdfTimeoutError);
    await expect(failing).rejects.toThrow(/timed out after 1 ms .*raise the limit/);
    const ok = await renderer.render(jobFor(article.outDir));
    expect(Buffer.from(ok.pdf).equals(Buffer.from(article.result.pdf))).toBe(true);
  });

  it("refuses an HTML file outside the allowed folder", async () => {
    await expect(
      renderer.render({
        ...jobFor(article.outDir),
        allowedDir: join(article.outDir, "case-report_files"),
      }),
    ).rejects.toThrow(/not inside the allowed folder/);
  });

  it("prints the preprint design in one column with its banner", async () => {
    const { pdfPath, result } = await renderVariant("preprint", "preprint");
    expect(result.blockedRequests).toEqual([]);
    const text = textOf(pdfPath);
    expect(text).toContain("Preprint — not peer reviewed · v0.1 · 2026-11-25");
    expect(text).toContain(TITLE);
    const info = infoOf(pdfPath);
    expect(info.get("Page size")).toMatch(/^612 x 792 pts/); // US Letter
    // One column: body words cross the middle of the page, where two columns have their gutter.
    const { width, words } = wordsOf(pdfPath, 1);
    const introduction = words.find((w) => w.text === "Introduction");
    expect(introduction).toBeDefined();
    const body = words.filter((w) => w.yMin > introduction!.yMax);
    expect(body.filter((w) => w.xMin < width / 2 && w.xMax > width / 2).length).toBeGreaterThan(5);
  });

  it("deletes its temporary browser profile on close, and refuses work afterwards", async () => {
    // Other test files launch browsers at the same time, so watch this renderer's own folder.
    const other = await launchPdfRenderer({ executablePath: browser.path ?? "" });
    expect(existsSync(other.profileDirectory)).toBe(true);
    const pdf = await other.render(jobFor(article.outDir));
    expect(pdf.pdf.byteLength).toBeGreaterThan(10_000);
    await other.close();
    await other.close(); // idempotent
    expect(existsSync(other.profileDirectory)).toBe(false);
    await expect(other.render(jobFor(article.outDir))).rejects.toThrow(/closed/);
  });
});
