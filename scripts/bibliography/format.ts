/**
 * Formatting references with a journal's CSL style, in one pass, through citation-js's
 * citeproc (see citation-js.ts). A list formatted before with the same entries, style, locale
 * and library versions comes from the reference cache on disk (reference-cache.ts) instead, and
 * then citeproc is neither built nor run.
 */
import { createHash } from "node:crypto";
import { formatBibliography, hasCslLocale, registerCslStyle } from "./citation-js.ts";
import { errorMessage } from "./reader.ts";
import {
  readCachedReferences,
  referenceCacheDirectory,
  referenceCacheKey,
  writeCachedReferences,
} from "./reference-cache.ts";
import type { CslItem, CslStyle, ReferenceFormatter } from "./types.ts";

const formatters = new Map<string, ReferenceFormatter>();

/** How often citeproc ran in this process (style compilations included); tests count it. */
export const citeprocWork = { runs: 0 };

/** Options for {@link createReferenceFormatter}. */
export interface ReferenceFormatterOptions {
  /**
   * The reference cache folder; `false` for none. Default: `CASEPRESS_CACHE_DIR` or Casepress's
   * `node_modules/.cache` (see reference-cache.ts), read when a list is formatted.
   */
  cacheDirectory?: string | false;
}

/** The entry's text without citeproc's wrapping `<div>`s and the number column. */
function entryContent(html: string): string {
  const entry = /^\s*<div[^>]*class="csl-entry"[^>]*>([\s\S]*)<\/div>\s*$/.exec(html)?.[1] ?? html;
  const text = entry.trim().replace(/^<div class="csl-left-margin">[\s\S]*?<\/div>/, "");
  return (/^<div class="csl-right-inline">([\s\S]*)<\/div>$/.exec(text)?.[1] ?? text).trim();
}

function renderEntries(
  template: string,
  lang: string,
  items: readonly CslItem[],
): Map<string, string> {
  // citeproc keeps the objects it is given; hand it copies so callers' items stay untouched.
  const data = items.map((item) => structuredClone(item));
  citeprocWork.runs++;
  const byId = new Map<string, string>();
  for (const [id, html] of formatBibliography(template, lang, data))
    byId.set(id, entryContent(html));
  return byId;
}

/**
 * Make a formatter for a CSL style. The style is registered and compiled once per process
 * (cached by name and content), so calling this again for the same journal is free. A style
 * without a bibliography throws here; one that does not compile throws when citeproc first
 * runs, which a list found in the reference cache never needs. For the reference number to be
 * left out of the output, the style's bibliography should use `second-field-align`.
 */
export function createReferenceFormatter(
  style: CslStyle,
  locale?: string,
  options: ReferenceFormatterOptions = {},
): ReferenceFormatter {
  const digest = createHash("sha256").update(style.xml).digest("hex").slice(0, 16);
  const template = `casepress:${style.name}:${digest}`;
  const wanted = locale ?? /default-locale="([^"]+)"/.exec(style.xml)?.[1] ?? "en-US";
  const lang = hasCslLocale(wanted) ? wanted : "en-US";
  const cacheKey = `${template}|${lang}|${options.cacheDirectory ?? ""}`;
  const cached = formatters.get(cacheKey);
  if (cached) return cached;

  if (!/<style\b[\s\S]*<bibliography\b/.test(style.xml)) {
    throw new Error(
      `The CSL style "${style.name}" has no <bibliography> element, expected a CSL 1.0 style with one.`,
    );
  }
  let compiled = false;
  const compile = () => {
    if (compiled) return;
    registerCslStyle(template, style.xml);
    try {
      // Build citeproc's engine now (it is cached by citation-js), so the cost is paid once.
      renderEntries(template, lang, [
        { id: "casepress-warm-up", type: "article-journal", title: "Warm-up" },
      ]);
    } catch (error) {
      throw new Error(
        `The CSL style "${style.name}" could not be compiled: ${errorMessage(error)}`,
      );
    }
    compiled = true;
  };

  const formatter: ReferenceFormatter = {
    name: style.name,
    locale: lang,
    format(items) {
      if (items.length === 0) return [];
      const directory =
        options.cacheDirectory === false
          ? undefined
          : (options.cacheDirectory ?? referenceCacheDirectory());
      const key =
        directory === undefined
          ? undefined
          : referenceCacheKey({ styleXml: style.xml, locale: lang, items });
      if (directory !== undefined && key !== undefined) {
        const cached = readCachedReferences(directory, key, items.length);
        if (cached) return cached;
      }
      compile();
      const unique = new Map<string, CslItem>();
      for (const item of items) if (!unique.has(item.id)) unique.set(item.id, item);
      const byId = renderEntries(template, lang, [...unique.values()]);
      const entries = items.map((item) => {
        const html = byId.get(item.id);
        if (html === undefined) throw new Error(`citeproc returned no entry for \`${item.id}\``);
        return html;
      });
      if (directory !== undefined && key !== undefined)
        writeCachedReferences(directory, key, entries);
      return entries;
    },
  };
  formatters.set(cacheKey, formatter);
  return formatter;
}
