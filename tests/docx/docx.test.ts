/**
 * The sample as a Word manuscript (`--format docx`), read back: the parts of the zip, the
 * WordprocessingML of `word/document.xml`, the document properties, determinism, and the
 * profile's submission settings. The last block opens the file in LibreOffice.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Element } from "hast";
import { fromHtml } from "hast-util-from-html";
import { SKIP, visit } from "unist-util-visit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReferenceFormatter } from "../../scripts/bibliography/bibliography.ts";
import { hastText } from "../../scripts/docx/docx-content.ts";
import { renderDocx } from "../../scripts/docx/render-docx.ts";
import type { CompiledManuscript } from "../../scripts/pipeline.ts";
import { unzipEntries } from "../../scripts/publish/deterministic-zip.ts";
import { renderBodyHtml } from "../../scripts/render/render-page.ts";
import type { JournalProfile } from "../../scripts/schemas/journal-profile.ts";
import { compileFile, repositoryDirectory } from "../helpers.ts";

const run = promisify(execFile);
const time = new Date(Date.UTC(2016, 2, 15, 12, 0, 0));

/** Table I of the sample, cell by cell, as the Word table should hold it. */
const tableOne = [
  [
    "Case",
    "Age/Sex",
    "Duration of SLE (y)",
    "Location of osteonecrosis",
    "Ulceration",
    "Calcinosis",
    "Presence of APLAs",
    "Systemic steroid therapy",
  ],
  [
    "Salesi et al7",
    "21/F",
    "3",
    "Infarct in metaphysis of femur, AVN of femoral head bilaterally",
    "No",
    "No",
    "Yes (aCL)",
    "Yes",
  ],
  [
    "Fajardo-Hermosillo et al8",
    "26/F",
    "2",
    "Osteonecrosis of distal tibia, proximal tibia, distal fibula, and talus bilaterally",
    "Yes (pretibial)",
    "No",
    "Yes (aCL)",
    "Yes",
  ],
  [
    "Perez-Pampin et al9",
    "51/F",
    "21",
    "Osteonecrosis of distal femur and proximal tibia bilaterally",
    "No",
    "No",
    "Yes (aCL)",
    "Yes",
  ],
  [
    "Chatterjee10",
    "48/F",
    ">20",
    "Infarct in distal femur bilaterally, proximal tibia bilaterally, distal tibia, tali, calcanei, navicular, distal radius, lateral femoral condyles; AVN right lunate",
    "No",
    "No",
    "Yes (LA)",
    "Yes",
  ],
  [
    "Current case",
    "34/F",
    "11",
    "Infarct in distal tibia bilaterally",
    "Yes (pretibial)",
    "Yes",
    "No",
    "Yes",
  ],
];

let compiled: CompiledManuscript;
let profile: JournalProfile;
let docx: Uint8Array;
let parts: Map<string, string>;
let documentXml: string;

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The text of a piece of WordprocessingML: its `w:t` elements joined. */
function textOf(xml: string): string {
  return decodeXml([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(""));
}

/** Every `w:p` of the body (outside tables too), as XML. */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p>(?:(?!<\/w:p>)[\s\S])*<\/w:p>/g)].map((m) => m[0]);
}

async function renderSample(overrides: Partial<JournalProfile["submission"]> = {}) {
  const changed = { ...profile, submission: { ...profile.submission, ...overrides } };
  return renderDocx(compiled.tree, compiled.file, changed, { generator: "Casepress test", time });
}

function documentOf(bytes: Uint8Array): string {
  const entry = unzipEntries(bytes).find((part) => part.path === "word/document.xml");
  return new TextDecoder().decode(entry?.data);
}

beforeAll(async () => {
  compiled = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"));
  if (!compiled.file.data.journal) throw new Error("the sample did not compile");
  profile = compiled.file.data.journal;
  docx = await renderSample();
  parts = new Map(
    unzipEntries(docx).map((entry) => [entry.path, new TextDecoder().decode(entry.data)]),
  );
  documentXml = parts.get("word/document.xml") ?? "";
});

describe("the sample as a Word manuscript", () => {
  it("is a WordprocessingML package", () => {
    expect([...parts.keys()][0]).toBe("[Content_Types].xml");
    for (const part of ["word/document.xml", "word/styles.xml", "docProps/core.xml", "_rels/.rels"])
      expect(parts.has(part), part).toBe(true);
  });

  it("sets the sections in real heading styles", () => {
    const headings = paragraphs(documentXml)
      .filter((xml) => xml.includes('<w:pStyle w:val="Heading1"/>'))
      .map(textOf);
    expect(headings).toEqual([
      "Abbreviations used",
      "Introduction",
      "Case report",
      "Discussion",
      "Statements",
      "References",
      "Figure legends",
    ]);
    const styles = parts.get("word/styles.xml") ?? "";
    expect(styles).toMatch(
      /<w:style [^>]*w:styleId="Heading1"[^>]*>\s*<w:name w:val="heading 1"\/>/i,
    );
    const title = paragraphs(documentXml).find((xml) => xml.includes('w:val="Title"'));
    expect(textOf(title ?? "")).toBe(compiled.file.data.frontMatter?.title);
  });

  it("numbers lines continuously and pages in the footer", () => {
    const sections = [...documentXml.matchAll(/<w:sectPr>[\s\S]*?<\/w:sectPr>/g)].map((m) => m[0]);
    expect(sections.length).toBeGreaterThan(1);
    for (const section of sections) {
      expect(section).toMatch(
        /<w:lnNumType [^>]*w:countBy="1"[^>]*w:restart="continuous"|<w:lnNumType [^>]*w:restart="continuous"[^>]*w:countBy="1"/,
      );
      expect(section).toContain('<w:pgSz w:w="12240" w:h="15840"');
      expect(section).toMatch(/<w:footerReference w:type="default"/);
    }
    const footers = [...parts.entries()].filter(([path]) => /^word\/footer\d+\.xml$/.test(path));
    expect(footers.length).toBeGreaterThan(0);
    for (const [, xml] of footers) expect(xml).toMatch(/<w:instrText[^>]*>PAGE<\/w:instrText>/);
  });

  it("double-spaces the text", () => {
    const body = paragraphs(documentXml).filter((xml) =>
      textOf(xml).startsWith("In systemic lupus erythematosus (SLE), ulcers"),
    );
    expect(body).toHaveLength(1);
    expect(body[0]).toMatch(/<w:spacing [^>]*w:line="480"/);
    const text = paragraphs(documentXml).filter((xml) => !xml.includes("<w:tbl"));
    const spaced = text.filter((xml) => /w:line="480"/.test(xml));
    expect(spaced.length).toBeGreaterThan(40);
  });

  it("holds Table I as a real Word table with its caption and footnote", () => {
    const tables = [...documentXml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]);
    expect(tables).toHaveLength(1);
    const rows = [...(tables[0] ?? "").matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((row) =>
      [...row[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((cell) => textOf(cell[0])),
    );
    expect(rows).toEqual(tableOne);
    expect(tables[0]).toContain("<w:tblHeader/>");
    const before = documentXml.slice(0, documentXml.indexOf("<w:tbl>"));
    expect(textOf(paragraphs(before).at(-1) ?? "")).toBe(
      "Table I. Clinical features of patients with SLE and multiple bone infarcts",
    );
    const after = documentXml.slice(documentXml.indexOf("</w:tbl>"));
    expect(textOf(paragraphs(after)[0] ?? "")).toBe(
      "aCL, Anticardiolipin antibody; LA, lupus antibody.",
    );
    // Tables come after the references, the legends after the tables.
    const references = documentXml.indexOf(">References<");
    const legends = documentXml.indexOf(">Figure legends<");
    expect(references).toBeLessThan(documentXml.indexOf("<w:tbl>"));
    expect(documentXml.indexOf("</w:tbl>")).toBeLessThan(legends);
  });

  it("writes the citations as superscript runs with the HTML's numbers", async () => {
    const html = await renderBodyHtml(structuredClone(compiled.tree), compiled.file);
    // The HTML's citations in reading order; the table's move with the table to the end.
    const inText: string[] = [];
    const inTables: string[] = [];
    const collect = (into: string[]) => (node: Element) => {
      const classes = node.properties.className;
      if (node.tagName === "sup" && Array.isArray(classes) && classes.includes("citation"))
        into.push(hastText(node.children));
    };
    visit(fromHtml(html, { fragment: true }), "element", (node) => {
      if (node.tagName !== "table") return collect(inText)(node);
      visit(node, "element", collect(inTables));
      return SKIP;
    });
    expect(inTables).toEqual(["7", "8", "9", "10"]);
    const expected = [...inText, ...inTables];
    expect(expected).toHaveLength(16);
    const runs = [...documentXml.matchAll(/<w:r>(?:(?!<\/w:r>)[\s\S])*<\/w:r>/g)].map((m) => m[0]);
    const superscripts = runs
      .filter((run) => run.includes('<w:vertAlign w:val="superscript"/>'))
      .map(textOf)
      .filter((text) => /^[\d,–-]+$/.test(text));
    expect(superscripts).toEqual(expected);
    expect(superscripts.slice(0, 3)).toEqual(["1,2", "1", "1"]);
  });

  it("lists the 12 references as the journal's CSL formats them, in citation order", () => {
    const formatter = createReferenceFormatter({
      name: `casepress-${profile.id}`,
      xml: profile.cslXml,
    });
    const references = compiled.file.data.references ?? [];
    const items = compiled.file.data.referenceItems ?? new Map();
    const formatted = formatter.format(
      references.map((ref) => items.get(ref.key) ?? { id: ref.key }),
    );
    const expected = formatted.map(
      (entry, index) => `${index + 1}. ${hastText(fromHtml(entry, { fragment: true }).children)}`,
    );
    const start = documentXml.indexOf(">References<");
    const listed = paragraphs(documentXml.slice(start))
      .map(textOf)
      .filter((text) => /^\d+\. /.test(text));
    expect(listed).toHaveLength(12);
    expect(listed).toEqual(expected);
    expect(listed[0]).toMatch(/^1\. Reiter N, El-Shabrawi L/);
  });

  it("has a title page with word, figure and table counts and key words", () => {
    const text = paragraphs(documentXml).map(textOf);
    const words = compiled.file.data.bodyWords;
    expect(words).toBeGreaterThan(900);
    expect(text).toContain(`Word count: no abstract; text ${words}`);
    expect(text).toContain("Figures: 4; Tables: 1; References: 12");
    expect(text).toContain(
      "Key words: antiphospholipid antibodies; calcinosis; dystrophic calcification; lupus; osteonecrosis; ulcers",
    );
    expect(text).toContain("Short title: Leg ulcers, calcinosis, and bone infarcts in lupus");
    expect(text.some((line) => line.startsWith("Correspondence to: Margo Lederhandler"))).toBe(
      true,
    );
    expect(text).toContain("SLE: systemic lupus erythematosus");
    expect(text).toContain("Funding sources: None.");
    expect(text).toContain("Conflicts of interest: None declared.");
    // The legends, in figure-number order, each with its label.
    const legends = text.filter((line) => /^Fig \d\. /.test(line)).map((line) => line.slice(0, 6));
    expect(legends).toEqual(["Fig 1.", "Fig 2.", "Fig 3.", "Fig 4."]);
  });

  it("sets the document properties", () => {
    const core = parts.get("docProps/core.xml") ?? "";
    expect(core).toContain(`<dc:title>${compiled.file.data.frontMatter?.title}</dc:title>`);
    expect(core).toContain(
      "<dc:creator>Margo Lederhandler; Whitney Valins; Zena Zoghbi; Marc E. Grossman</dc:creator>",
    );
    expect(core).toContain("<cp:keywords>antiphospholipid antibodies; calcinosis;");
    expect(core).toContain('<dcterms:created xsi:type="dcterms:W3CDTF">2016-03-15T12:00:00Z<');
    expect(core).toContain('<dcterms:modified xsi:type="dcterms:W3CDTF">2016-03-15T12:00:00Z<');
  });

  it("is byte-identical for the same SOURCE_DATE_EPOCH", async () => {
    const saved = process.env.SOURCE_DATE_EPOCH;
    process.env.SOURCE_DATE_EPOCH = "1458043200";
    try {
      const options = { generator: "Casepress test" };
      const first = await renderDocx(compiled.tree, compiled.file, profile, options);
      const second = await renderDocx(compiled.tree, compiled.file, profile, options);
      expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
      expect(Buffer.from(first).equals(Buffer.from(docx))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });

  it("follows the profile's submission settings", async () => {
    const xml = documentOf(
      await renderSample({
        "line-spacing": 1.5,
        "line-numbers": "page",
        "page-numbers": false,
        paper: "a4",
        tables: "in-place",
        order: ["title-page", "body", "references", "tables"],
      }),
    );
    expect(xml).toContain('w:restart="newPage"');
    expect(xml).toContain('w:line="360"');
    expect(xml).not.toContain('w:line="480"');
    expect(xml).not.toContain("w:footerReference");
    expect(xml).toContain('<w:pgSz w:w="11906" w:h="16838"');
    expect(xml).not.toContain(">Figure legends<");
    expect(xml).not.toContain(">Abbreviations used<");
    // In place: the table stands between the paragraphs around it in the source.
    const table = xml.indexOf("<w:tbl>");
    expect(xml.indexOf("Why calcinosis developed")).toBeLessThan(table);
    expect(table).toBeLessThan(xml.indexOf("Ischemic death of bone"));
    const none = documentOf(await renderSample({ "line-numbers": "none" }));
    expect(none).not.toContain("w:lnNumType");
  });
});

const hasLibreOffice = (() => {
  try {
    execFileSync("soffice", ["--version"], { stdio: "ignore", timeout: 60_000 });
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasLibreOffice)
  console.warn(
    "LibreOffice (soffice) or pdftotext not found: the DOCX-in-LibreOffice test is skipped. Install with `apt-get install libreoffice-writer-nogui poppler-utils`.",
  );

describe.skipIf(!hasLibreOffice)("the sample's DOCX opened by LibreOffice", () => {
  let directory = "";
  let text = "";

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "casepress-docx-"));
    const input = join(directory, "case-report.docx");
    await writeFile(input, docx);
    await run(
      "soffice",
      [
        `-env:UserInstallation=file://${join(directory, "profile")}`,
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        directory,
        input,
      ],
      { timeout: 170_000 },
    );
    const raw = (await run("pdftotext", [join(directory, "case-report.pdf"), "-"])).stdout;
    // Line numbers come out as lines of their own: drop them, then join the text.
    text = raw
      .split("\n")
      .filter((line) => !/^\s*\d+\s*$/.test(line))
      .join(" ")
      .replace(/\s+/g, " ");
    await readFile(join(directory, "case-report.pdf"));
  }, 180_000);

  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it("shows the title, every section heading and Table I's cells", () => {
    expect(text).toContain(compiled.file.data.frontMatter?.title);
    for (const heading of ["Introduction", "Case report", "Discussion", "References"])
      expect(text).toContain(heading);
    for (const cell of tableOne.flat()) {
      if (/^\d+$/.test(cell)) continue; // Bare numbers are dropped with the line numbers.
      for (const word of cell.split(" ")) expect(text).toContain(word);
    }
    expect(text).toContain(
      "Table I. Clinical features of patients with SLE and multiple bone infarcts",
    );
  });

  it("shows all 12 references in order", () => {
    const starts = [
      "1. Reiter N",
      "2. Enoch S",
      "3. Mandelbrot DA",
      "4. Abu-Shakra M",
      "5. Saini A",
      "6. Zizic TM",
      "7. Salesi M",
      "8. Fajardo-Hermosillo LD",
      "9. Perez-Pampin E",
      "10. Chatterjee S",
      "11. Walsh JS",
      "12. Wolf EK",
    ];
    const from = text.indexOf("References 1. Reiter");
    expect(from).toBeGreaterThan(0);
    const positions = starts.map((start) => text.indexOf(start, from));
    for (const position of positions) expect(position).toBeGreaterThan(0);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
