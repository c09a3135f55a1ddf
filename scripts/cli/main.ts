/**
 * The `casepress` command line. It only parses arguments and calls the library; see
 * `build.ts` and `check.ts`. Exit codes: 0 clean, 1 a manuscript has errors (or warnings with
 * `--strict`), 2 a usage or environment error.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { VFile } from "vfile";
import { hasErrors } from "../diagnostics/diagnostics.ts";
import {
  type ChecklistFormat,
  checklistFormats,
  formatChecklist,
} from "../diagnostics/format-checklist.ts";
import {
  formatReport,
  type ReportFormat,
  reportFormats,
  toJsonReport,
} from "../diagnostics/format-messages.ts";
import { rules } from "../diagnostics/rules.ts";
import { casepressVersion } from "../loaders/load-journal.ts";
import { displayPath } from "../loaders/load-manuscript.ts";
import { startBackgroundPrinter } from "../pdf/pdf-printer.ts";
import { runAbbreviationsCommand } from "./abbreviations.ts";
import {
  type BuildOptions,
  type BuildResult,
  buildManuscript,
  type OutputFormat,
} from "./build.ts";
import { checkManuscripts, expandInputs, parseShard, selectShard } from "./check.ts";

const help = `casepress ${casepressVersion}: publish medical case reports from Markdown

Usage:
  casepress build [manuscript.md|folder…] [options]   write HTML (and PDF) into --out
  casepress check <paths|folders|globs…> [options]     run every check, write nothing
  casepress package [manuscript.md] [options]          check, then write <out>/<name>-submission/
                                                       and its .zip (DOCX, figures, proof PDF, manifest)
  casepress preview [manuscript.md] [options]          serve a live draft on http://127.0.0.1:<port>/
  casepress rules                                      list every rule id with its severity
  casepress abbreviations <manuscript.md> [--write]    print the abbreviations: block the text's definitions imply

Build options:
  -o, --out <dir>            output folder (default: dist)
  -f, --format <list>        html, pdf, docx, jats (JATS XML), comma-separated (default: html,pdf)
  -j, --journal <id>         journal folder under templates/ (default: front matter, then jaad-case-reports)
      --root <dir>           the manuscript's root; files it names must lie inside
      --version-label <text> preprint version label (default: $CASEPRESS_VERSION_LABEL, $GITHUB_SHA)
  -w, --watch                rebuild one manuscript whenever it or a file it names changes
      --draft                write the output despite errors, each problem marked in place,
                             with a DRAFT mark (the exit code is still 1)

Preview options (and -o, -f, -j, --root, --version-label as for build):
      --port <n>             port on 127.0.0.1 (default: 4321, or the next free one)

Package options: -o, -j, --root and --version-label as for build.

Check options:
  -f, --format <format>      text, json, github or sarif (default: text);
                             with --checklist: text, json or markdown (the filled table)
      --checklist care       fill the CARE checklist: where each item is covered, or missing
      --strict               fail on warnings too
      --shard <i/n>          check only shard i of n of the sorted batch
  -j, --journal <id>         journal override
      --root <dir>           the manuscripts' root

  -h, --help                 show this help
  -v, --version              show the version

Exit codes: 0 clean, 1 errors found (or warnings with --strict), 2 usage or environment error.
`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

function parseFormats(value: string | undefined): OutputFormat[] {
  const formats = (value ?? "html,pdf")
    .split(",")
    .map((format) => format.trim())
    .filter(Boolean);
  if (formats.length === 0) fail("Empty --format, expected html, pdf or html,pdf.");
  for (const format of formats)
    if (format !== "html" && format !== "pdf" && format !== "docx" && format !== "jats")
      fail(
        `Unknown build format \`${format}\`, expected html, pdf, docx or jats, comma-separated.`,
      );
  if (!formats.includes("html") && formats.includes("pdf")) formats.unshift("html");
  return formats as OutputFormat[];
}

function writeDiagnostics(files: readonly VFile[]): void {
  const withMessages = files.filter((file) => file.messages.length > 0);
  if (withMessages.length > 0) process.stderr.write(formatReport(withMessages, "text"));
}

function progress(done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}${done === total ? "\n" : ""}`,
  );
}

/** Refuse a `--root` that is not an existing folder. */
async function checkRoot(root: string | undefined): Promise<void> {
  if (root === undefined) return;
  if (root === "") fail("Empty --root, expected the manuscript's root folder.");
  const info = await stat(resolve(root)).catch(() => undefined);
  if (!info?.isDirectory())
    fail(
      `Invalid --root \`${root}\`: ${info ? "not a folder" : "no such folder"}; name an existing folder.`,
    );
}

/** The options `build`, `preview` and `package` share: where, what, which journal, which root. */
const outputOptions = {
  out: { type: "string", short: "o" },
  format: { type: "string", short: "f" },
  journal: { type: "string", short: "j" },
  root: { type: "string" },
  "version-label": { type: "string" },
} as const;

/** Resolve when the user stops a long-running command (Ctrl-C or SIGTERM). */
function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}

async function runBuild(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...outputOptions,
      watch: { type: "boolean", short: "w" },
      draft: { type: "boolean" },
    },
  });
  const formats = parseFormats(values.format);
  await checkRoot(values.root);
  const { files, unmatched } = await expandInputs(
    positionals.length > 0 ? positionals : ["manuscript"],
  );
  if (unmatched.length > 0)
    fail(`No manuscript found at ${unmatched.map((input) => `\`${input}\``).join(", ")}.`);
  const buildOptions = {
    outDir: values.out ?? "dist",
    formats,
    ...(values.journal ? { journal: values.journal } : {}),
    ...(values.root ? { root: values.root } : {}),
    ...(values["version-label"] ? { versionLabel: values["version-label"] } : {}),
    ...(values.draft ? { draft: true } : {}),
  };
  if (values.watch) {
    const [only, ...others] = files;
    if (only === undefined || others.length > 0) fail("--watch takes exactly one manuscript.");
    return runWatch(only, buildOptions);
  }
  // The browser boots while the manuscripts compile; its result is read once the builds are done.
  const printer = formats.includes("pdf") ? startBackgroundPrinter() : undefined;
  // With PDFs, the next manuscript compiles while earlier ones print (the renderer keeps two
  // pages busy); results keep the order of `files`. HTML alone gains nothing from overlap.
  const results: BuildResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      const path = files[index];
      if (path === undefined) return;
      results[index] = await buildManuscript(path, buildOptions, printer);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: printer ? 3 : 1 }, worker));
  const created = await printer?.started.catch((error: unknown) => ({ error }));
  if (created && "close" in created) await created.close();
  const finished = results.filter((result) => result !== undefined);
  // Diagnostics of the manuscripts that finished are shown even when another one failed.
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) writeDiagnostics(finished.map((result) => result.file));
  if (failed?.status === "rejected") throw failed.reason;
  if (created && "error" in created) throw created.error;
  writeDiagnostics(results.map((result) => result.file));
  for (const result of results)
    for (const output of result.outputs)
      if (!output.includes("_files/")) process.stdout.write(`wrote ${displayPath(output)}\n`);
  // A failure of the machine (no browser, a bad SOURCE_DATE_EPOCH) is exit 2, as usage errors.
  const environmentFailed = results.some((result) =>
    result.file.messages.some(
      (message) => message.fatal === true && message.source === "casepress-environment",
    ),
  );
  if (environmentFailed) return 2;
  if (results.some((result) => hasErrors(result.file))) return 1;
  return 0;
}

async function runPackage(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      journal: { type: "string", short: "j" },
      root: { type: "string" },
      "version-label": { type: "string" },
    },
  });
  const { files, unmatched } = await expandInputs(
    positionals.length > 0 ? positionals : ["manuscript"],
  );
  if (unmatched.length > 0)
    fail(`No manuscript found at ${unmatched.map((input) => `\`${input}\``).join(", ")}.`);
  const [only, ...others] = files;
  if (only === undefined || others.length > 0) fail("package takes exactly one manuscript.");
  const { packageManuscript } = await import("../package/package-submission.ts");
  const printer = startBackgroundPrinter();
  let result: Awaited<ReturnType<typeof packageManuscript>>;
  try {
    result = await packageManuscript(
      only,
      {
        outDir: values.out ?? "dist",
        ...(values.journal ? { journal: values.journal } : {}),
        ...(values.root ? { root: values.root } : {}),
        ...(values["version-label"] ? { versionLabel: values["version-label"] } : {}),
      },
      printer,
    );
  } finally {
    const created = await printer.started.catch(() => undefined);
    if (created && "close" in created) await created.close();
  }
  writeDiagnostics([result.file]);
  // A failure of the machine (no browser, a bad SOURCE_DATE_EPOCH) is exit 2, as for build.
  if (
    result.file.messages.some(
      (message) => message.fatal === true && message.source === "casepress-environment",
    )
  )
    return 2;
  if (hasErrors(result.file)) return 1;
  if (result.proofMissing) {
    const created = await printer.started.catch((error: unknown) => ({ help: String(error) }));
    const help = "help" in created ? created.help : "the PDF printer returned nothing";
    process.stderr.write(`casepress: cannot write the proof PDF, so no package: ${help}\n`);
    return 2;
  }
  if (result.directory) process.stdout.write(`wrote ${displayPath(result.directory)}/\n`);
  if (result.zip) process.stdout.write(`wrote ${displayPath(result.zip)}\n`);
  return 0;
}

/** Rebuild on every change until Ctrl-C; resolves to 0 when stopped. */
async function runWatch(path: string, options: BuildOptions): Promise<number> {
  const { watchManuscript } = await import("./watch.ts");
  const handle = await watchManuscript(path, options, (build) => {
    writeDiagnostics([build.file]);
    const html = build.outputs.find((output) => output.endsWith(".html"));
    const verdict = html
      ? `rebuilt ${displayPath(html)} in ${Math.round(build.durationMs)} ms`
      : "not rebuilt: fix the errors above";
    process.stderr.write(`${verdict}; watching for changes (Ctrl-C to stop)\n`);
  });
  await untilInterrupted();
  await handle.close();
  return 0;
}

async function runAbbreviations(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { write: { type: "boolean" } },
  });
  const [path, ...others] = positionals;
  if (path === undefined || others.length > 0)
    fail("Expected one manuscript: casepress abbreviations <manuscript.md> [--write].");
  const result = await runAbbreviationsCommand(path, { write: values.write === true });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.code;
}

/** `casepress preview`: serve a live draft until Ctrl-C; resolves to 0 when stopped. */
async function runPreview(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...outputOptions,
      port: { type: "string" },
    },
  });
  const formats = parseFormats(values.format);
  await checkRoot(values.root);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535)
      fail(`Invalid --port \`${values.port}\`, expected a number from 0 to 65535.`);
  }
  const { files, unmatched } = await expandInputs(
    positionals.length > 0 ? positionals : ["manuscript"],
  );
  if (unmatched.length > 0)
    fail(`No manuscript found at ${unmatched.map((input) => `\`${input}\``).join(", ")}.`);
  const [only, ...others] = files;
  if (only === undefined || others.length > 0) fail("preview takes exactly one manuscript.");
  const { startLivePreview } = await import("../preview/live-preview.ts");
  const { PortInUseError } = await import("../preview/server.ts");
  let preview: Awaited<ReturnType<typeof startLivePreview>>;
  try {
    preview = await startLivePreview(only, {
      outDir: values.out ?? "dist",
      formats,
      ...(values.journal ? { journal: values.journal } : {}),
      ...(values.root ? { root: values.root } : {}),
      ...(values["version-label"] ? { versionLabel: values["version-label"] } : {}),
      ...(port !== undefined ? { port } : {}),
      onBuild: (build, state) => {
        writeDiagnostics([build.file]);
        const verdict = state.written
          ? `rebuilt in ${Math.round(build.durationMs)} ms${state.errors > 0 ? ` as a draft with ${state.errors} error${state.errors === 1 ? "" : "s"}` : ""}`
          : "not rebuilt: fix the errors above";
        process.stderr.write(`${verdict}; watching for changes (Ctrl-C to stop)\n`);
      },
      onError: (error) =>
        process.stderr.write(`casepress: rebuild failed: ${(error as Error).message}\n`),
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      process.stderr.write(`casepress: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  process.stdout.write(`Preview: ${preview.url}\n`);
  await untilInterrupted();
  await preview.close();
  return 0;
}

async function runCheck(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: "string", short: "f" },
      strict: { type: "boolean" },
      shard: { type: "string" },
      journal: { type: "string", short: "j" },
      root: { type: "string" },
      checklist: { type: "string" },
    },
  });
  await checkRoot(values.root);
  if (values.checklist !== undefined && values.checklist !== "care")
    fail(`Unknown checklist \`${values.checklist}\`, expected care.`);
  const checklist = values.checklist;
  const format = (values.format ?? "text") as ReportFormat | ChecklistFormat;
  const known: readonly string[] = checklist ? checklistFormats : reportFormats;
  if (!known.includes(format))
    fail(
      `Unknown report format \`${values.format}\`, expected ${known.join(", ")}${checklist ? " with --checklist" : ""}.`,
    );
  if (positionals.length === 0)
    fail(
      "Name at least one manuscript, folder or glob to check, e.g. `casepress check manuscript/`.",
    );
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.shard !== undefined && !shard)
    fail(`Invalid --shard \`${values.shard}\`, expected i/n with 1 ≤ i ≤ n, e.g. 2/8.`);
  const { files: all, unmatched } = await expandInputs(positionals);
  if (unmatched.length > 0 && all.length === 0)
    fail(`No manuscript found at ${unmatched.map((input) => `\`${input}\``).join(", ")}.`);
  const paths = shard ? selectShard(all, shard) : all;
  const showProgress = process.stderr.isTTY === true && paths.length > 3 && format === "text";
  const files = await checkManuscripts(paths, {
    ...(values.journal ? { journal: values.journal } : {}),
    ...(values.root ? { root: values.root } : {}),
    ...(checklist ? { checklist } : {}),
    ...(showProgress ? { onProgress: progress } : {}),
  });
  process.stdout.write(
    checklist
      ? formatChecklist(files, format as ChecklistFormat) // checked against checklistFormats above
      : formatReport(files, format as ReportFormat), // checked against reportFormats above
  );
  const { summary } = toJsonReport(files);
  return summary.errors > 0 || (values.strict && summary.warnings > 0) ? 1 : 0;
}

function listRules(): number {
  const width = Math.max(...Object.keys(rules).map((id) => id.length));
  for (const [id, definition] of Object.entries(rules)) {
    process.stdout.write(
      `${id.padEnd(width)}  ${definition.severity.padEnd(7)}  ${definition.doc}\n`,
    );
  }
  return 0;
}

/** Run the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "-h" || command === "--help" || command === "help") {
      process.stdout.write(help);
      return command === undefined ? 2 : 0;
    }
    if (command === "-v" || command === "--version") {
      process.stdout.write(`${casepressVersion}\n`);
      return 0;
    }
    if (rest.includes("-h") || rest.includes("--help")) {
      process.stdout.write(help);
      return 0;
    }
    if (command === "build") return await runBuild(rest);
    if (command === "check") return await runCheck(rest);
    if (command === "package") return await runPackage(rest);
    if (command === "preview") return await runPreview(rest);
    if (command === "rules") return listRules();
    if (command === "abbreviations") return await runAbbreviations(rest);
    fail(
      `Unknown command \`${command}\`, expected build, check, package, preview, rules or abbreviations.`,
    );
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      process.stderr.write(
        `casepress: ${(error as Error).message}\nRun \`casepress --help\` for usage.\n`,
      );
      return 2;
    }
    const code = (error as { code?: string }).code;
    if (code !== undefined && fileSystemErrors.has(code)) {
      process.stderr.write(
        `casepress: cannot write the output: ${(error as Error).message}\nCheck that --out names a folder you can write to and that the disk has room.\n`,
      );
      return 2;
    }
    process.stderr.write(
      `casepress: internal error: ${(error as Error).message}\nPlease report this with the manuscript that caused it.\n`,
    );
    return 2;
  }
}

/** Errors from the file system while writing outputs: an environment problem, not a bug. */
const fileSystemErrors = new Set([
  "EACCES",
  "EPERM",
  "ENOTDIR",
  "EISDIR",
  "ENOSPC",
  "EROFS",
  "EEXIST",
  "ENOENT",
  "EMFILE",
]);
