/**
 * Reading RIS. Records are found line by line here, so each has a position and a broken one
 * is reported where it starts; citation-js then reads the records' text as `@ris/file`.
 */
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

const RIS_TAG = /^([A-Z][A-Z0-9]) {2}-(?: (.*)|\s*)$/;

interface RisRecord {
  start: number;
  lines: string[];
  id: string | undefined;
  doiAt: number | undefined;
}

/** Read an RIS file: records from `TY  - ` to `ER  - `. */
export function readRis(text: string, index: Positions = positions(text)): ReaderResult {
  const problems: RawProblem[] = [];
  const records: RisRecord[] = [];
  let current: RisRecord | undefined;
  let lastTag: string | undefined;
  let junkReported = false;
  let offset = 0;
  for (const line of text.split("\n")) {
    const lineOffset = offset;
    offset += line.length + 1;
    const trimmed = line.trim();
    const indent = line.length - line.trimStart().length;
    if (trimmed === "") continue;
    const tag = RIS_TAG.exec(trimmed);
    if (!tag?.[1]) {
      if (current && lastTag !== undefined) {
        current.lines.push(trimmed); // A continuation of the previous tag's value.
      } else if (!junkReported) {
        junkReported = true;
        problems.push({
          offset: lineOffset + indent,
          rule: "bibliography-malformed",
          message: `Found ${quote(trimmed)} ${current ? "before any tag of the record" : "outside a record"}, expected an RIS line such as \`TY  - JOUR\` (two capitals, two spaces, a hyphen, a space, the value). Fix the line or remove it.`,
        });
      }
      continue;
    }
    junkReported = false;
    const name = tag[1];
    const value = (tag[2] ?? "").trim();
    if (name === "TY") {
      if (current) {
        problems.push({
          offset: current.start,
          rule: "bibliography-malformed",
          message: `The record starting here has no \`ER  - \` line: found the next \`TY\` at line ${index.at(lineOffset).line}, expected \`ER  - \` to end this record first. Add it.`,
        });
        records.push(current);
      }
      current = { start: lineOffset + indent, lines: [trimmed], id: undefined, doiAt: undefined };
      lastTag = name;
      continue;
    }
    if (name === "ER") {
      if (current) records.push(current);
      else {
        problems.push({
          offset: lineOffset + indent,
          rule: "bibliography-malformed",
          message:
            "Found `ER  - ` outside a record, expected it only to end a record that began with `TY  - `. Remove it or add the missing `TY` line.",
        });
      }
      current = undefined;
      lastTag = undefined;
      continue;
    }
    if (!current) {
      problems.push({
        offset: lineOffset + indent,
        rule: "bibliography-malformed",
        message: `Found the tag \`${name}\` outside a record, expected every record to begin with \`TY  - \` (such as \`TY  - JOUR\`). Add the \`TY\` line or move the tag into a record.`,
      });
      continue;
    }
    if (name === "ID" && current.id === undefined && value !== "") current.id = value;
    if (name === "DO" && current.doiAt === undefined) current.doiAt = lineOffset + indent;
    current.lines.push(trimmed);
    lastTag = name;
  }
  if (current) {
    problems.push({
      offset: current.start,
      rule: "bibliography-malformed",
      message:
        "The record starting here has no `ER  - ` line: found the end of the file, expected `ER  - ` to end the record. Add it.",
    });
    records.push(current);
  }
  if (records.length === 0 && problems.length === 0 && text.trim() !== "") {
    problems.push({
      offset: 0,
      rule: "bibliography-malformed",
      message:
        "Found no RIS record, expected records that begin with `TY  - ` and end with `ER  - `. Export the references as RIS.",
    });
  }
  if (records.length === 0) return { entries: [], problems };

  const recordText = (record: RisRecord): string => `${record.lines.join("\n")}\nER  - \n`;
  /** All records in one pass, when citation-js reads them and returns one item for each. */
  const readWhole = (): Record<string, unknown>[] | undefined => {
    try {
      const parsed = toCsl(records.map(recordText).join("\n"), "@ris/file");
      return parsed.length === records.length ? parsed : undefined;
    } catch {
      return undefined; // Read the records one by one to find the one that fails.
    }
  };
  const items =
    readWhole() ??
    records.map((record) => {
      try {
        return toCsl(recordText(record), "@ris/file")[0];
      } catch (error) {
        problems.push({
          offset: record.start,
          rule: "bibliography-malformed",
          message: `Cannot read the RIS record starting here: ${errorMessage(error)}. Expected \`TAG  - value\` lines; fix the record.`,
        });
        return undefined;
      }
    });

  const entries: RawEntry[] = [];
  records.forEach((record, position) => {
    const data = items[position];
    if (!data) return;
    const key = record.id ?? `ris-${position + 1}`;
    const fields = new Map<string, number>();
    if (record.doiAt !== undefined) fields.set("DOI", record.doiAt);
    entries.push({ key, data: { ...data, id: key }, offset: record.start, fields });
  });
  return { entries, problems };
}
