/**
 * A cap on how much text BibTeX can make out of little: `@string` macros that use each other
 * (`@string{b = a # a}` doubles `a`, and 24 such lines make 16 million characters) and
 * `crossref`, which copies a parent's fields into every child. Before citation-js sees a file,
 * the size each macro and entry would expand to is counted here, without expanding anything,
 * so the count costs time in proportion to the file. An entry's count also includes the text
 * of the macro definitions it uses, which is what reading it alone hands to citation-js. A
 * macro or entry over its cap is left out and reported where it is written.
 */
import type { Positions, RawProblem } from "./reader.ts";

/** The caps, in characters of expanded text. */
export const EXPANSION_LIMITS = {
  /** One `@string` macro or `@preamble`: a journal's name, a publisher, a long boilerplate. */
  macro: 10_000,
  /** One entry, with its macros and crossref parents expanded. */
  entry: 100_000,
  /** Macros and entries of the whole file, beyond the file's own length. */
  file: 1_000_000,
} as const;

/** A top-level `@…{…}` block of a BibTeX file. */
export interface BibChunk {
  kind: "entry" | "string" | "preamble";
  /** The offset of its `@`. */
  start: number;
  /** The offset just after its closing brace. */
  end: number;
  /** Where its fields start: after `key,` for an entry, after the brace for a macro. */
  fieldsStart: number;
  /** The citation key of an entry; empty for macros. */
  key: string;
}

/** What {@link planExpansion} decides. */
export interface ExpansionPlan {
  /** The chunks that may be handed to citation-js, in file order. */
  kept: BibChunk[];
  /** For each kept entry, the kept `@string` chunks its macros come from, in file order. */
  macrosOf: Map<BibChunk, BibChunk[]>;
  problems: RawProblem[];
}

/** Where a left-out macro's size was refused. */
interface Root {
  name: string;
  at: number;
}

/** A macro's current definition: its size and the chunk it comes from, or why it is left out. */
interface Macro {
  size: number;
  /** Its size plus the text of every macro definition it is made from (what a use costs). */
  cost: number;
  chunk: BibChunk | undefined;
  root: Root | undefined;
}

interface Field {
  name: string;
  at: number;
  /** Expanded size; `Infinity` when a dropped macro is used. */
  size: number;
  /** The size plus the definitions' text of the macros used (see {@link Macro.cost}). */
  cost: number;
  /** Macro names used, lower-cased, with where each is used. */
  refs: { name: string; at: number }[];
  /** The value's text when it is a single `{…}` or `"…"` (for `crossref`). */
  literal: string | undefined;
}

/** The expansion of a name citation-js predefines (`jan`, `acmcs`…) or leaves empty. */
const UNDEFINED_MACRO_SIZE = 64;
const NAME = /[^\s=,{}()"#%']+/y;

const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/** The offset after the `{…}` group that opens at `at` (or `to` when it never closes). */
function closeBrace(text: string, at: number, to: number): number {
  let depth = 0;
  for (let index = at; index < to; index++) {
    const char = text[index];
    if (char === "\\") index++;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index + 1;
  }
  return to;
}

/** The offset after the `"…"` string that opens at `at`; braces inside it may hide quotes. */
function closeQuote(text: string, at: number, to: number): number {
  let depth = 0;
  for (let index = at + 1; index < to; index++) {
    const char = text[index];
    if (char === "\\") index++;
    else if (char === "{") depth++;
    else if (char === "}") depth--;
    else if (char === '"' && depth <= 0) return index + 1;
  }
  return to;
}

/**
 * Read `name = part # part, …` between `from` and `to`, sizing each value with `sizeOf` for
 * macro names. Text it cannot read counts at its length (citation-js reports the syntax).
 */
function readFields(
  text: string,
  from: number,
  to: number,
  macroOf: (name: string) => { size: number; cost: number },
): Field[] {
  const fields: Field[] = [];
  let at = from;
  const skip = () => {
    while (at < to && isSpace(text.charCodeAt(at))) at++;
  };
  for (;;) {
    skip();
    if (at >= to) return fields;
    if (text[at] === ",") {
      at++;
      continue;
    }
    NAME.lastIndex = at;
    const name = NAME.exec(text)?.[0];
    const nameAt = at;
    if (name !== undefined) at += name.length;
    skip();
    if (name === undefined || text[at] !== "=") {
      const rest = to - nameAt;
      fields.push({ name: "", at: nameAt, size: rest, cost: rest, refs: [], literal: undefined });
      return fields;
    }
    at++;
    const field: Field = {
      name: name.toLowerCase(),
      at: nameAt,
      size: 0,
      cost: 0,
      refs: [],
      literal: "",
    };
    let parts = 0;
    for (;;) {
      skip();
      const char = text[at] ?? "";
      const partStart = at;
      if (char === "{" || char === '"') {
        at = char === "{" ? closeBrace(text, at, to) : closeQuote(text, at, to);
        field.size += Math.max(at - partStart - 2, 0);
        field.cost += Math.max(at - partStart - 2, 0);
        field.literal = text.slice(partStart + 1, Math.max(at - 1, partStart + 1));
      } else {
        NAME.lastIndex = at;
        const word = at < to ? NAME.exec(text)?.[0] : undefined;
        if (word === undefined) break;
        at += word.length;
        if (/^\d+$/.test(word)) {
          field.size += word.length;
          field.cost += word.length;
        } else {
          const macro = macroOf(word.toLowerCase());
          field.refs.push({ name: word.toLowerCase(), at: partStart });
          field.size += 1 + macro.size;
          field.cost += 1 + macro.cost;
        }
        field.literal = undefined;
      }
      parts++;
      skip();
      if (text[at] !== "#") break;
      at++;
    }
    if (parts !== 1) field.literal = undefined;
    fields.push(field);
    if (parts === 0) {
      field.size += to - at;
      field.cost += to - at;
      return fields;
    }
  }
}

const count = (size: number) =>
  Number.isFinite(size) ? `${size.toLocaleString("en-US")} characters` : "an unbounded size";

/**
 * Size every macro and entry of a BibTeX file, in file order, and leave out those that would
 * expand past {@link EXPANSION_LIMITS}. Entries that use a left-out macro are left out too,
 * since citation-js would silently print them without it.
 */
export function planExpansion(
  text: string,
  chunks: readonly BibChunk[],
  index: Positions,
): ExpansionPlan {
  const problems: RawProblem[] = [];
  const budget = text.length + EXPANSION_LIMITS.file;
  let spent = 0;
  /** The current definition of each macro: its size and the chunk it comes from. */
  const macros = new Map<string, Macro>();
  const undefinedMacro = { size: UNDEFINED_MACRO_SIZE, cost: UNDEFINED_MACRO_SIZE };
  const macroOf = (name: string) => macros.get(name) ?? undefinedMacro;
  const dependencies = new Map<BibChunk, BibChunk[]>();
  const dropped = new Set<BibChunk>();
  const entryFields = new Map<BibChunk, Field[]>();
  /** Entries that use a left-out macro: the use and the macro whose size was refused. */
  const leftOutUse = new Map<BibChunk, { name: string; at: number; root: Root }>();

  /** The first use of a left-out macro in these fields. */
  const leftOut = (fields: readonly Field[]) => {
    for (const field of fields)
      for (const ref of field.refs) {
        const root = macros.get(ref.name)?.root;
        if (root) return { ...ref, root };
      }
    return undefined;
  };

  const dependsOn = (chunk: BibChunk, fields: readonly Field[]) => {
    const from = new Set<BibChunk>();
    for (const field of fields)
      for (const ref of field.refs) {
        const source = macros.get(ref.name)?.chunk;
        if (source) from.add(source);
      }
    dependencies.set(chunk, [...from]);
  };

  for (const chunk of chunks) {
    const fields = readFields(text, chunk.fieldsStart, chunk.end - 1, macroOf);
    dependsOn(chunk, fields);
    const use = leftOut(fields);
    if (chunk.kind === "entry") {
      entryFields.set(chunk, fields);
      if (use) leftOutUse.set(chunk, use);
      continue;
    }
    const over = fields.find((field) => !(field.size <= EXPANSION_LIMITS.macro));
    const size = fields.reduce((sum, field) => sum + field.cost, 0);
    let root: Root | undefined = use?.root;
    if (!root && (over || spent + size > budget)) {
      // Report the macro that crosses a cap; those that use it are left out with it, quietly.
      root = { name: over?.name ?? chunk.kind, at: over?.at ?? chunk.start };
      const what =
        chunk.kind === "string" ? `The \`@string\` macro \`${root.name}\`` : "The `@preamble`";
      problems.push({
        offset: root.at,
        rule: "bibliography-expansion-limit",
        message: over
          ? `${what} expands to ${count(over.size)}, expected at most ${count(EXPANSION_LIMITS.macro)}: each use of a macro copies its whole text, so macros that use each other grow fast. Write the text out once or shorten it; it and every macro or entry using it are left out until then.`
          : `${what} brings the file's macros past ${count(budget)}, expected at most the file's length plus ${count(EXPANSION_LIMITS.file)}. Use fewer copies of long macros; it and every macro or entry using it are left out until then.`,
      });
    }
    if (root) dropped.add(chunk);
    else spent += size;
    if (chunk.kind === "string") {
      for (const field of fields) {
        if (field.name === "") continue;
        macros.set(
          field.name,
          root
            ? {
                size: Number.POSITIVE_INFINITY,
                cost: Number.POSITIVE_INFINITY,
                chunk: undefined,
                root,
              }
            : {
                size: field.size,
                cost: field.cost + (chunk.end - chunk.start),
                chunk,
                root: undefined,
              },
        );
      }
    }
  }

  // An entry's size includes its crossref parents', which citation-js copies into it.
  const byKey = new Map<string, BibChunk>();
  for (const chunk of entryFields.keys()) if (!byKey.has(chunk.key)) byKey.set(chunk.key, chunk);
  const own = (chunk: BibChunk) =>
    1 + (entryFields.get(chunk) ?? []).reduce((sum, field) => sum + field.cost, 0);
  const parentOf = (chunk: BibChunk) => {
    const crossref = entryFields.get(chunk)?.find((field) => field.name === "crossref")?.literal;
    return crossref === undefined ? undefined : byKey.get(crossref.trim());
  };
  const total = new Map<BibChunk, number>();
  for (const chunk of entryFields.keys()) {
    // Walk up the parent chain to a sized entry or a cycle, then size the chain back down.
    const chain: BibChunk[] = [];
    const onChain = new Set<BibChunk>();
    let next: BibChunk | undefined = chunk;
    while (next && !total.has(next) && !onChain.has(next)) {
      chain.push(next);
      onChain.add(next);
      next = parentOf(next);
    }
    let above = next ? (total.get(next) ?? 0) : 0;
    for (const link of chain.reverse()) {
      above += own(link);
      total.set(link, above);
    }
  }

  let overBudget: RawProblem | undefined;
  let skipped = 0;
  for (const chunk of chunks) {
    if (chunk.kind !== "entry") continue;
    const size = total.get(chunk) ?? 0;
    if (!(size <= EXPANSION_LIMITS.entry)) {
      dropped.add(chunk);
      const bad = leftOutUse.get(chunk);
      problems.push({
        offset: bad?.at ?? chunk.start,
        rule: "bibliography-expansion-limit",
        message: bad
          ? `Entry \`${chunk.key}\` uses the macro \`${bad.name}\`, which is left out${bad.root.name === bad.name ? "" : ` because it builds on \`${bad.root.name}\``} (line ${index.at(bad.root.at).line}), expected macros within the size cap. Shorten that macro; the entry is left out until then.`
          : `Entry \`${chunk.key}\` expands to about ${count(size)} through its macros and crossref parents, expected at most ${count(EXPANSION_LIMITS.entry)}. Write the long text out once or shorten it; the entry is left out until then.`,
      });
    } else if (spent + size > budget) {
      dropped.add(chunk);
      skipped++;
      overBudget ??= {
        offset: chunk.start,
        rule: "bibliography-expansion-limit",
        message: "",
      };
    } else spent += size;
  }
  if (overBudget) {
    overBudget.message = `The entries of this file expand to more than ${count(budget)} from here on (through macros and crossref), expected at most the file's length plus ${count(EXPANSION_LIMITS.file)}. Use fewer copies of long macros or crossref parents; this entry and ${skipped - 1} after it are left out until then.`;
    problems.push(overBudget);
  }

  const kept = chunks.filter((chunk) => !dropped.has(chunk));
  const macrosOf = new Map<BibChunk, BibChunk[]>();
  for (const chunk of kept) {
    if (chunk.kind !== "entry") continue;
    // The macro chunks this entry needs, found once each; at most the entry's size in steps.
    const seen = new Set<BibChunk>();
    const stack = [...(dependencies.get(chunk) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop();
      if (!next || seen.has(next) || dropped.has(next)) continue;
      seen.add(next);
      stack.push(...(dependencies.get(next) ?? []));
    }
    macrosOf.set(
      chunk,
      [...seen].sort((a, b) => a.start - b.start),
    );
  }
  return { kept, macrosOf, problems };
}
