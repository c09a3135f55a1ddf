/** Shared test helpers: run the real pipeline on fixture folders or on inline Markdown. */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { VFile } from "vfile";
import { assetsDirectoryName } from "../scripts/build.ts";
import { severityOf, sortedMessages } from "../scripts/diagnostics.ts";
import { casepressVersion } from "../scripts/load-journal.ts";
import { readManuscript } from "../scripts/load-manuscript.ts";
import { type CompiledManuscript, compileManuscript } from "../scripts/pipeline.ts";
import { rewriteAssetUrls } from "../scripts/remark-asset-urls.ts";
import { renderPage } from "../scripts/render-page.ts";

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
  const file = await readManuscript(path, {
    root: options.root ?? dirname(path),
    cwd: dirname(path),
  });
  return compileManuscript(file, options.journal ? { journal: options.journal } : {});
}

/**
 * Write `markdown` (and any extra `files`, by relative path) into a fresh temp folder and
 * compile it. A minimal front matter is added when the Markdown has none and `bare` is unset.
 */
export async function compileMarkdown(
  markdown: string,
  options: CompileTestOptions & { files?: Record<string, string | Uint8Array>; name?: string } = {},
): Promise<CompiledManuscript & { directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-test-"));
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
  if (!compiled.profile || !compiled.file.data.resources)
    throw new Error("the manuscript did not compile");
  rewriteAssetUrls(compiled.tree, compiled.file.data.resources, assetsDirectoryName("input"));
  return renderPage(compiled.tree, compiled.file, compiled.profile, {
    assetsDirectory: assetsDirectoryName("input"),
    generator: `Casepress ${casepressVersion}`,
  });
}

/** Read a fixture file as text. */
export function readText(path: string): Promise<string> {
  return readFile(path, "utf8");
}
