/**
 * Patient privacy: find the HIPAA Safe Harbor identifiers that slip into case reports (full
 * dates of care, ages over 89, names and initials, record numbers, telephone numbers, e-mail
 * addresses, places smaller than a state) in running text, legends and tables, and the
 * metadata of the images the manuscript shows (people, dates, GPS positions). The patterns
 * are data (`identifiers.json`); this file only applies them. Each finding is a warning
 * (`patient-identifier-*`) that says why it identifies the patient and what to write instead.
 */
import type { Heading, Nodes, Root, TableRow } from "mdast";
import { toString as nodeText } from "mdast-util-to-string";
import type { Point } from "unist";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { report } from "../../diagnostics/diagnostics.ts";
import type { RuleId } from "../../diagnostics/rules.ts";
import type { ImageMetadata } from "../../loaders/resources.ts";
import identifierData from "./identifiers.json" with { type: "json" };

/** One kind of identifier: its rule, the patterns that find it, and the advice. */
export interface IdentifierKind {
  /** The `patient-identifier-*` rule id reported. */
  rule: string;
  /** What was found, for the message: “a full date”. */
  what: string;
  /** Why it identifies the patient. */
  why: string;
  /** What to write instead. */
  instead: string;
  /** Regular expression sources (compiled with `gu`); each starts at a boundary. */
  patterns: string[];
  /** A match is dropped when the text within 80 characters either side matches this. */
  unlessNear?: string;
  /**
   * Table columns whose header matches `header` (case-insensitive): a cell below that matches
   * `cell` is a finding too (an “Age” column holding 93).
   */
  columns?: { header: string; cell: string };
}

/** The identifier data: kinds, sections never scanned, and the image metadata advice. */
export interface IdentifierData {
  /** Headings (case-insensitive, whole) of sections that may hold contact details. */
  exemptSections: string;
  kinds: IdentifierKind[];
  imageMetadata: { rule: string; why: string; instead: string };
}

/** Counts the work of a scan, so a test can prove it linear in the text. */
export interface PrivacyWork {
  /** Characters of text scanned, summed over the patterns. */
  characters: number;
  /** Candidate matches looked at. */
  matches: number;
}

/** Options of `remarkPatientPrivacy`. */
export interface PatientPrivacyOptions {
  /** The identifier patterns and advice (default: the bundled `identifiers.json`). */
  identifiers?: IdentifierData;
  /** Filled with the work done, for linearity tests. */
  work?: PrivacyWork;
}

/** The bundled identifier data. */
export const defaultIdentifiers: IdentifierData = identifierData;

/** How far around a match `unlessNear` looks. */
const nearWindow = 80;

/** The rules this plugin reports; the data's `rule` fields must be among them. */
export const privacyRules = [
  "patient-identifier-date",
  "patient-identifier-age",
  "patient-identifier-name",
  "patient-identifier-record-number",
  "patient-identifier-phone",
  "patient-identifier-email",
  "patient-identifier-place",
  "patient-identifier-image-metadata",
] as const satisfies readonly RuleId[];

type PrivacyRule = (typeof privacyRules)[number];

function privacyRule(id: string): PrivacyRule {
  const known = privacyRules.find((rule) => rule === id);
  if (!known) throw new Error(`Unknown privacy rule \`${id}\` in the identifier data.`);
  return known;
}

/** An identifier kind with its patterns compiled. */
export interface CompiledKind {
  kind: IdentifierKind;
  rule: PrivacyRule;
  patterns: RegExp[];
  unlessNear: RegExp | undefined;
  columns: { header: RegExp; cell: RegExp } | undefined;
}

/** One identifier found in a text. */
export interface Finding {
  index: number;
  text: string;
  kind: CompiledKind;
}

/** Compile the data's patterns (throws on a rule id that is not a privacy rule). */
export function compileIdentifiers(data: IdentifierData): CompiledKind[] {
  return data.kinds.map((kind) => ({
    kind,
    rule: privacyRule(kind.rule),
    patterns: kind.patterns.map((source) => new RegExp(source, "gu")),
    unlessNear: kind.unlessNear ? new RegExp(kind.unlessNear, "u") : undefined,
    columns: kind.columns
      ? { header: new RegExp(kind.columns.header, "iu"), cell: new RegExp(kind.columns.cell, "u") }
      : undefined,
  }));
}

/** Every identifier in `text`, in order of position; overlapping finds of one kind count once. */
export function findIdentifiers(
  text: string,
  kinds: readonly CompiledKind[],
  work: PrivacyWork = { characters: 0, matches: 0 },
): Finding[] {
  const findings: Finding[] = [];
  for (const kind of kinds) {
    const found: Finding[] = [];
    for (const pattern of kind.patterns) {
      pattern.lastIndex = 0;
      work.characters += text.length;
      for (const match of text.matchAll(pattern)) {
        work.matches++;
        const index = match.index;
        if (kind.unlessNear) {
          const around = text.slice(
            Math.max(0, index - nearWindow),
            index + match[0].length + nearWindow,
          );
          work.characters += around.length;
          if (kind.unlessNear.test(around)) continue;
        }
        found.push({ index, text: match[0], kind });
      }
    }
    found.sort((a, b) => a.index - b.index);
    let end = -1;
    for (const finding of found) {
      if (finding.index < end) continue;
      findings.push(finding);
      end = finding.index + finding.text.length;
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}

/** The point `index` characters into `text`, which starts at `start`; walks forward only. */
function pointAfter(text: string, from: number, start: Point, index: number): Point {
  let { line, column } = start;
  for (let at = from; at < index; at++) {
    if (text.charCodeAt(at) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column, offset: (start.offset ?? 0) + index - from };
}

/** Blocks whose source text is scanned: running text, headings, legends and table rows. */
const scannedTypes = new Set(["paragraph", "heading", "tableRow"]);

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

function scanBlock(
  node: Nodes,
  source: string,
  file: VFile,
  kinds: readonly CompiledKind[],
  work: PrivacyWork,
): void {
  const start = node.position?.start;
  const end = node.position?.end;
  if (start?.offset === undefined || end?.offset === undefined) return;
  let text = source.slice(start.offset, end.offset);
  // A row of a CSV table carries its `:::table` directive's place (see remark-tables), not
  // its own text: scan its cells' text and report at the directive.
  const generated = node.type === "tableRow" && text.startsWith(":::");
  if (generated) text = node.children.map((cell) => nodeText(cell)).join(" | ");
  let point: Point = start;
  let from = 0;
  for (const finding of findIdentifiers(text, kinds, work)) {
    if (!generated) point = pointAfter(text, from, point, finding.index);
    from = finding.index;
    const { kind } = finding.kind;
    report(
      file,
      finding.kind.rule,
      `Unexpected ${kind.what}, “${quote(finding.text)}”: ${kind.why}; expected ${kind.instead}.`,
      { line: point.line, column: point.column },
    );
  }
}

/**
 * The rows of a table, header first: a GFM `table`, or the `table` element remark-tables
 * builds (its rows sit in `thead` and `tbody` parts).
 */
function tableRows(node: Nodes): TableRow[] | undefined {
  const isTable = node.type === "table" || node.data?.hName === "table";
  if (!isTable) return undefined;
  const rows: TableRow[] = [];
  visit(node, "tableRow", (row) => {
    rows.push(row);
    return "skip";
  });
  return rows;
}

/** Cells under a column header that marks them (an “Age” column), by the kinds' `columns`. */
function scanColumns(rows: readonly TableRow[], file: VFile, kinds: readonly CompiledKind[]): void {
  const [header, ...body] = rows;
  if (!header) return;
  const headers = header.children.map((cell) => nodeText(cell).trim());
  for (const compiled of kinds) {
    const columns = compiled.columns;
    if (!columns) continue;
    const marked = headers.flatMap((text, index) => (columns.header.test(text) ? [index] : []));
    for (const row of body)
      for (const index of marked) {
        const cell = row.children[index];
        const text = cell ? nodeText(cell).trim() : "";
        if (!cell || !columns.cell.test(text)) continue;
        // The running-text patterns report “93/F” themselves; report each value once.
        if (compiled.patterns.some((pattern) => new RegExp(pattern.source, "u").test(text)))
          continue;
        const { kind } = compiled;
        report(
          file,
          compiled.rule,
          `Unexpected ${kind.what}, “${quote(text)}” in the “${quote(headers[index] ?? "")}” column: ${kind.why}; expected ${kind.instead}.`,
          cell.position?.start ?? row.position?.start,
        );
      }
  }
}

function describeMetadata(metadata: ImageMetadata): string[] {
  const parts: string[] = [];
  if (metadata.people.length > 0)
    parts.push(`a person (${metadata.people.map((name) => `“${quote(name)}”`).join(", ")})`);
  if (metadata.dates.length > 0) parts.push(`a date (${metadata.dates.join(", ")})`);
  if (metadata.gps) parts.push("a GPS position");
  return parts;
}

/**
 * Report patient identifiers in the manuscript body and in the loaded images' metadata
 * (`file.data.resources`, read by the image loader). Sections headed like a correspondence
 * block are skipped; the front matter (author addresses) is never scanned.
 */
export function remarkPatientPrivacy(options: PatientPrivacyOptions = {}) {
  const data = options.identifiers ?? defaultIdentifiers;
  const kinds = compileIdentifiers(data);
  const exempt = new RegExp(data.exemptSections, "iu");
  const imageRule = privacyRule(data.imageMetadata.rule);
  return (tree: Root, file: VFile): void => {
    const source = String(file.value);
    const work = options.work ?? { characters: 0, matches: 0 };
    let skipBelow = 0; // depth of the exempt heading being skipped; 0 when none
    for (const child of tree.children) {
      if (child.type === "heading") {
        if (skipBelow > 0 && child.depth <= skipBelow) skipBelow = 0;
        if (skipBelow === 0 && exempt.test(headingText(child))) skipBelow = child.depth;
      }
      if (skipBelow > 0) continue;
      visit(child, (node) => {
        const rows = tableRows(node);
        if (rows) scanColumns(rows, file, kinds);
        if (!scannedTypes.has(node.type)) return undefined;
        scanBlock(node, source, file, kinds, work);
        return "skip";
      });
    }
    const images = file.data.resources?.images;
    if (!images) return;
    const reported = new Set<string>();
    visit(tree, "image", (node) => {
      const image = images.get(node.url);
      if (image?.status !== "ok" || !image.metadata || reported.has(node.url)) return;
      const parts = describeMetadata(image.metadata);
      if (parts.length === 0) return;
      reported.add(node.url);
      report(
        file,
        imageRule,
        `Unexpected metadata in \`${node.url}\` naming ${parts.join(", ")}: ${data.imageMetadata.why}; expected an image without them; ${data.imageMetadata.instead}.`,
        node.position,
      );
    });
  };
}

function headingText(heading: Heading): string {
  return nodeText(heading).trim().replace(/\s+/g, " ");
}
