/** Shared test helpers: run the real pipeline on fixture folders or on inline Markdown. */
import { execFile, execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import type { Element } from "hast";
import { fromHtml } from "hast-util-from-html";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { onTestFinished, vi } from "vitest";
import { assetsDirectoryName } from "../scripts/cli/build.ts";
import { main } from "../scripts/cli/main.ts";
import { severityOf, sortedMessages } from "../scripts/diagnostics/diagnostics.ts";
import { isRuleId, rules } from "../scripts/diagnostics/rules.ts";
import { casepressVersion } from "../scripts/loaders/load-journal.ts";
import { readManuscript } from "../scripts/loaders/load-manuscript.ts";
import { type CompiledManuscript, compileManuscript } from "../scripts/pipeline.ts";
import { renderPage } from "../scripts/render/render-page.ts";
import { rewriteAssetUrls } from "../scripts/transforms/remark-asset-urls.ts";

/** The repository's folder. */
export const repositoryDirectory = join(import.meta.dirname, "..");

/** Options for compiling test input. */
export interface CompileTestOptions {
  /** Journal override. */
  journal?: string;
  /** The manuscript root (default: the manuscript's folder). */
  root?: string;
}

/** Compile a manuscript file with the real pipeline; the root defaults to its folder. */
export async function compileFile(
  path: string,
  options: CompileTestOptions = {},
): Promise<CompiledManuscript> {
  const absolutePath = resolve(path);
  const file = await readManuscript(absolutePath, {
    root: resolve(options.root ?? dirname(absolutePath)),
    cwd: dirname(absolutePath),
  });
  return compileManuscript(file, options.journal ? { journal: options.journal } : {});
}

/**
 * Write `markdown` (and any extra `files`, by relative path) into a fresh temp folder and
 * compile it; the folder is removed when the calling test ends. Older helper: new tests use
 * `runMarkdown` from `fixture-runner.ts`.
 */
export async function compileMarkdown(
  markdown: string,
  options: CompileTestOptions & { files?: Record<string, string | Uint8Array>; name?: string } = {},
): Promise<CompiledManuscript & { directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-test-"));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  for (const [relativePath, data] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(directory, relativePath)), { recursive: true });
    await writeFile(join(directory, relativePath), data);
  }
  const path = join(directory, options.name ?? "input.md");
  await writeFile(path, markdown);
  return { ...(await compileFile(path, options)), directory };
}

/** Minimal valid front matter for inline tests; pass extra YAML lines to add keys. */
export function frontMatter(...lines: string[]): string {
  return [
    "---",
    "title: A test case",
    "authors:",
    "  - name: Ada Test",
    "    degrees: MD",
    ...lines,
    "---",
    "",
  ].join("\n");
}

/** Messages as `line:column severity rule` lines, sorted, for comparing with expected files. */
export function messageLines(file: VFile, options: { withFile?: boolean } = {}): string[] {
  return sortedMessages(file).map((message) => {
    const where = `${message.line ?? 1}:${message.column ?? 1}`;
    const prefix = options.withFile ? `${message.file || file.path}:` : "";
    return `${prefix}${where} ${severityOf(message)} ${message.ruleId}`;
  });
}

/** Messages of one rule. */
export function messagesOf(file: VFile, ruleId: string) {
  return file.messages.filter((message) => message.ruleId === ruleId);
}

/** Render a compiled manuscript's HTML page (as `build` would, without writing files). */
export async function renderHtml(compiled: CompiledManuscript): Promise<string> {
  const journal = compiled.file.data.journal;
  if (!journal || !compiled.file.data.resources) throw new Error("the manuscript did not compile");
  rewriteAssetUrls(compiled.tree, compiled.file.data.resources, assetsDirectoryName("input"));
  return renderPage(compiled.tree, compiled.file, journal, {
    assetsDirectory: assetsDirectoryName("input"),
    generator: `Casepress ${casepressVersion}`,
  });
}

/** Read a fixture file as text. */
export function readText(path: string): Promise<string> {
  return readFile(path, "utf8");
}

/**
 * Compile a fixture folder's `input.md` (the folder is its root) and render its page; `html`
 * is empty when the manuscript did not compile. Older runner: new tests use
 * `runFixtureFolder` from `fixture-runner.ts`.
 */
export async function compileFixture(
  directory: string,
  options: Omit<CompileTestOptions, "root"> = {},
): Promise<CompiledManuscript & { html: string }> {
  const compiled = await compileFile(join(directory, "input.md"), { ...options, root: directory });
  const html =
    compiled.file.data.journal && compiled.file.data.resources ? await renderHtml(compiled) : "";
  return { ...compiled, html };
}

/** HTML without the line breaks between tags, so fragments compare however they are wrapped. */
export function collapseHtml(html: string): string {
  return html.replace(/>\s*\n\s*</g, "><").trim();
}

/** A fixture folder's run: its messages next to the expected ones, and the HTML it lacks. */
export interface FixtureRun {
  compiled: CompiledManuscript & { html: string };
  /** `file:line:column severity rule` lines, files relative to the fixture folder. */
  messages: string[];
  /** The lines of `expected-messages.txt` (none when the file is absent). */
  expectedMessages: string[];
  /** Lines of `expected.html` that the rendered page does not contain. */
  missingHtml: string[];
}

/**
 * Run a fixture folder: compile `input.md`, keep the messages whose rule `keep` accepts, and
 * compare with `expected-messages.txt` and the fragments (one a line) of `expected.html`.
 * Older runner, kept until its last users switch to `fixture-runner.ts`, where `expected.html`
 * is the whole rendered body.
 */
export async function runFixture(
  directory: string,
  keep: (ruleId: string) => boolean,
  options: Omit<CompileTestOptions, "root"> = {},
): Promise<FixtureRun> {
  const compiled = await compileFixture(directory, options);
  const prefix = `${relative(compiled.file.cwd, directory)}/`;
  const messages = messageLines(compiled.file, { withFile: true })
    .map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line))
    .filter((line) => keep(line.slice(line.lastIndexOf(" ") + 1)));
  const lines = async (name: string) =>
    (await readFile(join(directory, name), "utf8").catch(() => ""))
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
  const page = collapseHtml(compiled.html);
  const missingHtml = (await lines("expected.html")).filter(
    (fragment) => !page.includes(collapseHtml(fragment)),
  );
  return {
    compiled,
    messages,
    expectedMessages: await lines("expected-messages.txt"),
    missingHtml,
  };
}

/**
 * Active content in a rendered page, judged on the parsed HTML (text in attributes is inert):
 * script-running or embedding elements, event-handler attributes, and `javascript:`,
 * `vbscript:` or `data:` URLs. Empty when the page is safe.
 */
export function activeContent(html: string): string[] {
  const found: string[] = [];
  visit(fromHtml(html), "element", (node: Element) => {
    // A JSON-LD data block is inert: browsers never run a script of that type.
    const dataBlock = node.tagName === "script" && node.properties.type === "application/ld+json";
    if (!dataBlock && /^(script|iframe|frame|object|embed|applet|base|form)$/.test(node.tagName)) {
      found.push(`<${node.tagName}>`);
    }
    for (const [name, value] of Object.entries(node.properties)) {
      if (/^on/i.test(name)) found.push(`${node.tagName}[${name}]`);
      if (name !== "content" && /^\s*(javascript|vbscript|data):/i.test(String(value))) {
        found.push(`${node.tagName}[${name}=${String(value)}]`);
      }
    }
  });
  return found;
}

/** Whether a rule belongs to the figure, table, cross-reference and path checks. */
export function isFloatRule(ruleId: string): boolean {
  return (
    isRuleId(ruleId) &&
    ["figures", "tables", "cross-references", "paths"].includes(rules[ruleId].source)
  );
}

/** Whether the command-line tool `name` runs (`name flag` exits 0), for tests that skip without it. */
export function hasTool(name: string, flag = "-v"): boolean {
  try {
    execFileSync(name, [flag], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A PNG chunk: its length, type, data and CRC. */
export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** Run `casepress check` in this process (`main`), capturing what it writes. */
export async function checkInProcess(...args: string[]) {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(["check", ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

/** Run the `casepress` command from the sources in a process of its own, in `cwd`. */
export async function casepressProcess(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(repositoryDirectory, "scripts", "casepress.mjs"), ...args],
      { cwd, env: { ...process.env, CASEPRESS_FROM_SOURCE: "1" } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
