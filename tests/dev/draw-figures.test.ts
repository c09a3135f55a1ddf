import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRandom,
  DEFAULT_FIGURES_DIR,
  drawFigureSvgs,
  drawFigures,
  FIGURE_DPI,
  FIGURE_WIDTH,
} from "../../scripts/dev/draw-figures.ts";

const expectedFiles = ["fig-1.png", "fig-2.png", "fig-3.png", "fig-4.png"];

/** Reads a PNG's chunk types in file order (signature skipped). */
function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  let offset = 8;
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    types.push(png.toString("latin1", offset + 4, offset + 8));
    offset += 12 + length;
  }
  return types;
}

describe("draw-figures", () => {
  let outDir = "";
  let written: string[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "casepress-figures-"));
    written = await drawFigures(outDir);
  }, 60_000);

  afterAll(async () => {
    if (outDir !== "") await rm(outDir, { recursive: true, force: true });
  });

  it("writes the four figures in order", async () => {
    expect(written.map((file) => path.basename(file))).toEqual(expectedFiles);
    expect((await readdir(outDir)).sort()).toEqual(expectedFiles);
  });

  it.each(expectedFiles)("%s is byte-identical to the committed figure", async (file) => {
    const fresh = await readFile(path.join(outDir, file));
    const committed = await readFile(path.join(DEFAULT_FIGURES_DIR, file));
    expect(fresh.equals(committed)).toBe(true);
  });

  it.each(expectedFiles)("%s is 300 dpi and at least a column wide", async (file) => {
    const metadata = await sharp(path.join(DEFAULT_FIGURES_DIR, file)).metadata();
    expect(metadata.format).toBe("png");
    expect(metadata.density).toBe(FIGURE_DPI);
    expect(metadata.width).toBeGreaterThanOrEqual(FIGURE_WIDTH);
    // 3.5 in at 300 dpi: the printed width matches one journal column.
    expect((metadata.width ?? 0) / (metadata.density ?? 1)).toBeCloseTo(3.5, 2);
  });

  it.each(expectedFiles)("%s stays small and carries no timestamp", async (file) => {
    const png = await readFile(path.join(DEFAULT_FIGURES_DIR, file));
    expect(png.length).toBeLessThan(400 * 1024);
    const types = chunkTypes(png);
    expect(types).toContain("pHYs");
    expect(types).not.toContain("tIME");
    expect(types).not.toContain("tEXt");
    expect(types.at(-1)).toBe("IEND");
  });

  it("draws the same SVG twice and only uses stroked lettering", () => {
    const first = drawFigureSvgs();
    const second = drawFigureSvgs();
    expect(second.map((figure) => figure.svg)).toEqual(first.map((figure) => figure.svg));
    for (const figure of first) {
      expect(figure.width).toBe(FIGURE_WIDTH);
      expect(figure.svg).not.toContain("<text");
      expect(figure.svg).not.toMatch(/NaN|Infinity/);
    }
  });

  it("seeds its PRNG: equal seeds repeat, different seeds diverge", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const value of seqA) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});
