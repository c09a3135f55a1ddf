/**
 * The bridge to citation-js: the only file that imports it, so a version change is mended
 * here. Readers hand it text or objects of a known input type (never letting it guess, so it
 * never takes a string for a URL and fetches it); the formatter hands it CSL items and a style.
 */
import { plugins } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-csl";
import "@citation-js/plugin-ris";
import { isRecord } from "./reader.ts";

/**
 * How much text the readers have handed to citation-js in this process, in characters. Tests
 * use it to check that reading a bibliography costs work in proportion to its size.
 */
export const citationJsWork = { characters: 0 };

/** Run the citation-js input chain on data of a known type, ending in CSL-JSON objects. */
export function toCsl(input: unknown, forceType: string): Record<string, unknown>[] {
  if (typeof input === "string") citationJsWork.characters += input.length;
  const output = plugins.input.chain(input, { forceType, generateGraph: false, strict: true });
  if (!Array.isArray(output) || !output.every(isRecord)) {
    throw new TypeError(
      `citation-js returned ${typeof output} for ${forceType}, expected a list of CSL items`,
    );
  }
  return output;
}

/** citation-js's registers of CSL styles and locales. */
function cslConfig() {
  const config = plugins.config.get("@csl");
  if (!config)
    throw new Error(
      "citation-js's CSL plugin is not registered; check the @citation-js/plugin-csl install.",
    );
  return config;
}

/** Whether citation-js has a CSL locale such as `en-US`. */
export function hasCslLocale(locale: string): boolean {
  return cslConfig().locales.has(locale);
}

/** Register a CSL style under a template name, once (citation-js compiles it on first use). */
export function registerCslStyle(template: string, xml: string): void {
  const config = cslConfig();
  if (!config.styles.has(template)) config.styles.add(template, xml);
}

/**
 * Format items (already copied; citeproc keeps what it is given) with a registered style, in
 * the order given. Returns `[id, html]` pairs, each html being citeproc's `csl-entry` `<div>`.
 */
export function formatBibliography(
  template: string,
  lang: string,
  items: readonly object[],
): [string, string][] {
  const output = plugins.output.format("bibliography", items, {
    format: "html",
    template,
    lang,
    nosort: true,
    asEntryArray: true,
  });
  if (!Array.isArray(output)) throw new TypeError("citation-js returned no bibliography entries");
  const pairs: [string, string][] = [];
  for (const pair of output) {
    if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") {
      pairs.push([pair[0], pair[1]]);
    }
  }
  return pairs;
}
