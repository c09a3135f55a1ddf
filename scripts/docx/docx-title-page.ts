/** The submission title page: title, authors, affiliations, correspondence, counts, key words. */
import { HeadingLevel, type Paragraph, type ParagraphChild, type Table, TextRun } from "docx";
import { affiliationLetters } from "../render/render-front-matter.ts";
import type { FrontMatter } from "../schemas/front-matter-schema.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { type BlockSettings, paragraph } from "./docx-content.ts";

type Block = Paragraph | Table;

/** Counts printed on the title page. */
export interface SubmissionCounts {
  /** Words in the abstract section; undefined when the manuscript has none. */
  abstractWords: number | undefined;
  /** The body word count the journal's word limit applies to (`word-count.ts`). */
  textWords: number;
  /** Numbered figures, tables and cited references. */
  figures: number;
  tables: number;
  references: number;
}

function joinRuns(parts: ParagraphChild[][], separator: string, last: string): ParagraphChild[] {
  return parts.flatMap((part, index) =>
    index === 0 ? part : [new TextRun(index === parts.length - 1 ? last : separator), ...part],
  );
}

/** A bold label and its value, as one paragraph. */
export function labelled(settings: BlockSettings, label: string, value: string): Paragraph {
  return paragraph(settings, {
    children: [new TextRun({ text: `${label}: `, bold: true }), new TextRun(value)],
  });
}

/** The title page blocks, from the front matter and the counts, per the profile's labels. */
export function titlePage(
  frontMatter: FrontMatter,
  profile: JournalProfile,
  counts: SubmissionCounts,
  settings: BlockSettings,
): Block[] {
  const letters = affiliationLetters(frontMatter);
  const blocks: Block[] = [];
  if (frontMatter["article-type"])
    blocks.push(paragraph(settings, { children: [new TextRun(frontMatter["article-type"])] }));
  blocks.push(
    paragraph(settings, {
      heading: HeadingLevel.TITLE,
      children: [new TextRun(frontMatter.title)],
    }),
  );
  if (frontMatter["short-title"])
    blocks.push(labelled(settings, "Short title", frontMatter["short-title"]));
  const authors = frontMatter.authors.map((author): ParagraphChild[] => {
    const degrees = Array.isArray(author.degrees) ? author.degrees.join(", ") : author.degrees;
    const refs = (author.affiliations ?? []).map((id) => letters.get(id) ?? "?").join(",");
    return [
      new TextRun(degrees ? `${author.name}, ${degrees}` : author.name),
      ...(refs ? [new TextRun({ text: refs, superScript: true })] : []),
    ];
  });
  if (authors.length > 0)
    blocks.push(
      paragraph(settings, {
        spacing: { before: 240 },
        children: joinRuns(authors, ", ", authors.length > 2 ? ", and " : " and "),
      }),
    );
  for (const [id, letter] of letters) {
    const name = frontMatter.affiliations?.[id];
    if (name === undefined) continue;
    blocks.push(
      paragraph(settings, {
        children: [new TextRun({ text: letter, superScript: true }), new TextRun(name)],
      }),
    );
  }
  if (frontMatter.location)
    blocks.push(paragraph(settings, { children: [new TextRun(frontMatter.location)] }));
  const corresponding = frontMatter.authors.find((author) => author.corresponding);
  if (corresponding) {
    const parts = [corresponding.name, corresponding.address, corresponding.email]
      .filter((part): part is string => part !== undefined)
      .join(", ");
    blocks.push(
      paragraph(settings, {
        spacing: { before: 240 },
        children: [
          new TextRun({ text: `${profile.labels.correspondence}: `, bold: true }),
          new TextRun(parts),
        ],
      }),
    );
  }
  const abstractWords =
    counts.abstractWords === undefined ? "no abstract" : `abstract ${counts.abstractWords}`;
  blocks.push(
    paragraph(settings, {
      spacing: { before: 240 },
      children: [
        new TextRun({ text: "Word count: ", bold: true }),
        new TextRun(`${abstractWords}; text ${counts.textWords}`),
      ],
    }),
    paragraph(settings, {
      children: [
        new TextRun({ text: "Figures: ", bold: true }),
        new TextRun(`${counts.figures}; `),
        new TextRun({ text: "Tables: ", bold: true }),
        new TextRun(`${counts.tables}; `),
        new TextRun({ text: "References: ", bold: true }),
        new TextRun(String(counts.references)),
      ],
    }),
  );
  const keywords = frontMatter.keywords ?? [];
  if (keywords.length > 0)
    blocks.push(labelled(settings, profile.labels.keywords, keywords.join("; ")));
  return blocks;
}
