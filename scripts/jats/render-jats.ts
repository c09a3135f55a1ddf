/**
 * `--format jats`: the compiled manuscript as JATS Journal Publishing 1.1 XML, for deposit
 * (PubMed Central and other archives). Built from the same tree and `file.data` as the HTML:
 * the front matter, the numbered floats, the citation numbers and the CSL-JSON items.
 * Image URLs are the ones `rewriteAssetUrls` set, so the figures copied for the HTML sit at
 * the paths the XML names.
 */
import type { Root } from "mdast";
import type { VFile } from "vfile";
import { report } from "../diagnostics/diagnostics.ts";
import { affiliationLetters, sortedAbbreviations } from "../render/render-front-matter.ts";
import type { FrontMatter } from "../schemas/front-matter-schema.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { jatsBody } from "./jats-body.ts";
import { jatsFront, journalIssns } from "./jats-front.ts";
import { jatsReferenceList, referenceIds } from "./jats-references.ts";
import { el, serializeJats } from "./jats-xml.ts";

/** Options of `renderJats`. */
export interface JatsOptions {
  /** The publication date when the front matter gives no `publication.year` (the build date). */
  date: Date;
}

/** JATS `article-type` for the front matter's `article-type`, e.g. "Case report" → "case-report". */
export function jatsArticleType(articleType: string | undefined): string {
  if (!articleType) return "research-article";
  if (/case\s*report/i.test(articleType)) return "case-report";
  const slug = articleType
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return slug || "research-article";
}

function backMatter(frontMatter: FrontMatter, profile: JournalProfile, file: VFile) {
  const abbreviations = sortedAbbreviations(frontMatter.abbreviations ?? {});
  const statements = [
    frontMatter.funding
      ? el(
          "fn",
          { id: "fn-funding", "fn-type": "financial-disclosure" },
          el("p", {}, `${profile.labels.funding}: ${frontMatter.funding}`),
        )
      : undefined,
    frontMatter.conflicts
      ? el(
          "fn",
          { id: "fn-conflicts", "fn-type": "conflict" },
          el("p", {}, `${profile.labels.conflicts}: ${frontMatter.conflicts}`),
        )
      : undefined,
  ].filter((statement) => statement !== undefined);
  const references = jatsReferenceList(
    file.data.references ?? [],
    file.data.referenceItems ?? new Map(),
    profile.labels.references,
  );
  const parts = [
    abbreviations.length > 0
      ? el(
          "glossary",
          {},
          el("title", {}, profile.labels.abbreviations),
          el(
            "def-list",
            {},
            abbreviations.map(([abbreviation, expansion]) =>
              el(
                "def-item",
                {},
                el("term", {}, abbreviation),
                el("def", {}, el("p", {}, expansion)),
              ),
            ),
          ),
        )
      : undefined,
    statements.length > 0 ? el("fn-group", {}, statements) : undefined,
    references,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? el("back", {}, parts) : undefined;
}

/** Render the compiled manuscript as a JATS document (the XML text). */
export function renderJats(
  tree: Root,
  file: VFile,
  profile: JournalProfile,
  options: JatsOptions,
): string {
  const frontMatter = file.data.frontMatter ?? { title: "", authors: [] };
  if (journalIssns(profile, frontMatter).length === 0) {
    const place = file.data.locateFrontMatter?.(["publication"]) ?? { line: 1, column: 1 };
    report(
      file,
      "jats-issn-missing",
      `Unexpected JATS without an ISSN, expected one: the Journal Publishing DTD requires \`issn\` in \`journal-meta\`; add \`publication.issn\` to the front matter or \`journal-meta.issn\` to \`templates/${profile.id}/profile.json\`.`,
      place,
    );
  }
  const letters = new Map(
    [...affiliationLetters(frontMatter)].filter(
      ([id]) => frontMatter.affiliations?.[id] !== undefined,
    ),
  );
  const article = el(
    "article",
    {
      "xmlns:xlink": "http://www.w3.org/1999/xlink",
      "xmlns:mml": "http://www.w3.org/1998/Math/MathML",
      "dtd-version": "1.1",
      "article-type": jatsArticleType(frontMatter["article-type"]),
      "xml:lang": frontMatter.lang ?? profile.lang,
    },
    jatsFront(frontMatter, profile, letters, options.date),
    jatsBody(tree, {
      floats: file.data.floats ?? new Map(),
      referenceIds: referenceIds(file.data.references ?? []),
    }),
    backMatter(frontMatter, profile, file),
  );
  return serializeJats(article);
}
