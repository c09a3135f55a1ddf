/**
 * Report formats for diagnostics: remark-lint-like text, the JSON contract, GitHub Actions
 * workflow commands, and SARIF 2.1.0 for code-scanning tools.
 */
import type { VFile } from "vfile";
import { casepressVersion } from "../loaders/load-journal.ts";
import { severityOf, sortedMessages } from "./diagnostics.ts";
import { rules, type Severity } from "./rules.ts";

/** One message in the JSON contract. */
export interface JsonMessage {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  rule: string;
  message: string;
  /** Structured details, when the rule gives them (`reason` for the abbreviation rules). */
  data?: Readonly<Record<string, string>>;
}

/** The JSON report (the contract of `check --format json`). */
export interface JsonReport {
  manuscripts: { path: string; messages: JsonMessage[] }[];
  summary: { manuscripts: number; errors: number; warnings: number; infos: number };
}

/** The report formats `check` offers. */
export const reportFormats = ["text", "json", "github", "sarif"] as const;
/** A report format. */
export type ReportFormat = (typeof reportFormats)[number];

/** The JSON report for `files`. */
export function toJsonReport(files: readonly VFile[]): JsonReport {
  const summary = { manuscripts: files.length, errors: 0, warnings: 0, infos: 0 };
  const manuscripts = files.map((file) => ({
    path: file.path,
    messages: sortedMessages(file).map((message): JsonMessage => {
      const severity = severityOf(message);
      if (severity === "error") summary.errors++;
      else if (severity === "warning") summary.warnings++;
      else summary.infos++;
      return {
        file: message.file || file.path,
        line: message.line ?? 1,
        column: message.column ?? 1,
        severity,
        rule: message.ruleId ?? "internal-error",
        message: message.reason,
        ...(message.data ? { data: message.data } : {}),
      };
    }),
  }));
  return { manuscripts, summary };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The summary line ending text output. */
export function summaryLine(report: JsonReport): string {
  const { manuscripts, errors, warnings, infos } = report.summary;
  return `${plural(manuscripts, "manuscript")} checked: ${plural(errors, "error")}, ${plural(warnings, "warning")}, ${plural(infos, "info")}`;
}

/** remark-lint style: `file:line:col  severity  message  rule`, grouped per manuscript. */
export function formatText(report: JsonReport): string {
  const blocks = report.manuscripts
    .filter((manuscript) => manuscript.messages.length > 0)
    .map((manuscript) => {
      const rows = manuscript.messages.map((m) => [
        `${m.file}:${m.line}:${m.column}`,
        m.severity,
        m.message,
        m.rule,
      ]);
      const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
      const lines = rows.map(
        (row) =>
          `  ${row[0]?.padEnd(widths[0] ?? 0)}  ${row[1]?.padEnd(widths[1] ?? 0)}  ${row[2]}  ${row[3]}`,
      );
      return [manuscript.path, ...lines].join("\n");
    });
  return `${[...blocks, summaryLine(report)].join("\n\n")}\n`;
}

function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** GitHub Actions workflow commands: one annotation per message. */
export function formatGithub(report: JsonReport): string {
  const command = { error: "error", warning: "warning", info: "notice" } as const;
  const lines = report.manuscripts.flatMap((manuscript) =>
    manuscript.messages.map(
      (m) =>
        `::${command[m.severity]} file=${escapeProperty(m.file)},line=${m.line},col=${m.column},title=${escapeProperty(m.rule)}::${escapeData(m.message)}`,
    ),
  );
  return `${[...lines, summaryLine(report)].join("\n")}\n`;
}

/** SARIF 2.1.0, for code-scanning dashboards. */
export function formatSarif(report: JsonReport): string {
  const used = [
    ...new Set(report.manuscripts.flatMap((m) => m.messages.map((message) => message.rule))),
  ].sort();
  const level = { error: "error", warning: "warning", info: "note" } as const;
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "casepress",
            version: casepressVersion,
            rules: used.map((id) => ({
              id,
              shortDescription: {
                text: (rules as Record<string, { doc: string } | undefined>)[id]?.doc ?? id,
              },
            })),
          },
        },
        results: report.manuscripts.flatMap((manuscript) =>
          manuscript.messages.map((m) => ({
            ruleId: m.rule,
            level: level[m.severity],
            message: { text: m.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: m.file },
                  region: { startLine: m.line, startColumn: m.column },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** Format `files`' diagnostics in `format`. */
export function formatReport(files: readonly VFile[], format: ReportFormat): string {
  const report = toJsonReport(files);
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "github":
      return formatGithub(report);
    case "sarif":
      return formatSarif(report);
    default:
      return formatText(report);
  }
}
