/**
 * Scholarly metadata for the page head, so indexers find and cite the article: Highwire Press
 * `citation_*` tags (read by Google Scholar), the Dublin Core tags `renderMeta` does not write,
 * and a JSON-LD `ScholarlyArticle` (`MedicalScholarlyArticle` for a case report). Values are
 * hast text and attributes, so rehype-stringify escapes them like every front matter value;
 * the JSON-LD, which sits in a `<script>`, escapes `<`, `>` and `&` as JSON `\u` escapes.
 */
import type { Element } from "hast";
import { h } from "hastscript";
import type { VFile } from "vfile";
import type { CslItem, CslName } from "../bibliography/bibliography.ts";
import { splitName } from "../jats/author-names.ts";
import { bareDoi, journalIssns } from "../jats/jats-front.ts";
import { pageRange } from "../jats/jats-references.ts";
import type { FrontMatter } from "../schemas/front-matter-schema.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";

/** What the metadata needs beyond the manuscript. */
export interface ScholarlyMetadataOptions {
  /** The PDF's URL relative to the page (`case-report.pdf`), when a PDF is built. */
  pdfUrl?: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

const meta = (name: string, content: string): Element => h("meta", { name, content });

/** "Surname, Given" for Highwire, which reads names in that order without guessing. */
function invertedName(name: string): string {
  const parts = splitName(name);
  const given = [parts.given, parts.suffix].filter(Boolean).join(" ");
  return given ? `${parts.surname}, ${given}` : parts.surname;
}

function orcidUrl(orcid: string): string {
  return orcid.startsWith("https://") ? orcid : `https://orcid.org/${orcid}`;
}

function cslNameText(name: CslName): string {
  if (name.literal || !name.family) return name.literal ?? name.given ?? "";
  const family = [name["non-dropping-particle"], name.family].filter(Boolean).join(" ");
  return name.given ? `${family}, ${name.given}` : family;
}

function cslYear(item: CslItem): string | undefined {
  const year = item.issued?.["date-parts"]?.[0]?.[0];
  return year !== undefined ? String(year) : /\b\d{4}\b/.exec(item.issued?.raw ?? "")?.[0];
}

/** One `citation_reference` value: `key=value` pairs joined by "; " (semicolons in values become commas). */
export function citationReference(item: CslItem): string {
  const pages = item.page ? pageRange(item.page) : undefined;
  const isJournal = (item.type ?? "article-journal").startsWith("article");
  const pairs: [string, string | undefined][] = [
    ...(item.author ?? []).map((name): [string, string] => ["citation_author", cslNameText(name)]),
    ["citation_title", item.title],
    [
      isJournal ? "citation_journal_title" : "citation_publisher",
      isJournal ? item["container-title"] : item.publisher,
    ],
    ["citation_publication_date", cslYear(item)],
    ["citation_volume", item.volume],
    ["citation_issue", item.issue],
    ["citation_firstpage", pages?.fpage],
    ["citation_lastpage", pages?.lpage],
    ["citation_doi", item.DOI],
    ["citation_pmid", item.PMID],
  ];
  return pairs
    .filter(
      (pair): pair is [string, string] => typeof pair[1] === "string" && pair[1].trim() !== "",
    )
    .map(([key, value]) => `${key}=${value.replace(/;/g, ",").trim()}`)
    .join("; ");
}

function highwireTags(
  frontMatter: FrontMatter,
  profile: JournalProfile,
  items: CslItem[],
  options: ScholarlyMetadataOptions,
): Element[] {
  const publication = frontMatter.publication;
  const pages = publication?.pages ? pageRange(publication.pages) : undefined;
  const journal = profile["journal-meta"];
  const tags = [meta("citation_title", frontMatter.title)];
  for (const author of frontMatter.authors) {
    tags.push(meta("citation_author", invertedName(author.name)));
    for (const id of author.affiliations ?? []) {
      const institution = frontMatter.affiliations?.[id];
      if (institution) tags.push(meta("citation_author_institution", institution));
    }
    if (author.email && author.corresponding)
      tags.push(meta("citation_author_email", author.email));
    if (author.orcid) tags.push(meta("citation_author_orcid", orcidUrl(author.orcid)));
  }
  tags.push(meta("citation_journal_title", profile.name));
  if (journal["abbreviated-title"])
    tags.push(meta("citation_journal_abbrev", journal["abbreviated-title"]));
  for (const [, issn] of journalIssns(profile, frontMatter)) tags.push(meta("citation_issn", issn));
  if (journal.publisher) tags.push(meta("citation_publisher", journal.publisher));
  if (publication?.volume) tags.push(meta("citation_volume", publication.volume));
  if (publication?.issue) tags.push(meta("citation_issue", publication.issue));
  if (pages) {
    tags.push(meta("citation_firstpage", pages.fpage));
    if (pages.lpage) tags.push(meta("citation_lastpage", pages.lpage));
  }
  if (publication?.year !== undefined)
    tags.push(meta("citation_publication_date", String(publication.year)));
  if (publication?.doi) tags.push(meta("citation_doi", bareDoi(publication.doi)));
  if (frontMatter.keywords?.length)
    tags.push(meta("citation_keywords", frontMatter.keywords.join("; ")));
  tags.push(meta("citation_language", frontMatter.lang ?? profile.lang));
  if (frontMatter["article-type"])
    tags.push(meta("citation_article_type", frontMatter["article-type"]));
  if (options.pdfUrl) tags.push(meta("citation_pdf_url", options.pdfUrl));
  for (const item of items) tags.push(meta("citation_reference", citationReference(item)));
  return tags;
}

/** The Dublin Core tags beyond title, creators and identifier (which `renderMeta` writes). */
function dublinCoreTags(frontMatter: FrontMatter, profile: JournalProfile): Element[] {
  const publication = frontMatter.publication;
  const tags: Element[] = [];
  for (const keyword of frontMatter.keywords ?? []) tags.push(meta("dc.subject", keyword));
  if (profile["journal-meta"].publisher)
    tags.push(meta("dc.publisher", profile["journal-meta"].publisher));
  if (publication?.year !== undefined) tags.push(meta("dc.date", String(publication.year)));
  tags.push(meta("dc.type", "Text"), meta("dc.format", "text/html"));
  tags.push(meta("dc.language", frontMatter.lang ?? profile.lang));
  const rights = [publication?.copyright, publication?.license].filter(Boolean).join(" ");
  if (rights) tags.push(meta("dc.rights", rights));
  return tags;
}

/** The JSON-LD object for the article. */
export function scholarlyArticle(
  frontMatter: FrontMatter,
  profile: JournalProfile,
  items: CslItem[],
): Record<string, Json | undefined> {
  const publication = frontMatter.publication;
  const pages = publication?.pages ? pageRange(publication.pages) : undefined;
  const journal = profile["journal-meta"];
  const isCaseReport = /case\s*report/i.test(frontMatter["article-type"] ?? "");
  const doi = publication?.doi ? bareDoi(publication.doi) : undefined;
  const periodical: Record<string, Json | undefined> = {
    "@type": "Periodical",
    name: profile.name,
    alternateName: journal["abbreviated-title"],
    issn: journalIssns(profile, frontMatter).map(([, issn]) => issn),
    publisher: journal.publisher ? { "@type": "Organization", name: journal.publisher } : undefined,
  };
  return {
    "@context": "https://schema.org",
    "@type": isCaseReport ? "MedicalScholarlyArticle" : "ScholarlyArticle",
    publicationType: isCaseReport ? "Case Reports" : frontMatter["article-type"],
    headline: frontMatter.title,
    name: frontMatter.title,
    alternativeHeadline: frontMatter["short-title"],
    inLanguage: frontMatter.lang ?? profile.lang,
    author: frontMatter.authors.map((author) => {
      const parts = splitName(author.name);
      return {
        "@type": "Person",
        name: author.name,
        familyName: parts.surname,
        givenName: parts.given || undefined,
        honorificSuffix: Array.isArray(author.degrees) ? author.degrees.join(", ") : author.degrees,
        affiliation: (author.affiliations ?? []).flatMap((id) => {
          const name = frontMatter.affiliations?.[id];
          return name ? [{ "@type": "Organization", name }] : [];
        }),
        email: author.corresponding ? author.email : undefined,
        sameAs: author.orcid ? orcidUrl(author.orcid) : undefined,
      };
    }),
    keywords: frontMatter.keywords,
    datePublished: publication?.year !== undefined ? String(publication.year) : undefined,
    isPartOf:
      publication?.volume !== undefined
        ? {
            "@type": "PublicationVolume",
            volumeNumber: publication.volume,
            isPartOf: periodical,
          }
        : periodical,
    pageStart: pages?.fpage,
    pageEnd: pages?.lpage,
    identifier: doi ? { "@type": "PropertyValue", propertyID: "DOI", value: doi } : undefined,
    sameAs: doi ? `https://doi.org/${doi}` : undefined,
    copyrightNotice: publication?.copyright,
    license: publication?.license
      ? (/https?:\/\/[^\s)]+/.exec(publication.license)?.[0] ?? publication.license)
      : undefined,
    citation: items.map((item) => ({
      "@type": (item.type ?? "article-journal").startsWith("article")
        ? "ScholarlyArticle"
        : "CreativeWork",
      name: item.title,
      author: (item.author ?? []).map((name) => ({ "@type": "Person", name: cslNameText(name) })),
      datePublished: cslYear(item),
      isPartOf: item["container-title"]
        ? { "@type": "Periodical", name: item["container-title"] }
        : undefined,
      sameAs: item.DOI ? `https://doi.org/${item.DOI}` : undefined,
    })),
  };
}

/** JSON for a `<script>` element: `<`, `>`, `&` and the line separators as `\u` escapes. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The scholarly metadata elements for the page head. */
export function renderScholarlyMetadata(
  file: VFile,
  profile: JournalProfile,
  options: ScholarlyMetadataOptions = {},
): Element[] {
  const frontMatter = file.data.frontMatter ?? { title: "", authors: [] };
  const itemsByKey = file.data.referenceItems ?? new Map<string, CslItem>();
  const items = (file.data.references ?? []).map(
    (reference) => itemsByKey.get(reference.key) ?? { id: reference.key },
  );
  return [
    ...highwireTags(frontMatter, profile, items, options),
    ...dublinCoreTags(frontMatter, profile),
    h(
      "script",
      { type: "application/ld+json" },
      scriptJson(scholarlyArticle(frontMatter, profile, items)),
    ),
  ];
}
