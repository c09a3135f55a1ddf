import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { readPassthroughPng } from "../../scripts/pdf/png-passthrough.ts";
import { launchPdfRenderer, type PdfRenderer } from "../../scripts/pdf/render-pdf.ts";
import { assembleFixture, REPO_ROOT } from "../fixtures/pdf/assemble.ts";
import { hasTool, pngChunk } from "../helpers.ts";

const browser = findBrowser();
const skipReason =
  browser.path === null
    ? `no browser found — image passthrough tests skipped.\n${browser.help}`
    : !hasTool("pdftoppm")
      ? "pdftoppm not found — image passthrough tests skipped. Install poppler-utils."
      : "";
if (skipReason !== "") console.warn(`[image-passthrough.test] ${skipReason}`);

const METADATA = {
  title: "Passthrough",
  authors: ["A. Author"],
  creator: "Casepress test",
  sourceDateEpoch: 1_700_000_000,
};

/** The image XObjects of a PDF, with their raw (still encoded) data. */
async function imagesOf(pdf: Uint8Array): Promise<PDFRawStream[]> {
  const document = await PDFDocument.load(pdf);
  return document.context
    .enumerateIndirectObjects()
    .map(([, object]) => object)
    .filter(
      (object): object is PDFRawStream =>
        object instanceof PDFRawStream &&
        String(object.dict.get(PDFName.of("Subtype"))) === "/Image",
    );
}

/** Every page of a PDF rasterised by pdftoppm (PPM), as one buffer per page. */
async function pixelsOf(pdf: Uint8Array, directory: string, name: string): Promise<Buffer[]> {
  const path = join(directory, `${name}.pdf`);
  await writeFile(path, pdf);
  execFileSync("pdftoppm", ["-r", "100", path, join(directory, name)]);
  const pages = (await readdir(directory)).filter((file) => file.startsWith(`${name}-`)).sort();
  return Promise.all(pages.map((page) => readFile(join(directory, page))));
}

/** An opaque 8-bit RGB PNG of `width` × `height` in one colour. */
function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill(rgb).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.concat(Array(height).fill(row)))),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

describe.skipIf(skipReason !== "")("PNG figures passed through into the PDF", () => {
  let work = "";
  let passing: PdfRenderer;
  let plain: PdfRenderer;
  let article = "";
  let figures: Buffer[] = [];

  const render = (renderer: PdfRenderer, outDir: string) =>
    renderer.render({
      htmlPath: join(outDir, "case-report.html"),
      allowedDir: outDir,
      metadata: METADATA,
    });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "casepress-image-passthrough-"));
    const executablePath = browser.path ?? "";
    passing = await launchPdfRenderer({ executablePath, concurrency: 1 });
    plain = await launchPdfRenderer({ executablePath, concurrency: 1, passThroughImages: false });
    article = join(work, "article");
    await assembleFixture({
      journal: "jaad-case-reports",
      outDir: article,
      figuresDir: join(REPO_ROOT, "figures"),
    });
    figures = await Promise.all(
      [1, 2, 3, 4].map((n) => readFile(join(REPO_ROOT, "figures", `fig-${n}.png`))),
    );
  }, 60_000);

  afterAll(async () => {
    await passing?.close();
    await plain?.close();
    if (work !== "") await rm(work, { recursive: true, force: true });
  });

  it("embeds each figure's own IDAT data: no image is re-encoded", async () => {
    const result = await render(passing, article);
    expect(result.imagesPassedThrough).toBe(4);
    const images = await imagesOf(result.pdf);
    expect(images).toHaveLength(4);
    const idats = figures.map((figure) => Buffer.from(readPassthroughPng(figure)?.idat ?? []));
    for (const image of images) {
      expect(String(image.dict.get(PDFName.of("DecodeParms")))).toMatch(/\/Predictor 15/);
      expect(idats.some((idat) => idat.equals(Buffer.from(image.contents)))).toBe(true);
    }
    const reencoded = await imagesOf((await render(plain, article)).pdf);
    expect(reencoded.filter((image) => image.dict.has(PDFName.of("DecodeParms")))).toEqual([]);
  }, 60_000);

  it("prints the same pixels as Chromium's own re-encoding (pdftoppm)", async () => {
    const on = await pixelsOf((await render(passing, article)).pdf, work, "on");
    const off = await pixelsOf((await render(plain, article)).pdf, work, "off");
    expect(on.length).toBeGreaterThan(1);
    expect(on.length).toBe(off.length);
    for (const [page, pixels] of on.entries()) expect(pixels.equals(off[page]!)).toBe(true);
  }, 60_000);

  it("is byte-identical across renders, also after other documents", async () => {
    const first = await render(passing, article);
    await render(passing, article);
    const again = await render(passing, article);
    expect(Buffer.from(again.pdf).equals(Buffer.from(first.pdf))).toBe(true);
  }, 60_000);

  it("prints again with the figures themselves when a placeholder is not painted", async () => {
    const hidden = join(work, "hidden");
    await assembleFixture({
      journal: "jaad-case-reports",
      outDir: hidden,
      figuresDir: join(REPO_ROOT, "figures"),
      overrides: {
        references:
          '<p>Hidden <img src="case-report_files/hidden.png" alt="" style="display:none"></p>',
      },
    });
    await writeFile(
      join(hidden, "case-report_files", "hidden.png"),
      solidPng(64, 32, [200, 30, 90]),
    );
    const result = await render(passing, hidden);
    expect(result.imagesPassedThrough).toBe(0);
    const on = await pixelsOf(result.pdf, work, "hidden-on");
    const off = await pixelsOf((await render(plain, hidden)).pdf, work, "hidden-off");
    expect(on.length).toBe(off.length);
    for (const [page, pixels] of on.entries()) expect(pixels.equals(off[page]!)).toBe(true);
  }, 60_000);
});
