/**
 * Formatting references with a journal's CSL style, in one pass, through citation-js's
 * citeproc (see citation-js.ts).
 */
import { createHash } from "node:crypto";
import { formatBibliography, hasCslLocale, registerCslStyle } from "./citation-js.ts";
import { errorMessage } from "./reader.ts";
import type { CslItem, CslStyle, ReferenceFormatter } from "./types.ts";

const formatters = new Map<string, ReferenceFormatter>();

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
  const byId = new Map<string, string>();
  for (const [id, html] of formatBibliography(template, lang, data))
    byId.set(id, entryContent(html));
  return byId;
}

/**
 * Make a formatter for a CSL style. The style is registered and compiled once per process
 * (cached by name and content), so calling this again for the same journal is free; a style
 * that does not compile throws here, where the journal is loaded. For the reference number to
 * be left out of the output, the style's bibliography should use `second-field-align`.
 */
export function createReferenceFormatter(style: CslStyle, locale?: string): ReferenceFormatter {
  const digest = createHash("sha256").update(style.xml).digest("hex").slice(0, 16);
  const template = `casepress:${style.name}:${digest}`;
  const wanted = locale ?? /default-locale="([^"]+)"/.exec(style.xml)?.[1] ?? "en-US";
  const lang = hasCslLocale(wanted) ? wanted : "en-US";
  const cacheKey = `${template}|${lang}`;
  const cached = formatters.get(cacheKey);
  if (cached) return cached;

  if (!/<style\b[\s\S]*<bibliography\b/.test(style.xml)) {
    throw new Error(
      `The CSL style "${style.name}" has no <bibliography> element, expected a CSL 1.0 style with one.`,
    );
  }
  registerCslStyle(template, style.xml);
  try {
    // Build citeproc's engine now (it is cached by citation-js), so the cost is paid once.
    renderEntries(template, lang, [
      { id: "casepress-warm-up", type: "article-journal", title: "Warm-up" },
    ]);
  } catch (error) {
    throw new Error(`The CSL style "${style.name}" could not be compiled: ${errorMessage(error)}`);
  }

  const formatter: ReferenceFormatter = {
    name: style.name,
    locale: lang,
    format(items) {
      if (items.length === 0) return [];
      const unique = new Map<string, CslItem>();
      for (const item of items) if (!unique.has(item.id)) unique.set(item.id, item);
      const byId = renderEntries(template, lang, [...unique.values()]);
      return items.map((item) => {
        const html = byId.get(item.id);
        if (html === undefined) throw new Error(`citeproc returned no entry for \`${item.id}\``);
        return html;
      });
    },
  };
  formatters.set(cacheKey, formatter);
  return formatter;
}
