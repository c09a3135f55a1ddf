/**
 * Diagnostics are vfile messages with a rule id, a source and a place. This module creates
 * them with the registry's severity, applies a journal's overrides, and reads them back.
 */
import type { Point, Position } from "unist";
import type { VFile } from "vfile";
import type { VFileMessage } from "vfile-message";
import { type RuleId, rules, type Severity } from "./rules.ts";

/** Where a problem is: a unist point or position (line and column are 1-based). */
export type Place = Point | Position | undefined;

/** A severity, or `off` to silence a rule; the shape of a profile's `severities` map. */
export type SeverityOverride = Severity | "off";

/** Extra fields for a message. */
export interface ReportOptions {
  /** The file the problem is in, when it is not the manuscript (a bibliography, a CSV). */
  file?: string;
  /** Replacement for the offending text, shown as a suggestion. */
  expected?: string[];
  /** Free-form explanation or advice shown after the message. */
  note?: string;
  /** Structured details, copied into the JSON report (the abbreviation rules' `reason`). */
  data?: MessageData;
}

/** Structured details of a message, as strings by name. */
export type MessageData = Readonly<Record<string, string>>;

declare module "vfile-message" {
  interface VFileMessage {
    /** Structured details (see `ReportOptions.data`). */
    data?: MessageData | undefined;
  }
}

function setSeverity(message: VFileMessage, severity: Severity): void {
  // vfile encodes severity in `fatal`: true is an error, false a warning, undefined info.
  message.fatal = severity === "error" ? true : severity === "warning" ? false : undefined;
}

/** Report a problem on `file` under `ruleId`, with the registry's default severity. */
export function report(
  file: VFile,
  ruleId: RuleId,
  reason: string,
  place?: Place,
  options: ReportOptions = {},
): VFileMessage {
  const definition = rules[ruleId];
  const message = file.message(reason, {
    ruleId,
    source: `casepress-${definition.source}`,
    ...(place ? { place } : {}),
  });
  setSeverity(message, definition.severity);
  if (options.file !== undefined) message.file = options.file;
  if (options.expected) message.expected = options.expected;
  if (options.note !== undefined) message.note = options.note;
  if (options.data !== undefined) message.data = options.data;
  return message;
}

/** The severity a message carries. */
export function severityOf(message: VFileMessage): Severity {
  return message.fatal === true ? "error" : message.fatal === false ? "warning" : "info";
}

/**
 * Apply a journal's severity overrides: change the severity of matching messages, and drop the
 * ones whose rule is `off`.
 */
export function applySeverities(
  file: VFile,
  overrides: Partial<Record<string, SeverityOverride>>,
): void {
  file.messages = file.messages.filter((message) => {
    const override = message.ruleId ? overrides[message.ruleId] : undefined;
    if (override === "off") return false;
    if (override) setSeverity(message, override);
    return true;
  });
}

/** Whether any message of the file is an error. */
export function hasErrors(file: VFile): boolean {
  return file.messages.some((message) => message.fatal === true);
}

/** Messages sorted by file, line and column, so output order is stable. */
export function sortedMessages(file: VFile): VFileMessage[] {
  return [...file.messages].sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.ruleId ?? "").localeCompare(b.ruleId ?? ""),
  );
}
