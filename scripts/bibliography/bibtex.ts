/**
 * Reading BibTeX and BibLaTeX. Entries are found here by brace depth, so each has a position
 * and an unclosed brace is reported where it opens; macros are sized before expansion (see
 * bibtex-expansion.ts); citation-js then reads the entries' text as `@biblatex/text`, which
 * keeps `journaltitle` and `shortjournal` (the NLM abbreviation).
 */
import { type BibChunk, planExpansion } from "./bibtex-expansion.ts";
import { toCsl } from "./citation-js.ts";
import {
  errorMessage,
  type Positions,
  positions,
  quote,
  type RawEntry,
  type RawProblem,
  type ReaderResult,
} from "./reader.ts";

const BIB_OPEN = /@[ \t]*([A-Za-z_][\w:+-]*)[ \t\r\n]*([{(])?/y;
const BIB_NEXT_ENTRY = /[ \t]*@[ \t]*[A-Za-z_][\w:+-]*[ \t]*[{(]/y;
const BIB_FIELD_START = /[ \t]*[A-Za-z_][\w:+-]*[ \t]*=/y;
const BIB_KEY = /[ \t\r\n]*([^,\s{}()"#%'=]*)[ \t\r\n]*/y;

const test = (pattern: RegExp, text: string, offset: number): boolean => {
  pattern.lastIndex = offset;
  return pattern.test(text);
};

type BibEnd =
  | { closed: true; end: number }
  | { closed: false; stop: number; braceAt: number; reason: "eof" | "next-entry" | "stray" };

/** Find where an entry whose body starts at `bodyStart` ends, following brace depth. */
function findBibEnd(text: string, bodyStart: number, open: "{" | "("): BibEnd {
  const fieldLevel = open === "{" ? 1 : 0;
  const stack: number[] = open === "{" ? [bodyStart - 1] : [];
  let suspect: number | undefined;
  let inQuote = false;
  for (let at = bodyStart; at < text.length; at++) {
    const char = text[at];
    if (char === "\\") {
      at++;
      continue;
    }
    if (char === "\n") {
      if (test(BIB_NEXT_ENTRY, text, at + 1)) {
        const stop = text.indexOf("@", at + 1);
        return {
          closed: false,
          stop,
          braceAt: suspect ?? stack[stack.length - 1] ?? bodyStart - 1,
          reason: "next-entry",
        };
      }
      // A new `field =` line while a value is still open: that value probably lacks its `}`.
      if (
        suspect === undefined &&
        (stack.length > fieldLevel || inQuote) &&
        test(BIB_FIELD_START, text, at + 1)
      ) {
        suspect = stack[stack.length - 1];
      }
      continue;
    }
    if (char === '"' && stack.length === fieldLevel) inQuote = !inQuote;
    else if (char === "{") stack.push(at);
    else if (char === "}") {
      if (stack.length === 0) return { closed: false, stop: at + 1, braceAt: at, reason: "stray" };
      stack.pop();
      if (open === "{" && stack.length === 0) return { closed: true, end: at + 1 };
    } else if (char === ")" && open === "(" && stack.length === 0 && !inQuote) {
      return { closed: true, end: at + 1 };
    }
  }
  return {
    closed: false,
    stop: text.length,
    braceAt: suspect ?? stack[stack.length - 1] ?? bodyStart - 1,
    reason: "eof",
  };
}

/** Read a BibTeX or BibLaTeX file. */
export function readBibtex(text: string, index: Positions = positions(text)): ReaderResult {
  const problems: RawProblem[] = [];
  const chunks: BibChunk[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const at = text.indexOf("@", cursor);
    if (at === -1) break;
    BIB_OPEN.lastIndex = at;
    const open = BIB_OPEN.exec(text);
    let before = at - 1;
    while (text[before] === " " || text[before] === "\t") before--;
    const atLineStart = before < 0 || text[before] === "\n" || text[before] === "\r";
    if (!open?.[1]) {
      cursor = at + 1;
      continue;
    }
    const type = open[1].toLowerCase();
    if (type === "comment") {
      const end = text.indexOf("\n", at);
      cursor = end === -1 ? text.length : end + 1;
      continue;
    }
    const brace = open[2];
    if (brace !== "{" && brace !== "(") {
      // `@` inside free text (an e-mail address in a comment) is not an entry.
      if (atLineStart) {
        problems.push({
          offset: at,
          rule: "bibliography-malformed",
          message: `Found \`@${open[1]}\` without \`{\`, expected an entry such as \`@${type}{key, title = {…}}\`. Add the opening brace and the key.`,
        });
      }
      cursor = at + open[0].length;
      continue;
    }
    const bodyStart = at + open[0].length;
    let key = "";
    let fieldsStart = bodyStart;
    let keyProblem: string | undefined;
    if (type !== "string" && type !== "preamble") {
      BIB_KEY.lastIndex = bodyStart;
      const keyMatch = BIB_KEY.exec(text);
      key = keyMatch?.[1] ?? "";
      fieldsStart = bodyStart + (keyMatch?.[0].length ?? 0) + 1;
      const after = text[fieldsStart - 1];
      if (key === "") {
        keyProblem = `Found \`@${open[1]}${brace}\` without a key, expected \`@${type}${brace}key,\`. Add a citation key before the first field.`;
      } else if (after !== ",") {
        keyProblem = `Found ${after === undefined ? "the end of the file" : quote(after)} after the key \`${key}\`, expected \`,\` before the first field. Add the comma.`;
      }
    }
    const end = findBibEnd(text, bodyStart, brace);
    if (!end.closed) {
      const field = /([A-Za-z_][\w:+-]*)\s*=\s*$/.exec(
        text.slice(Math.max(0, end.braceAt - 80), end.braceAt),
      )?.[1];
      const name = key === "" ? `\`@${type}\` entry` : `entry \`${key}\``;
      if (end.reason === "stray") {
        problems.push({
          offset: end.braceAt,
          rule: "bibliography-malformed",
          message: `Found a \`}\` that closes nothing in the ${name}, expected the entry to end with \`)\`. Remove the extra brace or balance it.`,
        });
      } else {
        const stop =
          end.reason === "eof"
            ? "the end of the file"
            : `the next entry at line ${index.at(end.stop).line}`;
        problems.push({
          offset: end.braceAt,
          rule: "bibliography-malformed",
          message: `Unclosed \`${text[end.braceAt] === "(" ? "(" : "{"}\` in the ${name}${field ? ` (field \`${field}\`)` : ""}: found ${stop} with the brace still open, expected a matching \`${text[end.braceAt] === "(" ? ")" : "}"}\`. Add the missing brace${field ? " at the end of the field value" : " at the end of the entry"}; the entry is skipped until then.`,
        });
      }
      cursor = Math.max(end.stop, at + 1);
      continue;
    }
    cursor = end.end;
    if (keyProblem !== undefined) {
      problems.push({ offset: at, rule: "bibliography-malformed", message: keyProblem });
      continue;
    }
    chunks.push({
      kind: type === "string" || type === "preamble" ? type : "entry",
      start: at,
      end: end.end,
      fieldsStart,
      key,
    });
  }

  const plan = planExpansion(text, chunks, index);
  problems.push(...plan.problems);
  const wanted = plan.kept.filter((chunk) => chunk.kind === "entry");
  const prose = text.replace(/^[ \t]*(?:%|@comment).*$/gim, "");
  if (chunks.length === 0 && problems.length === 0 && /\S/.test(prose)) {
    problems.push({
      offset: 0,
      rule: "bibliography-malformed",
      message:
        "Found no BibTeX entry, expected entries such as `@article{key, title = {…}}`. Export the references as BibTeX or BibLaTeX.",
    });
  }
  if (wanted.length === 0) return { entries: [], problems };

  /** The whole file in one pass, when citation-js reads it and returns every entry in order. */
  const readWhole = (): Record<string, unknown>[] | undefined => {
    try {
      const parsed = toCsl(
        plan.kept.map((chunk) => text.slice(chunk.start, chunk.end)).join("\n"),
        "@biblatex/text",
      );
      // Entries come back in file order; check it rather than trust it.
      const inOrder = parsed.every(
        (item, position) => item["citation-key"] === wanted[position]?.key,
      );
      return parsed.length === wanted.length && inOrder ? parsed : undefined;
    } catch {
      return undefined; // One entry breaks citation-js's parser: read them one by one to find it.
    }
  };
  const items =
    readWhole() ??
    wanted.map((chunk) => {
      // Only the macros this entry uses, so the work stays in proportion to the file.
      const macros = plan.macrosOf.get(chunk) ?? [];
      const prefix = macros.map((macro) => `${text.slice(macro.start, macro.end)}\n`).join("");
      try {
        return toCsl(prefix + text.slice(chunk.start, chunk.end), "@biblatex/text")[0];
      } catch (error) {
        problems.push(bibSyntaxProblem(error, chunk, prefix, index));
        return undefined;
      }
    });

  const entries: RawEntry[] = [];
  wanted.forEach((chunk, position) => {
    const data = items[position];
    if (!data) return;
    const fields = new Map<string, number>();
    const doi = /(^|[\s,{])doi\s*=/im.exec(text.slice(chunk.start, chunk.end));
    if (doi) fields.set("DOI", chunk.start + doi.index + (doi[1]?.length ?? 0));
    entries.push({ key: chunk.key, data: { ...data, id: chunk.key }, offset: chunk.start, fields });
  });
  return { entries, problems };
}

/** Turn a citation-js BibTeX syntax error ("… at line 3 col 5") into a positioned problem. */
function bibSyntaxProblem(
  error: unknown,
  chunk: BibChunk,
  prefix: string,
  index: Positions,
): RawProblem {
  const message = errorMessage(error);
  const place = /at line (\d+) col (\d+)/.exec(message);
  let offset = chunk.start;
  if (place?.[1] && place[2]) {
    const line = Number(place[1]) - (prefix.match(/\n/g)?.length ?? 0);
    const chunkStart = index.at(chunk.start);
    const fileLine = chunkStart.line + line - 1;
    const column = line === 1 ? chunkStart.column + Number(place[2]) - 1 : Number(place[2]);
    if (line >= 1) offset = index.offset(fileLine, column);
  }
  const detail = (message.split("\n")[0] ?? "").replace(/ at line \d+ col \d+:?$/, "");
  return {
    offset,
    rule: "bibliography-malformed",
    message: `Cannot read the BibTeX entry \`${chunk.key}\`: ${detail}. Expected fields written \`name = {value}\` or \`name = "value"\`, separated by commas; fix the syntax here.`,
  };
}
