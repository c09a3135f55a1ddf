/**
 * Scaled copies of the sample for `npm run bench`: the body repeated N times, each copy citing
 * its own copies of the references (so 50× has 600 references), with its own figure and table
 * ids and headings. The same transformation applies to Casepress Markdown and to the Pandoc
 * Markdown fixture, so the two programs get equivalent input at every scale.
 */

/** A CSL-JSON entry, as far as scaling needs it. */
interface CslEntry {
  id: string;
  DOI?: string;
  PMID?: string;
  [field: string]: unknown;
}

/** What copy `k` (2, 3, …) of a key is called. */
function copyKey(key: string, copy: number): string {
  return copy === 1 ? key : `${key}-${copy}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Split Markdown into its YAML front matter block (with fences) and the body. */
function splitFrontMatter(markdown: string): { front: string; body: string } {
  const match = /^---\n[\s\S]*?\n---\n/.exec(markdown);
  return match
    ? { front: match[0], body: markdown.slice(match[0].length) }
    : { front: "", body: markdown };
}

/**
 * Copy `k` of the body: every `@key` of `keys` (citations, cross-references) and every `#id`
 * of a float becomes its copy-`k` name; headings get "(part k)". Copy 1 is the body as written.
 */
function copyBody(body: string, keys: readonly string[], copy: number): string {
  if (copy === 1) return body;
  let text = body.replace(/^(#{1,6} .*?)\s*$/gm, `$1 (part ${copy})`);
  // Longest keys first, so `fig-1` never eats the start of `fig-10`.
  const sorted = [...keys].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`([@#])(${sorted.map(escapeRegExp).join("|")})(?![\\w-])`, "g");
  text = text.replace(pattern, (_, sigil: string, key: string) => `${sigil}${copyKey(key, copy)}`);
  return text;
}

/** The ids of figures and tables in Casepress (`:::figure{#id}`) or Pandoc (`{#id}`) syntax. */
function floatIds(body: string): string[] {
  return [...body.matchAll(/\{#((?:fig|tbl)-[\w-]+)\}/g)].map((match) => match[1] ?? "");
}

/** A manuscript and its bibliography, `factor` times as long. */
export interface ScaledManuscript {
  markdown: string;
  /** CSL-JSON text. */
  references: string;
  /** How many references the bibliography holds. */
  referenceCount: number;
}

/**
 * Scale a manuscript: the front matter once, then `factor` copies of the body, and `factor`
 * copies of each reference (ids suffixed, DOIs made unique, PMIDs dropped from copies).
 */
export function scaleManuscript(
  markdown: string,
  referencesJson: string,
  factor: number,
): ScaledManuscript {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`Unexpected scale ${factor}, expected a whole number ≥ 1.`);
  const entries = JSON.parse(referencesJson) as CslEntry[]; // The sample's CSL-JSON: an array of entries with ids.
  const { front, body } = splitFrontMatter(markdown);
  const keys = [...entries.map((entry) => entry.id), ...floatIds(body)];
  const bodies: string[] = [];
  const scaled: CslEntry[] = [];
  for (let copy = 1; copy <= factor; copy++) {
    bodies.push(copyBody(body, keys, copy));
    for (const entry of entries) {
      if (copy === 1) {
        scaled.push(entry);
        continue;
      }
      const { PMID: _pmid, ...rest } = entry;
      scaled.push({
        ...rest,
        id: copyKey(entry.id, copy),
        ...(entry.DOI ? { DOI: `${entry.DOI}.${copy}` } : {}),
      });
    }
  }
  return {
    markdown: `${front}${bodies.map((text) => text.trimEnd()).join("\n\n")}\n`,
    references: `${JSON.stringify(scaled, null, 2)}\n`,
    referenceCount: scaled.length,
  };
}

/**
 * The Pandoc fixture keeps its `# References` / `::: {#refs}` block at the end; scale the part
 * before it and put the block back once.
 */
export function scalePandocManuscript(
  markdown: string,
  referencesJson: string,
  factor: number,
): ScaledManuscript {
  const marker = markdown.lastIndexOf("\n# References");
  const head = marker === -1 ? markdown : markdown.slice(0, marker + 1);
  const tail = marker === -1 ? "" : markdown.slice(marker + 1);
  const scaled = scaleManuscript(head, referencesJson, factor);
  return { ...scaled, markdown: `${scaled.markdown}\n${tail}` };
}
