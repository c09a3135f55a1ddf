/**
 * `casepress abbreviations <file> [--write]`: the `abbreviations:` block that the text's own
 * definitions imply, sorted as the “Abbreviations used” box is (alphabetically, ignoring case),
 * with the entries missing from the front matter and the ones extra to it. `--write` puts the
 * block into the front matter in place, keeping the other keys, comments and formatting (the
 * `yaml` Document API).
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isMap, isScalar, parseDocument, type YAMLMap } from "yaml";
import { readManuscript } from "../loaders/load-manuscript.ts";
import { compileManuscript } from "../pipeline.ts";
import { sortedAbbreviations } from "../render/render-front-matter.ts";
import { abbreviationSummary } from "../transforms/abbreviations/remark-abbreviations.ts";

/** The block a manuscript's text implies, and how it differs from its front matter. */
export interface ImpliedAbbreviations {
  /** Abbreviation → long form, sorted. */
  entries: [string, string][];
  /** Defined in the text, not in `abbreviations:`. */
  missing: string[];
  /** In `abbreviations:`, never used in the text. */
  extra: string[];
  /** In `abbreviations:` and used, never defined in the text: kept as listed. */
  undefinedInText: string[];
}

/**
 * The `abbreviations:` entries implied by the text: every abbreviation the text defines, with
 * its long form as first written (the listed one when the two agree word for word), and every
 * listed abbreviation the text uses without defining, kept as listed. Listed abbreviations the
 * text never uses are extra.
 */
export function impliedAbbreviations(
  listed: Readonly<Record<string, string>>,
  defined: ReadonlyMap<string, string>,
  used: ReadonlySet<string>,
): ImpliedAbbreviations {
  const block: Record<string, string> = {};
  const missing: string[] = [];
  const undefinedInText: string[] = [];
  for (const [abbreviation, longForm] of defined) {
    const own = listed[abbreviation];
    block[abbreviation] = own ?? longForm;
    if (own === undefined) missing.push(abbreviation);
  }
  for (const [abbreviation, expansion] of Object.entries(listed)) {
    if (abbreviation in block || !used.has(abbreviation)) continue;
    block[abbreviation] = expansion;
    undefinedInText.push(abbreviation);
  }
  const extra = Object.keys(listed).filter((abbreviation) => !(abbreviation in block));
  return { entries: sortedAbbreviations(block), missing, extra, undefinedInText };
}

/** A YAML scalar for printing: plain when safe, else double-quoted. */
function yamlScalar(value: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} ,'’()\-‐–α-ω/]*$/u.test(value) && !/: |\s$/.test(value)
    ? value
    : JSON.stringify(value);
}

/** The `abbreviations:` block as YAML text. */
export function formatBlock(entries: readonly [string, string][]): string {
  if (entries.length === 0) return "abbreviations: {}\n";
  return `abbreviations:\n${entries.map(([key, value]) => `  ${yamlScalar(key)}: ${yamlScalar(value)}\n`).join("")}`;
}

/**
 * The manuscript source with its front matter's `abbreviations:` set to `entries`: kept pairs
 * keep their comments and quoting, new pairs are added, extra ones removed, and the pairs are
 * sorted. The rest of the file is untouched.
 */
export function writeBlock(source: string, entries: readonly [string, string][]): string {
  const match = /^---\r?\n([\s\S]*?\r?\n)?---(?:\r?\n|$)/.exec(source);
  if (!match) throw new Error("no front matter (`---` … `---`) at the top of the file");
  const yaml = match[1] ?? "";
  const document = parseDocument(yaml);
  const wanted = new Map(entries);
  let list = document.get("abbreviations", true);
  if (!isMap(list)) {
    document.set("abbreviations", document.createNode({}));
    list = document.get("abbreviations", true);
  }
  // Checked with `isMap` above, or just created as a map.
  const map = list as YAMLMap<unknown, unknown>;
  const keyOf = (item: (typeof map.items)[number]): string =>
    String(isScalar(item.key) ? item.key.value : item.key);
  map.items = map.items.filter((item) => wanted.has(keyOf(item)));
  const present = new Set(map.items.map(keyOf));
  for (const [key, value] of entries) {
    if (!present.has(key)) map.set(key, value);
  }
  const order = new Map(entries.map(([key], index) => [key, index]));
  map.items.sort((a, b) => (order.get(keyOf(a)) ?? 0) - (order.get(keyOf(b)) ?? 0));
  const text = document.toString();
  return `${source.slice(0, match.index)}---\n${text}---\n${source.slice(match.index + match[0].length)}`;
}

/** Run `casepress abbreviations` on `path`; returns the exit code and writes to the streams. */
export async function runAbbreviationsCommand(
  path: string,
  options: { write?: boolean; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const absolutePath = resolve(options.cwd ?? process.cwd(), path);
  const file = await readManuscript(absolutePath, {
    root: dirname(absolutePath),
    cwd: options.cwd ?? process.cwd(),
  });
  await compileManuscript(file, {});
  const summary = abbreviationSummary(file);
  if (!summary || !file.data.frontMatter) {
    return {
      code: 1,
      stdout: "",
      stderr: `casepress: cannot read the abbreviations of \`${path}\`: its front matter is missing or invalid; run \`casepress check\` on it.\n`,
    };
  }
  const implied = impliedAbbreviations(
    file.data.frontMatter.abbreviations ?? {},
    summary.defined,
    summary.used,
  );
  const notes: string[] = [];
  if (implied.missing.length > 0)
    notes.push(
      `missing from the front matter (defined in the text): ${implied.missing.join(", ")}`,
    );
  if (implied.extra.length > 0)
    notes.push(`extra in the front matter (never used in the text): ${implied.extra.join(", ")}`);
  if (implied.undefinedInText.length > 0)
    notes.push(
      `kept as listed, but never defined in the text: ${implied.undefinedInText.join(", ")}`,
    );
  if (options.write) {
    const source = await readFile(absolutePath, "utf8");
    const updated = writeBlock(source, implied.entries);
    if (updated !== source) await writeFile(absolutePath, updated);
    notes.push(updated === source ? "front matter already up to date" : `updated ${path}`);
  }
  return {
    code: 0,
    stdout: formatBlock(implied.entries),
    stderr: notes.map((note) => `# ${note}\n`).join(""),
  };
}
