/**
 * The page head's scholarly metadata: every Highwire `citation_*` tag Google Scholar reads, the
 * Dublin Core set, and JSON-LD that parses and cannot close its `<script>`.
 */

import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Element } from "hast";
import { fromHtml } from "hast-util-from-html";
import { visit } from "unist-util-visit";
import { afterAll, describe, expect, it } from "vitest";
import { assetsDirectoryName } from "../../scripts/cli/build.ts";
import { casepressVersion } from "../../scripts/loaders/load-journal.ts";
import type { CompiledManuscript } from "../../scripts/pipeline.ts";
import { renderPage } from "../../scripts/render/render-page.ts";
import { compileFile, compileMarkdown, frontMatter, repositoryDirectory } from "../helpers.ts";

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

async function page(compiled: CompiledManuscript, pdfUrl?: string): Promise<string> {
  const journal = compiled.file.data.journal;
  if (!journal) throw new Error("the manuscript did not compile");
  return renderPage(compiled.tree, compiled.file, journal, {
    assetsDirectory: assetsDirectoryName("case-report"),
    generator: `Casepress ${casepressVersion}`,
    ...(pdfUrl ? { pdfUrl } : {}),
  });
}

/** The head's `<meta name content>` pairs and JSON-LD scripts, from the parsed page. */
function headOf(html: string) {
  const metas: [string, string][] = [];
  const jsonLd: string[] = [];
  visit(fromHtml(html), "element", (node: Element) => {
    if (node.tagName === "meta" && typeof node.properties.name === "string")
      metas.push([node.properties.name, String(node.properties.content)]);
    if (node.tagName === "script" && node.properties.type === "application/ld+json")
      jsonLd.push(
        node.children.map((child) => (child.type === "text" ? child.value : "")).join(""),
      );
  });
  return { metas, jsonLd };
}

describe("scholarly metadata of the sample", () => {
  it("carries every Highwire tag Google Scholar reads", async () => {
    const sample = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
      root: repositoryDirectory,
    });
    const { metas } = headOf(await page(sample, "case-report.pdf"));
    const values = (name: string) => metas.filter(([key]) => key === name).map(([, v]) => v);
    for (const name of [
      "citation_title",
      "citation_author",
      "citation_author_institution",
      "citation_journal_title",
      "citation_issn",
      "citation_volume",
      "citation_firstpage",
      "citation_lastpage",
      "citation_publication_date",
      "citation_doi",
      "citation_keywords",
      "citation_pdf_url",
      "citation_reference",
    ])
      expect(values(name), name).not.toEqual([]);
    expect(values("citation_author")).toEqual([
      "Lederhandler, Margo",
      "Valins, Whitney",
      "Zoghbi, Zena",
      "Grossman, Marc E.",
    ]);
    // Each author's institutions follow that author.
    const grossman = metas.findIndex(([, value]) => value === "Grossman, Marc E.");
    expect(metas.slice(grossman + 1, grossman + 3).map(([, value]) => value)).toEqual([
      "Department of Dermatology, Columbia University Medical Center",
      "Dermatology Consultation Service, Columbia University Medical Center",
    ]);
    expect(values("citation_issn")).toEqual(["2352-5126"]);
    expect(values("citation_firstpage")).toEqual(["164"]);
    expect(values("citation_lastpage")).toEqual(["167"]);
    expect(values("citation_doi")).toEqual(["10.1016/j.jidcr.2016.02.009"]);
    expect(values("citation_pdf_url")).toEqual(["case-report.pdf"]);
    expect(values("citation_reference")).toHaveLength(12);
    expect(values("citation_reference")[0]).toBe(
      "citation_author=Reiter, N.; citation_author=El-Shabrawi, L.; citation_author=Leinweber, B.; citation_author=Berghold, A.; citation_author=Aberer, E.; citation_title=Calcinosis cutis: part I. Diagnostic pathway; citation_journal_title=Journal of the American Academy of Dermatology; citation_publication_date=2011; citation_volume=65; citation_issue=1; citation_firstpage=1; citation_lastpage=12; citation_doi=10.1016/j.jaad.2010.08.038; citation_pmid=21679810",
    );
    for (const name of [
      "dc.title",
      "dc.creator",
      "dc.subject",
      "dc.publisher",
      "dc.date",
      "dc.type",
      "dc.format",
      "dc.identifier",
      "dc.language",
      "dc.rights",
    ])
      expect(values(name), name).not.toEqual([]);
  });

  it("writes JSON-LD for a MedicalScholarlyArticle with its authors, journal and citations", async () => {
    const sample = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
      root: repositoryDirectory,
    });
    const { jsonLd } = headOf(await page(sample));
    expect(jsonLd).toHaveLength(1);
    // The parsed JSON-LD is an untyped object; the cast names the fields read here.
    const article = JSON.parse(jsonLd[0] ?? "") as {
      "@type": string;
      author: { familyName: string; affiliation: { name: string }[] }[];
      isPartOf: { volumeNumber: string; isPartOf: { issn: string[] } };
      identifier: { value: string };
      citation: unknown[];
    };
    expect(article["@type"]).toBe("MedicalScholarlyArticle");
    expect(article.author.map((author) => author.familyName)).toEqual([
      "Lederhandler",
      "Valins",
      "Zoghbi",
      "Grossman",
    ]);
    expect(article.isPartOf.volumeNumber).toBe("2");
    expect(article.isPartOf.isPartOf.issn).toEqual(["2352-5126"]);
    expect(article.identifier.value).toBe("10.1016/j.jidcr.2016.02.009");
    expect(article.citation).toHaveLength(12);
  });
});

describe("scholarly metadata of hostile input", () => {
  it("escapes values in attributes and keeps the JSON-LD inside its script", async () => {
    const hostile = '</script><script>alert(1)</script> & "quoted"';
    const compiled = await compileMarkdown(
      `${frontMatter().replace("title: A test case", `title: '${hostile}'`)}# Only\n\nText.\n`,
    );
    temporary.push(compiled.directory);
    const html = await page(compiled);
    // Inside a quoted attribute "<" is inert; the parsed page has no script but the JSON-LD.
    const { metas, jsonLd } = headOf(html);
    let scripts = 0;
    visit(fromHtml(html), "element", (node: Element) => {
      if (node.tagName === "script") scripts++;
    });
    expect(scripts).toBe(1);
    expect(metas).toContainEqual(["citation_title", hostile]);
    expect(jsonLd).toHaveLength(1);
    expect((JSON.parse(jsonLd[0] ?? "") as { headline: string }).headline).toBe(hostile);
    expect(jsonLd[0]).toContain("\\u003c/script\\u003e");
  });
});
