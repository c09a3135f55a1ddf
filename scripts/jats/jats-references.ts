/**
 * The JATS `<ref-list>`: one `<ref>` per numbered reference, with an `element-citation` built
 * from the CSL-JSON item (names, titles, dates, pages, identifiers) rather than from the
 * formatted reference string, so each part is tagged.
 */
import type { Element } from "xast";
import type { CslDate, CslItem, CslName } from "../bibliography/bibliography.ts";
import type { NumberedReference } from "../transforms/vfile-data.ts";
import { el, type XmlChild, xmlId } from "./jats-xml.ts";

/** The JATS id of each reference key: `ref-<key>` when that is a valid XML id. */
export function referenceIds(references: readonly NumberedReference[]): Map<string, string> {
  return new Map(
    references.map((reference) => [reference.key, xmlId("ref-", reference.key, reference.number)]),
  );
}

/** CSL item types → JATS `publication-type`. */
const publicationTypes: Record<string, string> = {
  "article-journal": "journal",
  article: "journal",
  "article-magazine": "journal",
  "article-newspaper": "journal",
  book: "book",
  chapter: "book",
  "paper-conference": "confproc",
  report: "report",
  thesis: "thesis",
  webpage: "webpage",
  "post-weblog": "webpage",
  patent: "patent",
  dataset: "data",
  software: "software",
  standard: "standard",
};

/** First and last page of a CSL `page` such as "164-7" or "1-12; quiz 3-4"; "167" expands "7". */
export function pageRange(page: string): { fpage: string; lpage?: string } | undefined {
  const match = /^\s*([A-Za-z]?\d+[A-Za-z]?)(?:\s*[-–—]\s*([A-Za-z]?\d+[A-Za-z]?))?/.exec(page);
  if (!match?.[1]) return undefined;
  const fpage = match[1];
  let lpage = match[2];
  if (lpage && /^\d+$/.test(fpage) && /^\d+$/.test(lpage) && lpage.length < fpage.length)
    lpage = fpage.slice(0, fpage.length - lpage.length) + lpage;
  return lpage ? { fpage, lpage } : { fpage };
}

function personGroup(type: string, names: readonly CslName[] | undefined): Element | undefined {
  if (!names || names.length === 0) return undefined;
  return el(
    "person-group",
    { "person-group-type": type },
    names.map((name) => {
      if (name.literal || !name.family)
        return el("string-name", {}, name.literal ?? name.given ?? "");
      const surname = [name["non-dropping-particle"], name.family].filter(Boolean).join(" ");
      const given = [name.given, name["dropping-particle"]].filter(Boolean).join(" ");
      return el(
        "name",
        {},
        el("surname", {}, surname),
        given ? el("given-names", {}, given) : undefined,
        name.suffix ? el("suffix", {}, name.suffix) : undefined,
      );
    }),
  );
}

function dateParts(date: CslDate | undefined): XmlChild[] {
  const parts = date?.["date-parts"]?.[0];
  const year = parts?.[0] ?? /\b(\d{4})\b/.exec(date?.raw ?? date?.literal ?? "")?.[1];
  if (year === undefined) return [];
  const month = parts?.[1];
  return [
    el("year", {}, String(year)),
    month !== undefined ? el("month", {}, String(month).padStart(2, "0")) : undefined,
  ];
}

function optional(name: string, value: unknown, attributes: Record<string, string> = {}): XmlChild {
  return typeof value === "string" && value.trim() ? el(name, attributes, value) : undefined;
}

/** The `element-citation` of one CSL item. */
export function elementCitation(item: CslItem): Element {
  const type = item.type ?? "article-journal";
  const isBook = type === "book" || type === "report" || type === "thesis";
  const isChapter = type === "chapter";
  const pages = item.page ? pageRange(item.page) : undefined;
  const simplePages =
    pages && item.page?.trim() === `${pages.fpage}${pages.lpage ? `-${pages.lpage}` : ""}`;
  return el(
    "element-citation",
    { "publication-type": publicationTypes[type] ?? "other" },
    personGroup("author", item.author),
    personGroup("editor", item.editor),
    isBook
      ? optional("source", item.title)
      : [
          optional(isChapter ? "chapter-title" : "article-title", item.title),
          optional("source", item["container-title"]),
        ],
    optional("edition", item.edition),
    optional("publisher-loc", item["publisher-place"]),
    optional("publisher-name", item.publisher),
    dateParts(item.issued),
    optional("volume", item.volume),
    optional("issue", item.issue),
    pages ? el("fpage", {}, pages.fpage) : undefined,
    pages?.lpage ? el("lpage", {}, pages.lpage) : undefined,
    pages && !simplePages ? optional("page-range", item.page) : undefined,
    optional("pub-id", item.DOI, { "pub-id-type": "doi" }),
    optional("pub-id", item.PMID, { "pub-id-type": "pmid" }),
    optional("pub-id", item.PMCID, { "pub-id-type": "pmcid" }),
    item.URL
      ? el("ext-link", { "ext-link-type": "uri", "xlink:href": item.URL }, item.URL)
      : undefined,
  );
}

/** The `<ref-list>`, numbered as in the HTML; undefined when nothing is cited. */
export function jatsReferenceList(
  references: readonly NumberedReference[],
  items: ReadonlyMap<string, CslItem>,
  title: string,
): Element | undefined {
  if (references.length === 0) return undefined;
  const ids = referenceIds(references);
  return el(
    "ref-list",
    {},
    el("title", {}, title),
    references.map((reference) =>
      el(
        "ref",
        { id: ids.get(reference.key) },
        el("label", {}, String(reference.number)),
        elementCitation(items.get(reference.key) ?? { id: reference.key }),
      ),
    ),
  );
}
