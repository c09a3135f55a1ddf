/**
 * Parse and validate the YAML front matter. Every problem is reported at its own line and
 * column in one run; the (possibly repaired) data goes to `file.data.frontMatter` so later
 * transforms can keep checking the rest of the manuscript.
 */
import type { Root, Yaml } from "mdast";
import type { Position } from "unist";
import type { VFile } from "vfile";
import {
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  visit as visitYaml,
  type Node as YamlNode,
} from "yaml";
import * as z from "zod/mini";
import type * as core from "zod/v4/core";
import { report } from "../diagnostics/diagnostics.ts";
import { didYouMean } from "../diagnostics/suggest.ts";
import { frontMatterSchema, knownKeys } from "../schemas/front-matter-schema.ts";
import type { FrontMatterLocator } from "./vfile-data.ts";

type Path = readonly (string | number)[];

function describe(path: Path): string {
  return path.length === 0 ? "front matter" : `\`${path.join(".")}\``;
}

function keysAt(path: Path): string[] {
  if (path.length === 0) return knownKeys.root;
  if (path[0] === "authors") return knownKeys.author;
  if (path[0] === "publication") return knownKeys.publication;
  return [];
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} \`${String(value)}\``;
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function issueMessage(issue: core.$ZodIssue, data: unknown): string {
  const where = describe(issue.path as Path);
  if (issue.code === "invalid_type") {
    const found = valueAt(data, issue.path as Path);
    if (found === undefined) return `Missing ${where}: it is required, expected ${issue.expected}.`;
    return `Unexpected ${typeName(found)} for ${where}, expected ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping" : issue.expected}.`;
  }
  if (issue.code === "invalid_union" && issue.path[0] === "abstract") {
    return `Unexpected ${typeName(valueAt(data, issue.path as Path))} for ${where}, expected text or a mapping of headings to text.`;
  }
  if (issue.code === "invalid_union") {
    return `Unexpected ${typeName(valueAt(data, issue.path as Path))} for ${where}, expected text or a list of text.`;
  }
  return `Invalid ${where}: ${issue.message}.`;
}

function deleteAt(data: unknown, path: Path, key: string): void {
  const parent = valueAt(data, path);
  if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[key];
}

/** Validate the front matter node of `tree` into `file.data.frontMatter`. */
export function validateFrontMatter(tree: Root, file: VFile): void {
  const yamlNode = tree.children.find((node): node is Yaml => node.type === "yaml");
  // `frontMatter` stays unset while the YAML is unusable, so later checks that read it (journal
  // statements, citation keys, abbreviations) stay quiet instead of repeating this error.
  delete file.data.frontMatter;
  file.data.locateFrontMatter = () => undefined;
  if (!yamlNode?.position) {
    report(
      file,
      "front-matter-missing",
      "Missing front matter: start the manuscript with a `---` line, YAML keys such as `title:` and `authors:`, and a closing `---` line.",
      { line: 1, column: 1 },
    );
    return;
  }
  const firstLine = yamlNode.position.start.line + 1;
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlNode.value, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    // Problems are reported as diagnostics; yaml's own warnings would go to stderr.
    logLevel: "error",
  });
  const toPosition = (range: readonly [number, number, number?] | null | undefined) => {
    if (!range) return undefined;
    const start = lineCounter.linePos(range[0]);
    const end = lineCounter.linePos(range[1]);
    return {
      start: { line: firstLine + start.line - 1, column: start.col },
      end: { line: firstLine + end.line - 1, column: end.col },
    } satisfies Position;
  };
  const frontMatterStart = yamlNode.position;

  const locate: FrontMatterLocator = (path) => {
    const node = path.length === 0 ? document.contents : document.getIn(path, true);
    return toPosition((node as YamlNode | undefined)?.range) ?? frontMatterStart;
  };
  const locateKey = (path: Path, key: string): Position | undefined => {
    const parent = path.length === 0 ? document.contents : document.getIn(path, true);
    if (isMap(parent)) {
      // zod names keys as strings: `1:` and `true:` are the keys "1" and "true".
      const pair = parent.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === key,
      );
      if (pair && isPair(pair) && isScalar(pair.key)) return toPosition(pair.key.range);
    }
    return locate(path);
  };
  file.data.locateFrontMatter = locate;

  for (const error of document.errors) {
    const place = toPosition(error.pos) ?? frontMatterStart;
    if (error.code === "DUPLICATE_KEY") {
      report(
        file,
        "front-matter-duplicate-key",
        `Unexpected duplicate key: ${error.message.replace(/\.?$/, ".")} Keep one of them.`,
        place,
      );
    } else {
      report(
        file,
        "front-matter-yaml",
        `Invalid YAML in the front matter: ${error.message.split("\n")[0]}`,
        place,
      );
    }
  }
  if (document.errors.some((error) => error.code !== "DUPLICATE_KEY")) return;

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // toJS throws on an alias whose anchor is missing (`*C**`) or on too many aliases.
    let place: Position | undefined;
    visitYaml(document, {
      Alias(_, alias) {
        place ??= toPosition(alias.range);
      },
    });
    const reason = `Invalid YAML in the front matter: ${(error as Error).message}. A value starting with \`*\` or \`&\` must be quoted.`;
    report(file, "front-matter-yaml", reason, place ?? frontMatterStart);
    return;
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    report(
      file,
      "front-matter-type",
      `Unexpected ${typeName(data)} as front matter, expected a mapping of keys such as \`title:\` and \`authors:\`.`,
      frontMatterStart,
    );
    return;
  }
  const result = frontMatterSchema.safeParse(data);
  if (result.success) {
    file.data.frontMatter = result.data;
    return;
  }
  const repaired = structuredClone(data) as Record<string, unknown>;
  for (const issue of result.error.issues) {
    const path = issue.path as Path;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        report(
          file,
          "front-matter-unknown-key",
          `Unknown key \`${key}\` in ${describe(path)}; it is ignored.${didYouMean(key, keysAt(path))}`,
          locateKey(path, key),
        );
        deleteAt(repaired, path, key);
      }
      continue;
    }
    const found = valueAt(data, path);
    const ruleId =
      found === undefined && issue.code === "invalid_type"
        ? "front-matter-required"
        : "front-matter-type";
    const place = found === undefined ? locate(path.slice(0, -1)) : locate(path);
    report(file, ruleId, issueMessage(issue, data), place);
    const top = path[0];
    if (typeof top === "string") delete repaired[top];
  }
  const partial = z.partial(frontMatterSchema).safeParse(repaired);
  if (partial.success) {
    file.data.frontMatter = {
      ...partial.data,
      title: partial.data.title ?? "",
      authors: partial.data.authors ?? [],
    };
  }
}

/** unified plugin: validate the front matter (see `validateFrontMatter`). */
export function remarkValidateFrontMatter() {
  return (tree: Root, file: VFile) => validateFrontMatter(tree, file);
}
