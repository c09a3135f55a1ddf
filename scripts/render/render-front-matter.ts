/**
 * Build the page parts that come from the front matter: the title block (with the abstract in
 * the profile's form and ORCID links), the "Abbreviations used" box, the first-page notes
 * (affiliations, the statements the profile prints there, correspondence, citation line), the
 * back matter (statements the profile prints after the body) and the `<meta>` tags. Text goes into hast text nodes, so it is always escaped.
 */
import type { Element, ElementContent } from "hast";
import { h } from "hastscript";
import type { Author, FrontMatter } from "../schemas/front-matter-schema.ts";
import { type JournalProfile, resolveStatements } from "../schemas/journal-profile.ts";

const text = (value: string): ElementContent => ({ type: "text", value });

/** Join parts as "a, b and c" (no serial comma), or with a custom separator. */
function joinList(parts: ElementContent[][], separator = ", ", last = " and "): ElementContent[] {
  return parts.flatMap((part, index) => {
    if (index === 0) return part;
    return [text(index === parts.length - 1 ? last : separator), ...part];
  });
}

/** Superscript letters for affiliation ids, in order of first use by the authors. */
export function affiliationLetters(frontMatter: FrontMatter): Map<string, string> {
  const letters = new Map<string, string>();
  const ids = [
    ...frontMatter.authors.flatMap((author) => author.affiliations ?? []),
    ...Object.keys(frontMatter.affiliations ?? {}),
  ];
  for (const id of ids) {
    if (letters.has(id)) continue;
    const n = letters.size;
    letters.set(id, n < 26 ? String.fromCharCode(97 + n) : `a${n - 25}`);
  }
  return letters;
}

function degreesOf(author: Author): string {
  return Array.isArray(author.degrees) ? author.degrees.join(", ") : (author.degrees ?? "");
}

function authorLine(frontMatter: FrontMatter, letters: Map<string, string>): ElementContent[] {
  const authors = frontMatter.authors;
  const parts = authors.map((author, index): ElementContent[] => {
    const refs = (author.affiliations ?? []).map((id) => letters.get(id) ?? "?").join(",");
    const degrees = degreesOf(author);
    const children: ElementContent[] = [h("span.author-name", author.name)];
    if (degrees) children.push(text(", "), h("span.degrees", degrees));
    if (author.orcid) {
      const id = author.orcid.replace(/^https:\/\/orcid\.org\//, "");
      children.push(
        text(" "),
        h(
          "a.orcid",
          { href: `https://orcid.org/${id}`, title: `ORCID iD ${id}`, ariaLabel: `ORCID iD ${id}` },
          "iD",
        ),
      );
    }
    // The journal sets a comma before the letters except after the last author.
    if (refs)
      children.push(
        ...(index < authors.length - 1 ? [text(",")] : []),
        h("sup.affiliation-ref", refs),
      );
    else if (index < authors.length - 1) children.push(text(","));
    return [h("span.author", children)];
  });
  return joinList(parts, " ", authors.length > 1 ? " and " : "");
}

/** The `<header class="title-block">`. */
export function renderTitleBlock(frontMatter: FrontMatter, profile: JournalProfile): Element {
  const letters = affiliationLetters(frontMatter);
  const keywords = [...(frontMatter.keywords ?? [])].sort((a, b) =>
    a.localeCompare(b, "en", { sensitivity: "base" }),
  );
  return h("header.title-block", [
    frontMatter["article-type"] ? h("p.article-type", frontMatter["article-type"]) : undefined,
    h("h1.title", frontMatter.title),
    frontMatter.authors.length > 0 ? h("p.authors", authorLine(frontMatter, letters)) : undefined,
    frontMatter.location ? h("p.location", frontMatter.location) : undefined,
    renderAbstract(frontMatter, profile),
    keywords.length > 0
      ? h("p.keywords", [
          h("span.keywords-label", `${profile.labels.keywords}:`),
          text(` ${keywords.join("; ")}.`),
        ])
      : undefined,
  ]);
}

/**
 * The abstract as the profile prints it: nothing for form `none`; one paragraph for `plain`
 * (a structured abstract's parts each print as a paragraph); headed parts for `structured`.
 */
export function renderAbstract(
  frontMatter: FrontMatter,
  profile: JournalProfile,
): Element | undefined {
  const abstract = frontMatter.abstract;
  if (abstract === undefined || profile.abstract.form === "none") return undefined;
  const parts =
    typeof abstract === "string"
      ? [h("p", abstract)]
      : Object.entries(abstract).map(([heading, body]) =>
          profile.abstract.form === "structured"
            ? h("p.abstract-part", [h("span.abstract-heading", `${heading}:`), text(` ${body}`)])
            : h("p", body),
        );
  return h("section.abstract", { ariaLabelledBy: "abstract-title" }, [
    h("h2.abstract-title", { id: "abstract-title" }, profile.abstract.label),
    ...parts,
  ]);
}

/** The abbreviations sorted as the journal prints them: alphabetically, ignoring case. */
export function sortedAbbreviations(abbreviations: Record<string, string>): [string, string][] {
  return Object.entries(abbreviations).sort(
    ([a], [b]) => a.localeCompare(b, "en", { sensitivity: "base" }) || a.localeCompare(b),
  );
}

/** The "Abbreviations used" box, or nothing when the list is empty. */
export function renderAbbreviationsBox(
  frontMatter: FrontMatter,
  profile: JournalProfile,
): Element | undefined {
  const entries = sortedAbbreviations(frontMatter.abbreviations ?? {});
  if (entries.length === 0) return undefined;
  return h("aside.abbreviations", { ariaLabelledBy: "abbreviations-title" }, [
    h("h2.abbreviations-title", { id: "abbreviations-title" }, `${profile.labels.abbreviations}:`),
    h(
      "dl",
      entries.map(([abbreviation, expansion]) =>
        h("div.abbreviation", [
          h("dt", [h("abbr", { title: expansion }, abbreviation), text(":")]),
          h("dd", expansion),
        ]),
      ),
    ),
  ]);
}

function fill(template: string, values: Record<string, string | undefined>): string | undefined {
  let missing = false;
  const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) missing = true;
    return value ?? "";
  });
  return missing ? undefined : filled;
}

function endWithPeriod(value: string): string {
  return /[.!?]$/.test(value) ? value : `${value}.`;
}

/** The first-page notes: affiliations, statements, correspondence and publication details. */
export function renderArticleNotes(frontMatter: FrontMatter, profile: JournalProfile): Element {
  const letters = affiliationLetters(frontMatter);
  const affiliations = [...letters].flatMap(([id, letter]): ElementContent[][] => {
    const value = frontMatter.affiliations?.[id];
    return value ? [[text(value), h("sup", letter)]] : [];
  });
  const label = (value: string) => h("span.note-label", `${value}:`);
  const notes: (Element | undefined)[] = [];
  if (affiliations.length > 0)
    notes.push(
      h("p.affiliations", [
        text("From "),
        ...joinList(affiliations, "; ", affiliations.length > 2 ? "; and " : " and "),
        text("."),
      ]),
    );
  for (const statement of resolveStatements(profile)) {
    const value = frontMatter[statement.type];
    if (statement.place !== "notes" || !value) continue;
    notes.push(
      h(`p.${statement.type}`, [label(statement.label), text(` ${endWithPeriod(value)}`)]),
    );
  }
  const corresponding = frontMatter.authors.find((author) => author.corresponding);
  if (corresponding) {
    const degrees = degreesOf(corresponding);
    const parts: ElementContent[] = [
      label(profile.labels.correspondence),
      text(` ${corresponding.name}${degrees ? `, ${degrees}` : ""}`),
    ];
    if (corresponding.address) parts.push(text(`, ${endWithPeriod(corresponding.address)}`));
    else parts.push(text("."));
    if (corresponding.email)
      parts.push(
        text(" E-mail: "),
        h("a", { href: `mailto:${corresponding.email}` }, corresponding.email),
        text("."),
      );
    notes.push(h("p.correspondence", parts));
  }
  const publication = frontMatter.publication;
  if (publication) {
    const line = fill(profile["citation-line"], {
      journal: profile.name,
      year: publication.year?.toString(),
      volume: publication.volume,
      issue: publication.issue,
      pages: publication.pages,
    });
    if (line) notes.push(h("p.citation-line", line));
    if (publication.issn) notes.push(h("p.issn", publication.issn));
    if (publication.copyright) notes.push(h("p.copyright", publication.copyright));
    if (publication.license) notes.push(h("p.license", publication.license));
    if (publication.doi) {
      const url = `https://doi.org/${publication.doi.replace(/^https?:\/\/(dx\.)?doi\.org\//, "")}`;
      notes.push(h("p.doi", h("a", { href: url }, url)));
    }
  }
  return h("footer.article-notes", notes);
}

/**
 * The back matter: the statements the profile prints after the body (`place: "back"`), each
 * under its label as a heading, or nothing when there are none.
 */
export function renderBackMatter(
  frontMatter: FrontMatter,
  profile: JournalProfile,
): Element | undefined {
  const parts = resolveStatements(profile).flatMap((statement): Element[] => {
    const value = frontMatter[statement.type];
    if (statement.place !== "back" || !value) return [];
    return [
      h(`section.statement.${statement.type}`, [
        h("h2.statement-title", statement.label),
        h("p", endWithPeriod(value)),
      ]),
    ];
  });
  return parts.length > 0 ? h("section.back-matter", parts) : undefined;
}

/** `<meta>` tags for the head: authors, keywords, generator and Dublin Core. */
export function renderMeta(frontMatter: FrontMatter, generator: string): Element[] {
  const meta = (name: string, content: string) => h("meta", { name, content });
  const tags = [meta("generator", generator)];
  for (const author of frontMatter.authors)
    tags.push(meta("author", author.name), meta("dc.creator", author.name));
  if (frontMatter.keywords?.length) tags.push(meta("keywords", frontMatter.keywords.join(", ")));
  tags.push(meta("dc.title", frontMatter.title));
  if (frontMatter.publication?.doi)
    tags.push(meta("dc.identifier", `doi:${frontMatter.publication.doi}`));
  return tags;
}
