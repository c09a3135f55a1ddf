/**
 * The shape of `scripts/` that the architecture depends on: no import cycles, files small
 * enough to read in one sitting, each rule id reported from one file, and citation-js and
 * puppeteer each imported in one place.
 */
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../scripts/diagnostics/rules.ts";
import { repositoryDirectory } from "./helpers.ts";

const scriptsDirectory = join(repositoryDirectory, "scripts");

/** Every TypeScript or JavaScript source under `scripts/`, by path relative to the repository. */
const sources = new Map(
  readdirSync(scriptsDirectory, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.(ts|mjs)$/.test(name) && !name.endsWith(".d.ts"))
    .map((name) => {
      const path = join(scriptsDirectory, name);
      return [relative(repositoryDirectory, path), readFileSync(path, "utf8")] as const;
    }),
);

/** The relative modules a source imports statically (`import … from "./x.ts"`). */
function staticImports(path: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"/gm)) {
    const specifier = match[1];
    if (specifier === undefined) continue;
    found.push(
      relative(repositoryDirectory, resolve(repositoryDirectory, dirname(path), specifier)),
    );
  }
  return found;
}

/** An import cycle as a list of paths, or undefined (depth-first search with colours). */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("the architecture of scripts/", () => {
  it("has no import cycle", () => {
    const graph = new Map([...sources].map(([path, text]) => [path, staticImports(path, text)]));
    expect(findCycle(graph)).toBeUndefined();
  });

  it("finds a cycle when there is one (the detector itself)", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
  });

  it("keeps pipeline files under 500 lines (the benchmark and the figure drawer aside)", () => {
    const long = [...sources]
      .filter(([path]) => !path.startsWith("scripts/bench/") && !path.startsWith("scripts/dev/"))
      .filter(([, text]) => text.split("\n").length > 500)
      .map(([path]) => path);
    expect(long).toEqual([]);
  });

  it("reports each rule id from one file", () => {
    const owners = new Map<string, Set<string>>();
    for (const [path, text] of sources) {
      if (path === "scripts/diagnostics/rules.ts") continue;
      for (const match of text.matchAll(/report\(\s*[\w.]+,\s*"([a-z0-9-]+)"/g)) {
        const id = match[1];
        if (id === undefined || !Object.hasOwn(rules, id)) continue;
        owners.set(id, (owners.get(id) ?? new Set()).add(path));
      }
    }
    const shared = [...owners]
      .filter(([, files]) => files.size > 1)
      .map(([id, files]) => `${id}: ${[...files].sort().join(", ")}`);
    expect(shared).toEqual([]);
  });

  it("imports citation-js and puppeteer each in one file", () => {
    const importers = (pattern: RegExp) =>
      [...sources].filter(([, text]) => pattern.test(text)).map(([path]) => path);
    expect(importers(/from\s+"@citation-js\//)).toEqual(["scripts/bibliography/citation-js.ts"]);
    // The pipeline prints through render-pdf.ts alone; the benchmark's "save → page reloaded"
    // case drives a browser page as a reader does, which is not printing.
    expect(importers(/^import (?!type)[^;]*from\s+"puppeteer(-core)?"/m)).toEqual([
      "scripts/bench/bench-reload.ts",
      "scripts/pdf/render-pdf.ts",
    ]);
  });

  it("runs in the test run's own temporary folder, which the run removes", () => {
    expect(basename(dirname(join(tmpdir(), "x")))).toMatch(/^casepress-tests-/);
  });
});
