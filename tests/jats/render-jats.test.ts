/**
 * The JATS writer: the sample validates against the Journal Publishing 1.1 DTD, its citation
 * numbers equal the HTML's, Table I's footnote sits in `table-wrap-foot`, references are tagged
 * from CSL-JSON, and hostile text stays well-formed.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildManuscript } from "../../scripts/cli/build.ts";
import { splitName } from "../../scripts/jats/author-names.ts";
import { pageRange } from "../../scripts/jats/jats-references.ts";
import { renderJats } from "../../scripts/jats/render-jats.ts";
import type { CompiledManuscript } from "../../scripts/pipeline.ts";
import { rewriteAssetUrls } from "../../scripts/transforms/remark-asset-urls.ts";
import {
  compileFile,
  compileMarkdown,
  frontMatter,
  messagesOf,
  renderHtml,
  repositoryDirectory,
} from "../helpers.ts";

/** The shared folder beside the repository (CI clones the repository next to it). */
const shared = process.env.CASEPRESS_SHARED ?? join(repositoryDirectory, "..", "shared");
const dtd = join(shared, "jats", "publishing-1.1", "JATS-journalpublishing1.dtd");
const catalog = join(shared, "jats", "publishing-1.1", "catalog-jats-v1-1-no-base.xml");
const xmllint = spawnSync("xmllint", ["--version"], { stdio: "ignore" });
const dtdMissing = !existsSync(dtd);
const xmllintMissing = xmllint.error !== undefined || xmllint.status !== 0;

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

/** The JATS of a compiled manuscript, as `build` writes it (after the asset URLs are rewritten). */
function jatsOf(compiled: CompiledManuscript): string {
  const journal = compiled.file.data.journal;
  if (!journal || !compiled.file.data.resources) throw new Error("the manuscript did not compile");
  rewriteAssetUrls(compiled.tree, compiled.file.data.resources, "input_files");
  return renderJats(compiled.tree, compiled.file, journal, {
    date: new Date(Date.UTC(2026, 0, 2)),
  });
}

/** xmllint's DTD errors for an XML text; empty when it is valid. */
async function dtdErrors(xml: string): Promise<string[]> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-jats-"));
  temporary.push(directory);
  const path = join(directory, "article.xml");
  await writeFile(path, xml);
  const result = spawnSync("xmllint", ["--noout", "--nonet", "--dtdvalid", dtd, path], {
    encoding: "utf8",
    env: { ...process.env, XML_CATALOG_FILES: catalog },
  });
  return result.status === 0
    ? []
    : result.stderr.split("\n").filter((line) => line.includes("error") || line.includes("fails"));
}

const sample = () =>
  compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
    root: repositoryDirectory,
  });

describe("JATS of the sample", () => {
  it("validates against the JATS 1.1 Journal Publishing DTD with 0 errors", async (context) => {
    context.skip(
      dtdMissing,
      `the JATS DTD is not at ${dtd}: clone the repository beside ../shared or set CASEPRESS_SHARED`,
    );
    context.skip(
      xmllintMissing,
      "xmllint is not installed (Debian: apt-get install libxml2-utils)",
    );
    const xml = jatsOf(await sample());
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE article PUBLIC/);
    expect(await dtdErrors(xml)).toEqual([]);
  });

  it("numbers citations and references exactly as the HTML does", async () => {
    const compiled = await sample();
    const xml = jatsOf(compiled);
    const html = await renderHtml(compiled);
    const htmlCitations = [...html.matchAll(/<sup class="citation"[^>]*>(.*?)<\/sup>/g)].map(
      (match) => (match[1] ?? "").replace(/<[^>]+>/g, ""),
    );
    const jatsCitations = [...xml.matchAll(/<sup>(<xref ref-type="bibr".*?)<\/sup>/g)].map(
      (match) => (match[1] ?? "").replace(/<[^>]+>/g, ""),
    );
    expect(htmlCitations.length).toBe(16);
    expect(jatsCitations).toEqual(htmlCitations);
    // Each xref points at the ref whose label is the number it shows.
    const labels = new Map(
      [...xml.matchAll(/<ref id="([^"]+)">\n<label>(\d+)<\/label>/g)].map((m) => [m[1], m[2]]),
    );
    for (const [, rid, number] of xml.matchAll(/<xref ref-type="bibr" rid="([^"]+)">(\d+)</g))
      expect(labels.get(rid)).toBe(number);
    const htmlOrder = [...html.matchAll(/<li id="ref-([^"]+)"/g)].map((match) => match[1]);
    expect([...labels.keys()]).toEqual(htmlOrder.map((key) => `ref-${key}`));
  });

  it("puts Table I's footnote in table-wrap-foot and labels floats as the HTML does", async () => {
    const xml = jatsOf(await sample());
    expect(xml).toContain(
      "<table-wrap-foot>\n<p>aCL, Anticardiolipin antibody; LA, lupus antibody.</p>\n</table-wrap-foot>",
    );
    expect(xml).toContain('<table-wrap id="tbl-infarcts">\n<label>Table I</label>');
    expect([...xml.matchAll(/<fig id="[^"]+">\n<label>([^<]+)</g)].map((m) => m[1])).toEqual([
      "Fig 1",
      "Fig 2",
      "Fig 3",
      "Fig 4",
    ]);
    expect(xml).toContain('<xref ref-type="fig" rid="fig-ulcer">Fig 1</xref>');
    expect(xml).toContain('<xref ref-type="table" rid="tbl-infarcts">Table I</xref>');
    expect(xml).toMatch(/<graphic xlink:href="input_files\/fig-1.png">\n<alt-text>Schematic/);
  });

  it("tags each reference from its CSL-JSON data, not from the formatted string", async () => {
    const xml = jatsOf(await sample());
    const reiter = /<ref id="ref-reiter2011">[\s\S]*?<\/ref>/.exec(xml)?.[0] ?? "";
    expect(reiter).toContain('<element-citation publication-type="journal">');
    expect(reiter).toContain(
      "<name>\n<surname>Reiter</surname>\n<given-names>N.</given-names>\n</name>",
    );
    expect(reiter).toContain(
      "<article-title>Calcinosis cutis: part I. Diagnostic pathway</article-title>",
    );
    expect(reiter).toContain("<source>Journal of the American Academy of Dermatology</source>");
    for (const part of [
      "<year>2011</year>",
      "<volume>65</volume>",
      "<issue>1</issue>",
      "<fpage>1</fpage>",
      "<lpage>12</lpage>",
      "<page-range>1-12; quiz 3-4</page-range>",
      '<pub-id pub-id-type="doi">10.1016/j.jaad.2010.08.038</pub-id>',
      '<pub-id pub-id-type="pmid">21679810</pub-id>',
    ])
      expect(reiter).toContain(part);
  });

  it("writes the front and back matter from the front matter and the profile", async () => {
    const xml = jatsOf(await sample());
    for (const part of [
      '<journal-id journal-id-type="nlm-ta">JAAD Case Rep</journal-id>',
      '<issn pub-type="epub">2352-5126</issn>',
      "<publisher-name>Elsevier</publisher-name>",
      '<article-id pub-id-type="doi">10.1016/j.jidcr.2016.02.009</article-id>',
      "<surname>Grossman</surname>\n<given-names>Marc E.</given-names>",
      "<degrees>MD, FACP</degrees>",
      '<xref ref-type="aff" rid="aff-b">b</xref>\n<xref ref-type="aff" rid="aff-c">c</xref>',
      '<aff id="aff-c"><label>c</label>Dermatology Consultation Service',
      '<corresp id="cor1">',
      "<fpage>164</fpage>\n<lpage>167</lpage>",
      '<license xlink:href="http://creativecommons.org/licenses/by-nc-nd/4.0/">',
      "<kwd>dystrophic calcification</kwd>",
      "<funding-statement>None.</funding-statement>",
      "<term>APLAs</term>\n<def>\n<p>antiphospholipid antibodies</p>",
      '<fn id="fn-conflicts" fn-type="conflict">',
    ])
      expect(xml).toContain(part);
  });
});

describe("JATS of other input", () => {
  it("keeps hostile text well-formed and valid, and nests sections as the DTD allows", async (context) => {
    const { directory, ...compiled } = await compileMarkdown(
      [
        frontMatter(
          "    orcid: 0000-0002-1825-0097",
          "publication:",
          "  issn: 1234-5678",
          "  pages: e12",
        ),
        "Before any heading, a <b>raw</b> tag & an ampersand \u0001 and ]]> too.",
        "",
        "# Top & <tail>",
        "",
        "## Sub",
        "",
        "Inside, with `code` and [a link](https://example.org/?a=1&b=2) and *italics*.",
        "",
        "# Second",
        "",
        "| A | B |",
        "| - | - |",
        "| 1 | 2 |",
        "",
        "- one",
        "- two",
        "",
      ].join("\n"),
    );
    temporary.push(directory);
    const xml = jatsOf(compiled);
    expect(xml).toContain("a raw tag &#x26; an ampersand  and ]]&#x3E; too.");
    expect(xml).not.toContain("\u0001");
    // Raw HTML is removed as in the HTML; `##` opens a nested sec.
    expect(xml).toContain('<sec id="top">\n<title>Top &#x26; </title>\n<sec>\n<title>Sub</title>');
    expect(xml).toContain(
      '<ext-link ext-link-type="uri" xlink:href="https://example.org/?a=1&#x26;b=2">',
    );
    expect(xml).toContain(
      '<contrib-id contrib-id-type="orcid">https://orcid.org/0000-0002-1825-0097</contrib-id>',
    );
    expect(xml).toContain("<elocation-id>e12</elocation-id>");
    expect(xml).toContain("<day>02</day>\n<month>01</month>\n<year>2026</year>");
    context.skip(dtdMissing || xmllintMissing, "the JATS DTD or xmllint is missing");
    expect(await dtdErrors(xml)).toEqual([]);
  });

  it("writes the abstract as the journal prints it: its label, headed parts, none for JAAD", async (context) => {
    const text = (journal: string, ...abstract: string[]) =>
      compileMarkdown(
        `${frontMatter(`journal: ${journal}`, "publication:", "  issn: 1234-5678", ...abstract)}# Only\n\nText.\n`,
      );
    const plain = await text("case-report", "abstract: Rare & <odd>, in 1 woman.");
    const summary = await text("bmj-case-reports", "abstract: One paragraph.");
    const none = await text("jaad-case-reports", "abstract: One paragraph.");
    const parts = await text("case-report", "abstract:", "  Background: Rare.", "  Case: A woman.");
    temporary.push(plain.directory, summary.directory, none.directory, parts.directory);
    const plainXml = jatsOf(plain);
    // After the permissions and before the key words, as the DTD orders article-meta.
    expect(plainXml).toContain(
      "<abstract>\n<title>Abstract</title>\n<p>Rare &#x26; &#x3C;odd>, in 1 woman.</p>\n</abstract>",
    );
    expect(jatsOf(summary)).toContain(
      "<abstract>\n<title>Summary</title>\n<p>One paragraph.</p>\n</abstract>",
    );
    expect(jatsOf(none)).not.toContain("<abstract");
    // A journal whose profile asks for a structured abstract: one <sec> per headed part.
    const journal = parts.file.data.journal;
    if (!journal) throw new Error("no journal");
    parts.file.data.journal = {
      ...journal,
      abstract: { ...journal.abstract, form: "structured" },
    };
    const structuredXml = jatsOf(parts);
    expect(structuredXml).toContain(
      "<abstract>\n<title>Abstract</title>\n<sec>\n<title>Background</title>\n<p>Rare.</p>\n</sec>\n<sec>\n<title>Case</title>\n<p>A woman.</p>\n</sec>\n</abstract>",
    );
    context.skip(dtdMissing || xmllintMissing, "the JATS DTD or xmllint is missing");
    expect(await dtdErrors(plainXml)).toEqual([]);
    expect(await dtdErrors(structuredXml)).toEqual([]);
  });

  it("warns when no ISSN is known, since the DTD needs one", async () => {
    const { directory, ...compiled } = await compileMarkdown(`${frontMatter()}# Only\n\nText.\n`, {
      journal: "preprint",
    });
    temporary.push(directory);
    jatsOf(compiled);
    const [message] = messagesOf(compiled.file, "jats-issn-missing");
    expect(message?.message).toMatch(/expected one.*add `publication.issn`/);
    expect(message?.fatal).toBe(false);
  });

  it("`build --format jats` writes <name>.xml and the figures it names, and no HTML", async () => {
    const out = await mkdtemp(join(tmpdir(), "casepress-jats-build-"));
    temporary.push(out);
    const result = await buildManuscript(
      join(repositoryDirectory, "manuscript", "case-report.md"),
      {
        outDir: out,
        formats: ["jats"],
        root: repositoryDirectory,
      },
    );
    expect(result.outputs.map((path) => path.slice(out.length + 1)).sort()).toEqual([
      "case-report.xml",
      "case-report_files/fig-1.png",
      "case-report_files/fig-2.png",
      "case-report_files/fig-3.png",
      "case-report_files/fig-4.png",
    ]);
    const xml = await readFile(join(out, "case-report.xml"), "utf8");
    for (const [, href] of xml.matchAll(/xlink:href="(case-report_files\/[^"]+)"/g))
      expect(await readdir(join(out, "case-report_files"))).toContain(href?.split("/")[1]);
  });
});

describe("JATS of every fixture manuscript", () => {
  it("validates against the DTD, broken floats and tables included", async (context) => {
    context.skip(dtdMissing || xmllintMissing, "the JATS DTD or xmllint is missing");
    const fixtures = join(repositoryDirectory, "tests", "fixtures");
    const directory = await mkdtemp(join(tmpdir(), "casepress-jats-all-"));
    temporary.push(directory);
    const paths: string[] = [];
    for (const group of await readdir(fixtures))
      for (const name of await readdir(join(fixtures, group))) {
        const input = join(fixtures, group, name, "input.md");
        if (!existsSync(input)) continue;
        // Under a journal with an ISSN, which the DTD requires (the default profile has none).
        const compiled = await compileFile(input, {
          root: join(fixtures, group, name),
          journal: "jaad-case-reports",
        });
        if (!compiled.file.data.journal || !compiled.file.data.resources) continue;
        const xml = jatsOf(compiled);
        // Without an ISSN (the preprint journal) the writer warns that the DTD will object.
        if (messagesOf(compiled.file, "jats-issn-missing").length > 0) continue;
        const path = join(directory, `${group}-${name}.xml`);
        await writeFile(path, xml);
        paths.push(path);
      }
    expect(paths.length).toBeGreaterThan(60);
    const result = spawnSync("xmllint", ["--noout", "--nonet", "--dtdvalid", dtd, ...paths], {
      encoding: "utf8",
      env: { ...process.env, XML_CATALOG_FILES: catalog },
    });
    expect(result.stderr.split("\n").filter((line) => line.includes("error"))).toEqual([]);
  }, 120_000);
});

describe("the CLI", () => {
  it("accepts `--format jats` and names jats in the error for an unknown format", async () => {
    const out = await mkdtemp(join(tmpdir(), "casepress-jats-cli-"));
    temporary.push(out);
    const cli = join(repositoryDirectory, "scripts", "casepress.mjs");
    const env = { ...process.env, CASEPRESS_FROM_SOURCE: "1" };
    const ok = spawnSync(
      process.execPath,
      [cli, "build", "manuscript/case-report.md", "--format", "jats", "--out", out],
      { cwd: repositoryDirectory, env, encoding: "utf8" },
    );
    expect(ok.status).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["case-report.xml", "case-report_files"]);
    const bad = spawnSync(
      process.execPath,
      [cli, "build", "manuscript/case-report.md", "--format", "rtf", "--out", out],
      { cwd: repositoryDirectory, env, encoding: "utf8" },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("expected html, pdf, docx or jats");
  }, 60_000);
});

describe("JATS helpers", () => {
  it("splits page ranges the way journals abbreviate them", () => {
    expect(pageRange("164-7")).toEqual({ fpage: "164", lpage: "167" });
    expect(pageRange("1-12; quiz 3-4")).toEqual({ fpage: "1", lpage: "12" });
    expect(pageRange("e12")).toEqual({ fpage: "e12" });
    expect(pageRange("none")).toBeUndefined();
  });

  it("splits display names into surname, given names and suffix", () => {
    expect(splitName("Marc E. Grossman")).toEqual({ surname: "Grossman", given: "Marc E." });
    expect(splitName("Ludwig van Beethoven Jr")).toEqual({
      surname: "van Beethoven",
      given: "Ludwig",
      suffix: "Jr",
    });
    expect(splitName("Plato")).toEqual({ surname: "Plato", given: "" });
  });
});
