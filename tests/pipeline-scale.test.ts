/**
 * Scaled manuscripts (scripts/scale-manuscript.ts) and the work they cause. Linearity is
 * checked by counting, not timing: at 10× and 50× the tree, the references, the images loaded,
 * the diagnostics and the page grow in proportion to the manuscript. Wall-clock ratios belong to
 * `npm run bench`.
 */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node } from "unist";
import { visit } from "unist-util-visit";
import { beforeAll, describe, expect, it } from "vitest";
import { type ScaledFolder, writeScaledManuscript } from "../scripts/bench/scale-manuscript.ts";
import { compileFile, renderHtml } from "./helpers.ts";

/** What one scaled manuscript produced. */
interface Work {
  folder: ScaledFolder;
  nodes: number;
  citations: number;
  references: number;
  imagesLoaded: number;
  messages: number;
  htmlBytes: number;
}

async function measure(factor: number): Promise<Work> {
  const folder = await writeScaledManuscript(
    factor,
    await mkdtemp(join(tmpdir(), `casepress-scale-${factor}-`)),
  );
  const compiled = await compileFile(folder.manuscript, { root: folder.root });
  let nodes = 0;
  let citations = 0;
  visit(compiled.tree, (node: Node) => {
    nodes++;
    if (node.type === "citation") citations++;
  });
  const html = await renderHtml(compiled);
  return {
    folder,
    nodes,
    citations,
    references: compiled.file.data.references?.length ?? 0,
    imagesLoaded: [...(compiled.file.data.resources?.images.values() ?? [])].filter(
      (image) => image.status === "ok",
    ).length,
    messages: compiled.file.messages.length,
    htmlBytes: Buffer.byteLength(html),
  };
}

const factors = [1, 10, 50] as const;
const work = new Map<number, Work>();

beforeAll(async () => {
  for (const factor of factors) work.set(factor, await measure(factor));
}, 120_000);

function at(factor: number): Work {
  const result = work.get(factor);
  if (!result) throw new Error(`no measurement at ${factor}×`);
  return result;
}

describe("scaleManuscript folders", () => {
  it("hold N copies of the references and images, the 50× one 600 references", async () => {
    expect(at(1).folder.references).toBe(12);
    expect(at(50).folder.references).toBe(600);
    expect(at(10).folder.images).toBe(40);
    expect(at(50).folder.images).toBe(200);
    const figures = await readdir(join(at(50).folder.root, "figures"));
    expect(figures).toHaveLength(200);
    const references = JSON.parse(
      await readFile(join(at(50).folder.root, "manuscript", "references.json"), "utf8"),
    ) as unknown[];
    expect(references).toHaveLength(600);
  });

  it("compile cleanly apart from the notes repetition causes, every reference cited", () => {
    expect(at(1).messages).toBe(0);
    for (const factor of factors) {
      expect(at(factor).references).toBe(12 * factor);
      expect(at(factor).imagesLoaded).toBe(4 * factor);
    }
  });
});

describe("the work grows linearly with the manuscript", () => {
  const ratio = (factor: number, key: "nodes" | "citations" | "htmlBytes") =>
    (at(factor)[key] - at(1)[key]) / (at(10)[key] - at(1)[key]);

  it("50× makes 5× the extra tree, citations and page of 10×", () => {
    for (const key of ["nodes", "citations", "htmlBytes"] as const) {
      // Copies 2…50 add 49 copies' worth, copies 2…10 add 9: a ratio of 49/9 when linear.
      expect(ratio(50, key)).toBeCloseTo(49 / 9, 1);
    }
  });

  it("diagnostics grow no faster than the copies that cause them", () => {
    expect(at(50).messages).toBeLessThanOrEqual((at(10).messages / 9) * 49 + 5);
  });

  it("every copy adds the same number of bytes", () => {
    const perCopy = (factor: number) =>
      (at(factor).folder.bytes - at(1).folder.bytes) / (factor - 1);
    expect(perCopy(50) / perCopy(10)).toBeCloseTo(1, 1);
  });
});
