/**
 * `--format docx`: the manuscript in the journal's submission form, as a Word file. Built from
 * the compiled mdast tree and `file.data` (never from the HTML), laid out by the profile's
 * `submission` settings: title page with counts, abstract, sections in real heading styles,
 * abbreviations, statements, references formatted by the journal's CSL, tables as Word tables,
 * figure legends. The zip is rewritten with fixed timestamps, so `SOURCE_DATE_EPOCH` gives the
 * same bytes on every run.
 */
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  type IStylesOptions,
  LineNumberRestartFormat,
  LineRuleType,
  PageNumber,
  type Paragraph,
  SectionType,
  type Table,
  TextRun,
} from "docx";
import { fromHtml } from "hast-util-from-html";
import type { Parent, PhrasingContent, Root, RootContent } from "mdast";
import { toString as mdastToString } from "mdast-util-to-string";
import type { VFile } from "vfile";
import { createReferenceFormatter } from "../bibliography/bibliography.ts";
import { buildTime } from "../publish/deterministic-zip.ts";
import { sortedAbbreviations } from "../render/render-front-matter.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { countWords } from "../transforms/word-count.ts";
import {
  type BlockSettings,
  blockContent,
  figureLegend,
  floatId,
  hastRuns,
  paragraph,
  phrasingRuns,
  tableParts,
  wordTable,
} from "./docx-content.ts";
import { packDocument } from "./docx-pack.ts";
import { labelled, type SubmissionCounts, titlePage } from "./docx-title-page.ts";

export type { SubmissionCounts } from "./docx-title-page.ts";

/** Options of `renderDocx`. */
export interface DocxOptions {
  /** The generator written to the document properties, `Casepress <version>`. */
  generator: string;
  /** Image bytes by the image URL written in the manuscript, when the profile embeds figures. */
  images?: ReadonlyMap<string, { data: Uint8Array; type: "png" | "jpg" | "gif" | "bmp" }>;
  /** The time stamped into the file; default `SOURCE_DATE_EPOCH` or now. */
  time?: Date;
}

type Block = Paragraph | Table;
type PartName = JournalProfile["submission"]["order"][number];

const inchTwips = 1440;
const paperTwips = {
  letter: { width: 12_240, height: 15_840 },
  a4: { width: 11_906, height: 16_838 },
} as const;

/** Split the body's top-level sections into the abstract (by its heading) and the rest. */
function splitAbstract(
  tree: Root,
  label: string,
): { abstract: RootContent[] | undefined; body: RootContent[] } {
  const wanted = label.trim().toLowerCase();
  let abstract: RootContent[] | undefined;
  const body: RootContent[] = [];
  for (const node of tree.children) {
    const first = "children" in node ? (node.children as RootContent[])[0] : undefined;
    if (
      abstract === undefined &&
      node.type === "section" &&
      first?.type === "heading" &&
      mdastToString(first).trim().toLowerCase() === wanted
    ) {
      abstract = (node.children as RootContent[]).slice(1);
      continue;
    }
    body.push(node);
  }
  return { abstract, body };
}

function collectFloats(nodes: readonly RootContent[], name: "figure" | "table"): Parent[] {
  const found: Parent[] = [];
  const walk = (list: readonly RootContent[]): void => {
    for (const node of list) {
      if (node.type === "containerDirective" && node.name === name) found.push(node);
      else if ("children" in node) walk(node.children as RootContent[]);
    }
  };
  walk(nodes);
  return found;
}

/** Order floats by their number (first callout), as the transforms numbered them. */
function byNumber(floats: Parent[], file: VFile): Parent[] {
  const numberOf = (node: Parent): number =>
    file.data.floats?.get(floatId(node) ?? "")?.number ?? Number.MAX_SAFE_INTEGER;
  return floats
    .map((node, index) => ({ node, index }))
    .sort((a, b) => numberOf(a.node) - numberOf(b.node) || a.index - b.index)
    .map(({ node }) => node);
}

function heading(settings: BlockSettings, text: string): Paragraph {
  return paragraph(settings, {
    heading: HeadingLevel.HEADING_1,
    keepNext: true,
    children: [new TextRun(text)],
  });
}

function referenceList(file: VFile, profile: JournalProfile, settings: BlockSettings): Block[] {
  const references = file.data.references ?? [];
  if (references.length === 0) return [];
  const items = file.data.referenceItems ?? new Map();
  const formatter = createReferenceFormatter({
    name: `casepress-${profile.id}`,
    xml: profile.cslXml,
  });
  const formatted = formatter.format(
    references.map((reference) => items.get(reference.key) ?? { id: reference.key }),
  );
  return [
    heading(settings, profile.labels.references),
    ...references.map((reference, index) =>
      paragraph(settings, {
        indent: { left: 360, hanging: 360 },
        children: [
          new TextRun(`${reference.number}. `),
          ...hastRuns(fromHtml(formatted[index] ?? "", { fragment: true })),
        ],
      }),
    ),
  ];
}

function tableBlocks(node: Parent, settings: BlockSettings, newPage: boolean): Block[] {
  const parts = tableParts(node);
  const blocks: Block[] = [
    paragraph(settings, {
      keepNext: true,
      pageBreakBefore: newPage,
      children: phrasingRuns(parts.caption, settings),
    }),
    wordTable([...parts.headerRows, ...parts.bodyRows], settings, parts.headerRows.length),
  ];
  for (const footnote of parts.footnotes)
    blocks.push(...blockContent([footnote], { settings, onTable: () => [], onFigure: () => [] }));
  return blocks;
}

function legendBlocks(node: Parent, settings: BlockSettings, first: boolean): Paragraph[] {
  return figureLegend(node).map((legend: PhrasingContent[], index) =>
    paragraph(settings, {
      spacing: { before: first || index > 0 ? 0 : 240 },
      children: phrasingRuns(legend, settings),
    }),
  );
}

/** Numbers drawings 1, 2, 3 … within one document. */
class DrawingIds {
  private last = 0;
  next(): number {
    this.last += 1;
    return this.last;
  }
}

function embeddedImages(
  node: Parent,
  options: DocxOptions,
  settings: BlockSettings,
  drawingIds: DrawingIds,
  printWidthInches: number,
): Block[] {
  const blocks: Block[] = [];
  const walk = (list: readonly RootContent[]): void => {
    for (const child of list) {
      if (child.type === "image") {
        const image = options.images?.get(child.url);
        const width = Number(child.data?.hProperties?.width ?? 0);
        const height = Number(child.data?.hProperties?.height ?? 0);
        if (!image || width <= 0 || height <= 0) continue;
        // Shown at the journal's print width; docx measures in pixels at 96 per inch.
        const shownWidth = Math.round(printWidthInches * 96);
        blocks.push(
          paragraph(settings, {
            children: [
              new ImageRun({
                type: image.type,
                data: image.data,
                transformation: {
                  width: shownWidth,
                  height: Math.round((shownWidth * height) / width),
                },
                // A fixed drawing id per document: docx's default is a process-wide counter,
                // so a second document in the same process would get other ids.
                altText: {
                  id: String(drawingIds.next()),
                  name: child.url,
                  description: child.alt ?? "",
                  title: child.alt ?? "",
                },
              }),
            ],
          }),
        );
      } else if ("children" in child && child.data?.hName !== "figcaption")
        walk(child.children as RootContent[]);
    }
  };
  walk(node.children);
  return blocks;
}

function styles(profile: JournalProfile, settings: BlockSettings): IStylesOptions {
  const form = profile.submission;
  const size = Math.round(form["font-size"] * 2);
  const headingStyle = (bold: boolean, italics: boolean) => ({
    run: { font: form.font, size, bold, italics, color: "000000" },
    paragraph: {
      spacing: { line: settings.line, lineRule: LineRuleType.AUTO, before: 240, after: 0 },
      keepNext: true,
    },
  });
  return {
    default: {
      document: {
        run: { font: form.font, size },
        paragraph: { spacing: { line: settings.line, lineRule: LineRuleType.AUTO } },
      },
      title: {
        run: { font: form.font, size: size + 8, bold: true, color: "000000" },
        paragraph: { spacing: { line: settings.line, after: 240 } },
      },
      heading1: headingStyle(true, false),
      heading2: headingStyle(true, true),
      heading3: headingStyle(false, true),
      heading4: headingStyle(false, true),
      heading5: headingStyle(false, true),
      heading6: headingStyle(false, true),
    },
  };
}

/** The counts the title page prints. */
export function submissionCounts(
  tree: Root,
  file: VFile,
  profile: JournalProfile,
): SubmissionCounts {
  const { abstract } = splitAbstract(tree, profile.submission["abstract-label"]);
  const floats = [...(file.data.floats?.values() ?? [])];
  return {
    abstractWords:
      abstract === undefined
        ? undefined
        : countWords(abstract.map((node) => mdastToString(node)).join(" ")),
    textWords: file.data.bodyWords ?? 0,
    figures: floats.filter((float) => float.kind === "figure").length,
    tables: floats.filter((float) => float.kind === "table").length,
    references: file.data.references?.length ?? 0,
  };
}

/** Build the Word document (not yet packed) for a compiled manuscript. */
export function createSubmissionDocument(
  tree: Root,
  file: VFile,
  profile: JournalProfile,
  options: DocxOptions,
): Document {
  const form = profile.submission;
  const margin = Math.round(form["margin-inches"] * inchTwips);
  const paper = paperTwips[form.paper];
  const settings: BlockSettings = {
    line: Math.round(240 * form["line-spacing"]),
    codeFont: "Courier New",
    tableFontSize: form["table-font-size"],
    tableLine: Math.round(240 * form["table-line-spacing"]),
    textWidth: paper.width - 2 * margin,
  };
  const frontMatter = file.data.frontMatter ?? { title: "", authors: [] };
  const { abstract, body } = splitAbstract(tree, form["abstract-label"]);
  const tablesInPlace = form.tables === "in-place";
  const figures = byNumber(collectFloats(body, "figure"), file);
  const tables = byNumber(collectFloats(body, "table"), file);
  const drawingIds = new DrawingIds();
  const bodyOptions = {
    settings,
    onTable: (node: Parent) => (tablesInPlace ? tableBlocks(node, settings, false) : []),
    onFigure: (node: Parent) =>
      form["embed-figures"]
        ? embeddedImages(
            node,
            options,
            settings,
            drawingIds,
            profile.figures["column-width-inches"],
          )
        : [],
  };

  const parts: Record<PartName, () => Block[]> = {
    "title-page": () =>
      titlePage(frontMatter, profile, submissionCounts(tree, file, profile), settings),
    abstract: () =>
      abstract === undefined
        ? []
        : [heading(settings, form["abstract-label"]), ...blockContent(abstract, bodyOptions)],
    abbreviations: () => {
      const list = sortedAbbreviations(frontMatter.abbreviations ?? {});
      if (list.length === 0) return [];
      return [
        heading(settings, profile.labels.abbreviations),
        ...list.map(([short, long]) =>
          paragraph(settings, {
            children: [new TextRun({ text: `${short}: `, bold: true }), new TextRun(long)],
          }),
        ),
      ];
    },
    body: () => blockContent(body, bodyOptions),
    statements: () => {
      const lines: Block[] = [];
      if (frontMatter.funding)
        lines.push(labelled(settings, profile.labels.funding, frontMatter.funding));
      if (frontMatter.conflicts)
        lines.push(labelled(settings, profile.labels.conflicts, frontMatter.conflicts));
      if (lines.length === 0 || form["statements-label"] === "") return lines;
      return [heading(settings, form["statements-label"]), ...lines];
    },
    references: () => referenceList(file, profile, settings),
    tables: () =>
      tablesInPlace ? [] : tables.flatMap((node) => tableBlocks(node, settings, true)),
    "figure-legends": () =>
      figures.length === 0
        ? []
        : [
            heading(settings, form["figure-legends-label"]),
            ...figures.flatMap((node, index) => legendBlocks(node, settings, index === 0)),
          ],
  };

  // A part that starts on a new page starts a new Word section (a next-page section break):
  // no empty paragraph is left at the top of the page, and line and page numbers run on.
  const groups: Block[][] = [];
  for (const name of form.order) {
    const blocks = parts[name]();
    if (blocks.length === 0) continue;
    const current = groups.at(-1);
    if (current === undefined || form["new-page"].includes(name)) groups.push(blocks);
    else current.push(...blocks);
  }

  const lineNumbers =
    form["line-numbers"] === "none"
      ? undefined
      : {
          countBy: 1,
          restart:
            form["line-numbers"] === "continuous"
              ? LineNumberRestartFormat.CONTINUOUS
              : LineNumberRestartFormat.NEW_PAGE,
        };
  const footer = () =>
    new Footer({
      children: [
        paragraph(
          { ...settings, line: 240 },
          {
            alignment: AlignmentType.CENTER,
            suppressLineNumbers: true,
            children: [new TextRun({ children: [PageNumber.CURRENT] })],
          },
        ),
      ],
    });
  const authors = frontMatter.authors.map((author) => author.name).join("; ");
  return new Document({
    title: frontMatter.title,
    creator: authors,
    lastModifiedBy: options.generator,
    keywords: (frontMatter.keywords ?? []).join("; "),
    ...(frontMatter["article-type"] ? { subject: frontMatter["article-type"] } : {}),
    ...(frontMatter["short-title"] ? { description: frontMatter["short-title"] } : {}),
    styles: styles(profile, settings),
    sections: groups.map((children) => ({
      properties: {
        type: SectionType.NEXT_PAGE,
        page: {
          size: paper,
          margin: { top: margin, bottom: margin, left: margin, right: margin },
        },
        ...(lineNumbers ? { lineNumbers } : {}),
      },
      ...(form["page-numbers"] ? { footers: { default: footer() } } : {}),
      children,
    })),
  });
}

/** Render a compiled manuscript as its submission `.docx`, ready to write. */
export async function renderDocx(
  tree: Root,
  file: VFile,
  profile: JournalProfile,
  options: DocxOptions,
): Promise<Uint8Array> {
  const document = createSubmissionDocument(tree, file, profile, options);
  return packDocument(document, options.time ?? buildTime());
}
