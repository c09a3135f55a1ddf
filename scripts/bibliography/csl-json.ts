/**
 * Reading CSL-JSON. `JSON.parse` builds the values; a small scanner walks the same text to find
 * where each entry and member name is, and where the first syntax error is, so every problem
 * has a line and column. citation-js only sees the parsed objects, never the text.
 */
import { toCsl } from "./citation-js.ts";
import {
  describeKind,
  errorMessage,
  isRecord,
  type Positions,
  positions,
  quote,
  type RawEntry,
  type RawProblem,
  type ReaderResult,
} from "./reader.ts";

interface JsonElement {
  start: number;
  /** Offsets of the element's member names, when it is an object (the last one wins, as in JSON.parse). */
  members: Map<string, number>;
}

type JsonScan =
  | { ok: true; topStart: number; elements: JsonElement[] }
  | { ok: false; offset: number; found: string; expected: string; hint?: string };

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return "the end of the file";
  const char = text[offset] ?? "";
  if (char === "\n" || char === "\r") return "a line break";
  const word = /[A-Za-z_$][\w$]*/y;
  word.lastIndex = offset;
  const match = word.exec(text);
  return match ? quote(match[0], 20) : `\`${char}\``;
}

/**
 * Walk JSON text without building values, to find where each element of a top-level array
 * and each member name of those elements is, and where the first syntax error is. Iterative,
 * so deeply nested input cannot overflow the stack.
 */
function scanJson(text: string, index: Positions): JsonScan {
  const length = text.length;
  const stack: ("[" | "{")[] = [];
  const elements: JsonElement[] = [];
  let current: JsonElement | undefined;
  let topStart = 0;
  let offset = 0;
  let state: "value" | "value-or-end" | "name" | "name-or-end" | "colon" | "after-value" = "value";
  let afterComma = false;

  const fail = (expected: string, hint?: string): JsonScan => ({
    ok: false,
    offset,
    found: describeAt(text, offset),
    expected,
    ...(hint === undefined ? {} : { hint }),
  });

  /** Scan a string starting at `offset`; returns its end or a failure. */
  const scanString = (): number | JsonScan => {
    const start = offset;
    let at = offset + 1;
    while (at < length) {
      const code = text.charCodeAt(at);
      if (code === 0x22) return at + 1;
      if (code === 0x5c) {
        const escaped = text[at + 1] ?? "";
        if ('"\\/bfnrt'.includes(escaped) && escaped !== "") at += 2;
        else if (escaped === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) at += 6;
        else {
          offset = at + 1;
          return fail('a valid escape such as `\\n`, `\\"` or `\\u00e9` after the backslash');
        }
        continue;
      }
      if (code < 0x20) {
        offset = at;
        const where = index.at(start);
        return fail(
          `\`"\` to close the string opened at line ${where.line}, column ${where.column}`,
          "A JSON string cannot contain a line break or control character; write it as `\\n`.",
        );
      }
      at++;
    }
    offset = length;
    const where = index.at(start);
    return fail(`\`"\` to close the string opened at line ${where.line}, column ${where.column}`);
  };

  for (;;) {
    while (offset < length) {
      const code = text.charCodeAt(offset);
      if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) offset++;
      else break;
    }
    const char = text[offset];

    if (state === "value" || state === "value-or-end") {
      if (state === "value-or-end" && char === "]") {
        offset++;
        stack.pop();
        state = "after-value";
        continue;
      }
      if (stack.length === 0) topStart = offset;
      else if (stack.length === 1 && stack[0] === "[") {
        current = { start: offset, members: new Map() };
        elements.push(current);
      }
      if (char === "{") {
        stack.push("{");
        offset++;
        state = "name-or-end";
      } else if (char === "[") {
        stack.push("[");
        offset++;
        state = "value-or-end";
      } else if (char === '"') {
        const end = scanString();
        if (typeof end !== "number") return end;
        offset = end;
        state = "after-value";
      } else if (char !== undefined && /[-0-9]/.test(char)) {
        JSON_NUMBER.lastIndex = offset;
        const match = JSON_NUMBER.exec(text);
        if (!match) return fail("a number");
        offset += match[0].length;
        state = "after-value";
      } else if (text.startsWith("true", offset) || text.startsWith("null", offset)) {
        offset += 4;
        state = "after-value";
      } else if (text.startsWith("false", offset)) {
        offset += 5;
        state = "after-value";
      } else {
        return fail(
          "a value (an object, array, string, number, `true`, `false` or `null`)",
          afterComma && char === "]"
            ? "Remove the comma before it: JSON does not allow a trailing comma."
            : char === "'"
              ? "JSON strings use double quotes."
              : undefined,
        );
      }
      afterComma = false;
      continue;
    }

    if (state === "name" || state === "name-or-end") {
      if (state === "name-or-end" && char === "}") {
        offset++;
        stack.pop();
        state = "after-value";
        continue;
      }
      if (char !== '"') {
        return fail(
          "a property name in double quotes",
          afterComma && char === "}"
            ? "Remove the comma before it: JSON does not allow a trailing comma."
            : undefined,
        );
      }
      const start = offset;
      const end = scanString();
      if (typeof end !== "number") return end;
      if (stack.length === 2 && stack[0] === "[" && current) {
        const name: unknown = JSON.parse(text.slice(start, end));
        if (typeof name === "string") current.members.set(name, start);
      }
      offset = end;
      state = "colon";
      afterComma = false;
      continue;
    }

    if (state === "colon") {
      if (char !== ":") return fail("`:` after the property name");
      offset++;
      state = "value";
      continue;
    }

    // after-value
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (offset >= length) return { ok: true, topStart, elements };
      return fail(
        "the end of the file",
        "Only one top-level value is allowed: the array of entries.",
      );
    }
    if (char === ",") {
      offset++;
      state = top === "[" ? "value" : "name";
      afterComma = true;
    } else if ((top === "[" && char === "]") || (top === "{" && char === "}")) {
      offset++;
      stack.pop();
    } else if (top === "[") {
      return fail(
        "`,` or `]` after an array element",
        char === "{" ? "Add a comma between the entries." : undefined,
      );
    } else {
      return fail(
        "`,` or `}` after a property value",
        char === '"' ? "Add a comma between the properties." : undefined,
      );
    }
  }
}

/** The offset in a JSON.parse error message, when the engine gives one. */
function jsonParseOffset(message: string, index: Positions): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position?.[1]) return Number(position[1]);
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn?.[1] && lineColumn[2]) {
    return index.offset(Number(lineColumn[1]), Number(lineColumn[2]));
  }
  return undefined;
}

/** Read a CSL-JSON file: an array of entry objects. */
export function readCslJson(text: string, index: Positions = positions(text)): ReaderResult {
  const problems: RawProblem[] = [];
  const scan = scanJson(text, index);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reported = jsonParseOffset(errorMessage(error), index);
    if (scan.ok) {
      // The scanner accepted what JSON.parse refused: trust JSON.parse's words.
      const short = errorMessage(error).replace(/,\s*".*" is not valid JSON$/s, "");
      problems.push({
        offset: reported ?? 0,
        rule: "bibliography-malformed",
        message: `Malformed JSON: ${short}. Expected a JSON array of CSL-JSON entries; fix the syntax here.`,
      });
    } else {
      problems.push({
        offset: reported ?? scan.offset,
        rule: "bibliography-malformed",
        message: `Malformed JSON: found ${scan.found}, expected ${scan.expected}. ${scan.hint ?? "Fix the JSON syntax here."}`,
      });
    }
    return { entries: [], problems };
  }

  const elements = scan.ok ? scan.elements : [];
  const topStart = scan.ok ? scan.topStart : 0;
  if (!Array.isArray(value)) {
    problems.push({
      offset: topStart,
      rule: "bibliography-malformed",
      message: `Found ${describeKind(value)} at the top of the file, expected an array of CSL-JSON entries (\`[{"id": "…", "type": "…"}, …]\`). ${isRecord(value) ? "Wrap the entry in `[` and `]`." : "Export the references as CSL-JSON."}`,
    });
    return { entries: [], problems };
  }

  const entries: RawEntry[] = [];
  value.forEach((element: unknown, position) => {
    const info = elements[position];
    const start = info?.start ?? topStart;
    if (!isRecord(element)) {
      problems.push({
        offset: start,
        rule: "bibliography-malformed",
        message: `Entry ${position + 1} is ${describeKind(element)}, expected an object with an \`id\` and a \`type\`. Replace it with a CSL-JSON entry or remove it.`,
      });
      return;
    }
    const id = element.id;
    const key =
      typeof id === "number" && Number.isFinite(id)
        ? String(id)
        : typeof id === "string"
          ? id.trim()
          : "";
    if (key === "") {
      const idAt = info?.members.get("id");
      problems.push({
        offset: idAt ?? start,
        rule: "bibliography-malformed",
        message:
          id === undefined
            ? `Entry ${position + 1} has no \`id\`, expected a citation key such as \`"id": "reiter2011"\`. Add one; the entry is skipped until then.`
            : `Entry ${position + 1} has the \`id\` ${JSON.stringify(id)}, expected a non-empty string such as \`"reiter2011"\`. Fix it; the entry is skipped until then.`,
      });
      return;
    }
    entries.push({
      key,
      data: { ...element, id: key },
      offset: info?.members.get("id") ?? start,
      fields: info?.members ?? new Map(),
    });
  });

  // Hand the parsed objects (never the text) to citation-js, which upgrades older CSL-JSON.
  try {
    const upgraded = toCsl(
      entries.map((entry) => entry.data),
      "@csl/list+object",
    );
    upgraded.forEach((data, position) => {
      const entry = entries[position];
      if (entry) entry.data = data;
    });
  } catch {
    // Keep the objects as written; normalisation reports any bad field.
  }
  return { entries, problems };
}
