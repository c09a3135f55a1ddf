/**
 * Report formats for a filled checklist (`check --checklist care`): text before the usual
 * diagnostics, the JSON contract extended with a `checklist` per manuscript, and the Markdown
 * table authors attach to a submission.
 */
import type { VFile } from "vfile";
import type { ChecklistEntry, ChecklistResult } from "../transforms/remark-care-checklist.ts";
import { formatText, type JsonMessage, toJsonReport } from "./format-messages.ts";

/** One checklist item in the JSON contract. */
export interface JsonChecklistItem {
  number: number;
  id: string;
  topic: string;
  status: "covered" | "missing";
  /** Where it is covered: the section heading or “front matter”, and the line and column. */
  section?: string;
  line?: number;
  column?: number;
  via?: "front matter" | "heading" | "text";
}

/** The JSON report with the checklist (the contract of `check --checklist care --format json`). */
export interface JsonChecklistReport {
  manuscripts: {
    path: string;
    messages: JsonMessage[];
    checklist: { name: string; items: JsonChecklistItem[] } | null;
  }[];
  summary: { manuscripts: number; errors: number; warnings: number; infos: number };
}

/** The checklist formats `check --checklist` offers. */
export const checklistFormats = ["text", "json", "markdown"] as const;
/** A checklist format. */
export type ChecklistFormat = (typeof checklistFormats)[number];

function jsonItem(entry: ChecklistEntry): JsonChecklistItem {
  return {
    number: entry.number,
    id: entry.id,
    topic: entry.topic,
    status: entry.covered ? "covered" : "missing",
    ...(entry.section !== undefined ? { section: entry.section } : {}),
    ...(entry.line !== undefined ? { line: entry.line } : {}),
    ...(entry.column !== undefined ? { column: entry.column } : {}),
    ...(entry.via !== undefined ? { via: entry.via } : {}),
  };
}

function checklistOf(file: VFile): ChecklistResult | undefined {
  return file.data.careChecklist;
}

/** The JSON report of `files` with each one's filled checklist (null when it was not filled). */
export function toJsonChecklistReport(files: readonly VFile[]): JsonChecklistReport {
  const report = toJsonReport(files);
  return {
    manuscripts: report.manuscripts.map((manuscript, index) => {
      const checklist = files[index] ? checklistOf(files[index]) : undefined;
      return {
        ...manuscript,
        checklist: checklist
          ? { name: checklist.name, items: checklist.entries.map(jsonItem) }
          : null,
      };
    }),
    summary: report.summary,
  };
}

function where(entry: ChecklistEntry): string {
  if (!entry.covered) return "missing";
  return `${entry.section ?? ""}, line ${entry.line ?? 1}`;
}

/** Text: per manuscript, one line per item (`5  Patient information  Case report, line 60`). */
export function formatChecklistText(files: readonly VFile[]): string {
  const blocks = files.map((file) => {
    const checklist = checklistOf(file);
    if (!checklist) return `${file.path}: no ${"checklist"} (the manuscript did not compile)`;
    const width = Math.max(...checklist.entries.map((entry) => entry.topic.length));
    const rows = checklist.entries.map(
      (entry) =>
        `  ${String(entry.number).padStart(2)}  ${entry.topic.padEnd(width)}  ${where(entry)}`,
    );
    return [`${file.path}: ${checklist.name} checklist`, ...rows].join("\n");
  });
  return `${blocks.join("\n\n")}\n\n${formatText(toJsonReport(files))}`;
}

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\s+/g, " ");
}

/**
 * Markdown: per manuscript, the filled checklist table to attach to a submission. `nameOf` gives
 * the name each manuscript is headed with (its path by default).
 */
export function formatChecklistMarkdown(
  files: readonly VFile[],
  nameOf: (file: VFile) => string = (file) => file.path,
): string {
  const blocks = files.map((file) => {
    const checklist = checklistOf(file);
    if (!checklist)
      return `## ${cell(nameOf(file))}\n\nThe manuscript did not compile; fix its errors first.`;
    const rows = checklist.entries.map((entry) => {
      const reported = entry.covered
        ? `${cell(entry.section ?? "")}, line ${entry.line ?? 1}`
        : "Missing";
      return `| ${entry.number} | ${cell(entry.topic)} | ${cell(entry.description)} | ${reported} |`;
    });
    return [
      `## ${checklist.name} checklist: ${cell(nameOf(file))}`,
      "",
      "| Item | Topic | Checklist item | Reported in (section, line) |",
      "| --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}

/** Format `files`' filled checklists in `format`. */
export function formatChecklist(files: readonly VFile[], format: ChecklistFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(toJsonChecklistReport(files), null, 2)}\n`;
    case "markdown":
      return formatChecklistMarkdown(files);
    default:
      return formatChecklistText(files);
  }
}
