/**
 * The render stage: mdast → hast (remark-rehype), sanitised with the allow-list, placed with the
 * front matter parts into the journal's HTML template, and serialised with rehype-stringify.
 */
import type { RootContent as HastContent, Root as HastRoot } from "hast";
import type { Root } from "mdast";
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import type { VFile } from "vfile";
import { renderReferences } from "../bibliography/render-references.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { cssString, htmlAttribute, htmlText } from "./escape.ts";
import {
  renderAbbreviationsBox,
  renderArticleNotes,
  renderBackMatter,
  renderMeta,
  renderTitleBlock,
} from "./render-front-matter.ts";
import { sanitizeSchema } from "./sanitize-schema.ts";
import { renderScholarlyMetadata } from "./scholarly-metadata.ts";

/** What the page needs beyond the manuscript. */
export interface PageOptions {
  /** The assets folder name, relative to the HTML file (`case-report_files`). */
  assetsDirectory: string;
  /** The generator string, `Casepress <version>`. */
  generator: string;
  /** Preprint banner text, when the template shows one. */
  banner?: string;
  /** The PDF's URL relative to the page, when a PDF is built (`citation_pdf_url`). */
  pdfUrl?: string;
}

const toHast = unified()
  .use(remarkRehype, { allowDangerousHtml: false })
  .use(rehypeSanitize, sanitizeSchema)
  .freeze();
const sanitizeOnly = unified().use(rehypeSanitize, sanitizeSchema).freeze();
const stringifier = unified()
  .use(rehypeStringify, { characterReferences: { useNamedReferences: false } })
  .freeze();

function serialise(nodes: (HastContent | undefined)[]): string {
  const root: HastRoot = { type: "root", children: nodes.filter((node) => node !== undefined) };
  return stringifier.stringify(root);
}

/**
 * The page counter's start, so the first page prints the article's first page number:
 * pages "164-7" give 163. Zero when no page range is given.
 */
export function pageOffset(pages: string | undefined): number {
  const first = /^\s*(\d+)/.exec(pages ?? "")?.[1];
  return first ? Math.max(0, Number(first) - 1) : 0;
}

/** Fill `{{slot}}` placeholders; unknown slots become empty. */
export function fillTemplate(template: string, slots: Record<string, string>): string {
  return template.replace(/\{\{([a-z-]+)\}\}/g, (_, name: string) => slots[name] ?? "");
}

/** The body alone (sections, figures, tables) as sanitised HTML. */
export async function renderBodyHtml(tree: Root, file: VFile): Promise<string> {
  return stringifier.stringify(await toHast.run(tree, file));
}

/**
 * The last reference list of each journal and its HTML. A rebuild in a warm process (the live
 * preview) whose references did not change skips citeproc, the slowest step of a rebuild.
 */
let lastReferences = new WeakMap<JournalProfile, { key: string; html: string }>();

/**
 * Forget every last reference list. The start-up snapshot's warm-up build calls this, so the
 * snapshot holds a compiled style but not the sample's formatted list: every run formats (or
 * finds in the on-disk cache) its own references, the sample's included.
 */
export function forgetLastReferences(): void {
  lastReferences = new WeakMap();
}

async function renderReferencesHtml(file: VFile, profile: JournalProfile): Promise<string> {
  const references = file.data.references ?? [];
  const items = file.data.referenceItems ?? new Map();
  const key = JSON.stringify([references, references.map((reference) => items.get(reference.key))]);
  const last = lastReferences.get(profile);
  if (last?.key === key) return last.html;
  const element = renderReferences(references, items, profile);
  const html = element
    ? stringifier.stringify(await sanitizeOnly.run({ type: "root", children: [element] }))
    : "";
  lastReferences.set(profile, { key, html });
  return html;
}

/** Render the manuscript tree (after all transforms) into the final HTML page. */
export async function renderPage(
  tree: Root,
  file: VFile,
  profile: JournalProfile,
  options: PageOptions,
): Promise<string> {
  const frontMatter = file.data.frontMatter ?? { title: "", authors: [] };
  const referencesHtml = await renderReferencesHtml(file, profile);
  return fillTemplate(profile.templateHtml, {
    lang: htmlAttribute(frontMatter.lang ?? profile.lang),
    title: htmlText(frontMatter.title),
    meta: serialise([
      ...renderMeta(frontMatter, options.generator),
      ...renderScholarlyMetadata(file, profile, options.pdfUrl ? { pdfUrl: options.pdfUrl } : {}),
    ]),
    assets: htmlAttribute(options.assetsDirectory),
    "running-head": cssString(frontMatter["short-title"] ?? frontMatter.title),
    "journal-name": htmlText(profile.name),
    "title-block": serialise([renderTitleBlock(frontMatter, profile)]),
    abbreviations: serialise([renderAbbreviationsBox(frontMatter, profile)]),
    body: await renderBodyHtml(tree, file),
    references: referencesHtml,
    "back-matter": serialise([renderBackMatter(frontMatter, profile)]),
    "article-notes": serialise([renderArticleNotes(frontMatter, profile)]),
    banner: htmlText(options.banner ?? ""),
    "page-offset": String(pageOffset(frontMatter.publication?.pages)),
  });
}
