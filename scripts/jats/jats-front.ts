/**
 * The JATS `<front>`: `journal-meta` from the journal profile's `journal-meta` data, and
 * `article-meta` from the front matter (title, contributors with affiliations, ORCID and
 * degrees, the corresponding author, dates, pages, permissions, key words, funding).
 */
import type { Element } from "xast";
import type { Author, FrontMatter } from "../schemas/front-matter-schema.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { splitName } from "./author-names.ts";
import { pageRange } from "./jats-references.ts";
import { el, type XmlChild, xmlId } from "./jats-xml.ts";

/** The DOI without a resolver prefix. */
export function bareDoi(doi: string): string {
  return doi.trim().replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:)/i, "");
}

/** The ISSNs of the journal: the profile's by publication type, else the front matter's. */
export function journalIssns(
  profile: JournalProfile,
  frontMatter: FrontMatter,
): [string | undefined, string][] {
  const issns = Object.entries(profile["journal-meta"].issn);
  if (issns.length > 0) return issns;
  return frontMatter.publication?.issn ? [[undefined, frontMatter.publication.issn]] : [];
}

function degreesOf(author: Author): string {
  return Array.isArray(author.degrees) ? author.degrees.join(", ") : (author.degrees ?? "");
}

function journalMeta(profile: JournalProfile, frontMatter: FrontMatter): Element {
  const meta = profile["journal-meta"];
  const ids = Object.entries(meta.ids);
  return el(
    "journal-meta",
    {},
    ids.length > 0
      ? ids.map(([type, value]) => el("journal-id", { "journal-id-type": type }, value))
      : el("journal-id", { "journal-id-type": "publisher-id" }, profile.id),
    el(
      "journal-title-group",
      {},
      el("journal-title", {}, profile.name),
      meta["abbreviated-title"]
        ? el("abbrev-journal-title", { "abbrev-type": "nlm-ta" }, meta["abbreviated-title"])
        : undefined,
    ),
    journalIssns(profile, frontMatter).map(([type, value]) =>
      el("issn", { "pub-type": type }, value),
    ),
    meta.publisher ? el("publisher", {}, el("publisher-name", {}, meta.publisher)) : undefined,
  );
}

function contributors(frontMatter: FrontMatter, letters: Map<string, string>): Element | undefined {
  const contribs = frontMatter.authors.map((author) => {
    const parts = splitName(author.name);
    const degrees = degreesOf(author);
    return el(
      "contrib",
      { "contrib-type": "author", corresp: author.corresponding ? "yes" : undefined },
      author.orcid
        ? el(
            "contrib-id",
            { "contrib-id-type": "orcid" },
            author.orcid.startsWith("https://")
              ? author.orcid
              : `https://orcid.org/${author.orcid}`,
          )
        : undefined,
      el(
        "name",
        {},
        el("surname", {}, parts.surname),
        parts.given ? el("given-names", {}, parts.given) : undefined,
        parts.suffix ? el("suffix", {}, parts.suffix) : undefined,
      ),
      degrees ? el("degrees", {}, degrees) : undefined,
      (author.affiliations ?? []).map((id) => {
        const letter = letters.get(id);
        return letter === undefined
          ? undefined
          : el("xref", { "ref-type": "aff", rid: xmlId("aff-", id, letter) }, letter);
      }),
      author.corresponding ? el("xref", { "ref-type": "corresp", rid: "cor1" }, "*") : undefined,
    );
  });
  const affiliations = [...letters].map(([id, letter]) =>
    el(
      "aff",
      { id: xmlId("aff-", id, letter) },
      el("label", {}, letter),
      frontMatter.affiliations?.[id] ?? "",
    ),
  );
  return contribs.length > 0 ? el("contrib-group", {}, contribs, affiliations) : undefined;
}

function endWithPeriod(value: string): string {
  return /[.!?]$/.test(value) ? value : `${value}.`;
}

function authorNotes(frontMatter: FrontMatter, profile: JournalProfile): Element | undefined {
  const author = frontMatter.authors.find((candidate) => candidate.corresponding);
  if (!author) return undefined;
  const degrees = degreesOf(author);
  const parts: XmlChild[] = [
    el("label", {}, "*"),
    `${profile.labels.correspondence}: ${author.name}${degrees ? `, ${degrees}` : ""}`,
    author.address ? `, ${endWithPeriod(author.address)}` : ".",
  ];
  if (author.email) parts.push(" E-mail: ", el("email", {}, author.email), ".");
  return el("author-notes", {}, el("corresp", { id: "cor1" }, parts));
}

function publicationDate(frontMatter: FrontMatter, date: Date): Element {
  const year = frontMatter.publication?.year;
  if (year !== undefined)
    return el(
      "pub-date",
      { "publication-format": "electronic", "date-type": "pub" },
      el("year", {}, String(year)),
    );
  return el(
    "pub-date",
    { "publication-format": "electronic", "date-type": "pub" },
    el("day", {}, String(date.getUTCDate()).padStart(2, "0")),
    el("month", {}, String(date.getUTCMonth() + 1).padStart(2, "0")),
    el("year", {}, String(date.getUTCFullYear())),
  );
}

/** The URL inside a licence statement, e.g. the Creative Commons deed it names. */
function licenceUrl(license: string): string | undefined {
  return /https?:\/\/[^\s)]+/.exec(license)?.[0];
}

function permissions(frontMatter: FrontMatter): Element | undefined {
  const publication = frontMatter.publication;
  if (!publication?.copyright && !publication?.license) return undefined;
  return el(
    "permissions",
    {},
    publication.copyright ? el("copyright-statement", {}, publication.copyright) : undefined,
    publication.copyright && publication.year !== undefined
      ? el("copyright-year", {}, String(publication.year))
      : undefined,
    publication.license
      ? el(
          "license",
          { "xlink:href": licenceUrl(publication.license) },
          el("license-p", {}, publication.license),
        )
      : undefined,
  );
}

function pages(frontMatter: FrontMatter): XmlChild[] {
  const value = frontMatter.publication?.pages;
  if (!value) return [];
  const range = pageRange(value);
  // An electronic locator ("e12") is not a page number.
  if (!range || /^e\d/i.test(value.trim())) return [el("elocation-id", {}, value)];
  return [el("fpage", {}, range.fpage), range.lpage ? el("lpage", {}, range.lpage) : undefined];
}

/**
 * The `<abstract>`, as the profile prints it in the HTML: nothing for form `none`; paragraphs for
 * `plain`; for `structured`, one `<sec>` per headed part.
 */
function abstract(frontMatter: FrontMatter, profile: JournalProfile): Element | undefined {
  const value = frontMatter.abstract;
  if (value === undefined || profile.abstract.form === "none") return undefined;
  const title = el("title", {}, profile.abstract.label);
  if (typeof value === "string") return el("abstract", {}, title, el("p", {}, value));
  const parts = Object.entries(value);
  return el(
    "abstract",
    {},
    title,
    profile.abstract.form === "structured"
      ? parts.map(([heading, body]) => el("sec", {}, el("title", {}, heading), el("p", {}, body)))
      : parts.map(([, body]) => el("p", {}, body)),
  );
}

/** The `<front>` element. `date` stands in for the publication date when none is given. */
export function jatsFront(
  frontMatter: FrontMatter,
  profile: JournalProfile,
  letters: Map<string, string>,
  date: Date,
): Element {
  const publication = frontMatter.publication;
  const keywords = frontMatter.keywords ?? [];
  return el(
    "front",
    {},
    journalMeta(profile, frontMatter),
    el(
      "article-meta",
      {},
      publication?.doi
        ? el("article-id", { "pub-id-type": "doi" }, bareDoi(publication.doi))
        : undefined,
      frontMatter["article-type"]
        ? el(
            "article-categories",
            {},
            el(
              "subj-group",
              { "subj-group-type": "heading" },
              el("subject", {}, frontMatter["article-type"]),
            ),
          )
        : undefined,
      el(
        "title-group",
        {},
        el("article-title", {}, frontMatter.title),
        frontMatter["short-title"]
          ? el("alt-title", { "alt-title-type": "running-head" }, frontMatter["short-title"])
          : undefined,
      ),
      contributors(frontMatter, letters),
      authorNotes(frontMatter, profile),
      publicationDate(frontMatter, date),
      publication?.volume ? el("volume", {}, publication.volume) : undefined,
      publication?.issue ? el("issue", {}, publication.issue) : undefined,
      pages(frontMatter),
      permissions(frontMatter),
      abstract(frontMatter, profile),
      keywords.length > 0
        ? el(
            "kwd-group",
            { "kwd-group-type": "author" },
            el("title", {}, profile.labels.keywords),
            keywords.map((keyword) => el("kwd", {}, keyword)),
          )
        : undefined,
      frontMatter.funding
        ? el("funding-group", {}, el("funding-statement", {}, frontMatter.funding))
        : undefined,
    ),
  );
}
