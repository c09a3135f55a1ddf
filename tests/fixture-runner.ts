/**
 * The one fixture runner. A fixture folder holds:
 *
 * - `input.md`, plus any files it names (images, bibliographies, CSV tables, a `templates/`
 *   folder of journals); the folder is the manuscript's root;
 * - `expected-messages.txt`: every message the run reports (of the rules the test keeps), one
 *   `input.md:line:column severity rule-id` line each, sorted; empty means none;
 * - `expected.html` (optional): the rendered body HTML, that is the transformed tree through
 *   remark-rehype, the sanitize schema and rehype-stringify (`renderBodyHtml`), compared whole.
 *   It never holds the page template, title block or reference list.
 *
 * A transform's test runs parse plus the plugins it names (the one under test, and the ones it
 * needs before it); leaving `plugins` out runs the whole pipeline (`compileManuscript`).
 * `UPDATE_EXPECTED=1 npx vitest run <test>` rewrites the expected files from the actual output:
 * review the diff like code.
 */
import { readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Root } from "mdast";
import { type PluggableList, unified } from "unified";
import type { VFile } from "vfile";
import { expect, it } from "vitest";
import { readManuscript } from "../scripts/loaders/load-manuscript.ts";
import { loadResources } from "../scripts/loaders/load-resources.ts";
import { collectFileRequests } from "../scripts/loaders/resources.ts";
import { parseManuscript } from "../scripts/parse/parse-manuscript.ts";
import { compileManuscript } from "../scripts/pipeline.ts";
import { renderBodyHtml } from "../scripts/render/render-page.ts";
import { messageLines } from "./helpers.ts";

/** Whether this run rewrites expected files instead of comparing with them. */
export const updateExpected = process.env.UPDATE_EXPECTED === "1";

/** How to run a folder of fixtures. */
export interface FixtureOptions {
  /**
   * The plugins to run after parse, in order: the one under test last. Leave out to run the
   * whole pipeline. Put `remarkLoadFixtureFiles` before plugins that read loaded files.
   */
  plugins?: PluggableList;
  /** Which rule ids `expected-messages.txt` lists (default: every rule). */
  keep?: (ruleId: string) => boolean;
  /** A journal instead of the front matter's, as `--journal` (whole-pipeline runs only). */
  journal?: string;
}

/** What one fixture run produced, in the expected files' formats. */
export interface FixtureResult {
  file: VFile;
  tree: Root;
  /** `input.md:line:column severity rule-id` lines, sorted. */
  messages: string[];
  /** The rendered body HTML. */
  html: string;
}

/**
 * Test stand-in for the pipeline's loader step: load the files the manuscript names into
 * `file.data.resources`. Place it after `remarkValidateFrontMatter` when bibliographies count.
 */
export function remarkLoadFixtureFiles() {
  return async (tree: Root, file: VFile): Promise<void> => {
    const location = file.data.manuscript;
    if (!location) throw new Error("the fixture was not read with readManuscript");
    const frontMatter = file.data.frontMatter ?? { title: "", authors: [] };
    file.data.resources = await loadResources(collectFileRequests(tree, frontMatter), location);
  };
}

/** Run the fixture folder `directory` (see the module doc). */
export async function runFixtureFolder(
  directory: string,
  options: FixtureOptions = {},
): Promise<FixtureResult> {
  const file = await readManuscript(join(directory, "input.md"), {
    root: directory,
    cwd: directory,
  });
  let tree: Root;
  if (options.plugins) {
    tree = parseManuscript(file);
    await unified().use(options.plugins).run(tree, file);
  } else {
    tree = (await compileManuscript(file, options.journal ? { journal: options.journal } : {}))
      .tree;
  }
  const keep = options.keep ?? (() => true);
  const prefix = `${relative(file.cwd, directory)}/`;
  const messages = messageLines(file, { withFile: true })
    .map((line) => (line.startsWith(prefix) ? line.slice(prefix.length) : line))
    .filter((line) => keep(line.slice(line.lastIndexOf(" ") + 1)));
  return { file, tree, messages, html: await renderBodyHtml(tree, file) };
}

/**
 * Run `markdown` as the `input.md` of a temporary fixture folder holding `files` too (by
 * relative path), then remove the folder.
 */
export async function runMarkdown(
  markdown: string,
  options: FixtureOptions & { files?: Record<string, string | Uint8Array> } = {},
): Promise<FixtureResult> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-fixture-"));
  try {
    for (const [path, data] of Object.entries({ ...options.files, "input.md": markdown })) {
      await mkdir(dirname(join(directory, path)), { recursive: true });
      await writeFile(join(directory, path), data);
    }
    return await runFixtureFolder(directory, options);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
}

/**
 * Expect `actual` to equal the committed file at `path` byte for byte; under
 * `UPDATE_EXPECTED=1`, write it instead. A missing file fails (an empty one says "nothing").
 */
export async function expectFileContent(path: string, actual: string): Promise<void> {
  if (updateExpected) {
    await writeFile(path, actual);
    return;
  }
  const expected = await readOptional(path);
  expect(expected, `${path} is missing; create it with UPDATE_EXPECTED=1`).toBeDefined();
  expect(actual).toBe(expected);
}

/** Compare a run with its folder's expected files (or rewrite them under `UPDATE_EXPECTED=1`). */
export async function expectFixture(directory: string, result: FixtureResult): Promise<void> {
  const messages = result.messages.map((line) => `${line}\n`).join("");
  await expectFileContent(join(directory, "expected-messages.txt"), messages);
  const htmlPath = join(directory, "expected.html");
  if ((await readOptional(htmlPath)) !== undefined) {
    await expectFileContent(htmlPath, `${result.html.trim()}\n`);
  }
}

/** One test per fixture folder under `folder`, run with `options` (see the module doc). */
export function testFixtures(folder: string, options: FixtureOptions = {}): void {
  const names = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    it(name, async () => {
      const directory = join(folder, name);
      await expectFixture(directory, await runFixtureFolder(directory, options));
    });
  }
}
