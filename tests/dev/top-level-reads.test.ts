/**
 * Nothing in the bundled sources may read the environment, the working folder, the clock or
 * randomness while its module loads: the V8 startup snapshot (scripts/dev/snapshot.cjs) runs the
 * module code once, at `npm ci`, and every later run would get those values frozen. Such reads
 * belong in functions. A function called where it is defined (an IIFE) runs at load, so it
 * counts as top level.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repositoryDirectory } from "../helpers.ts";

/** What may not be read at load time, as the source text of an expression. */
const forbidden: readonly { pattern: RegExp; why: string }[] = [
  {
    pattern: /^process\.(env|argv|cwd|pid|ppid|stdin|stdout|stderr|hrtime|uptime|execArgv)\b/,
    why: "process state",
  },
  {
    pattern: /^(os\.)?(tmpdir|homedir|hostname|userInfo|cpus|totalmem|freemem)\(/,
    why: "the machine or the user",
  },
  { pattern: /^Date\.now\(|^new Date\(\s*\)/, why: "the clock" },
  { pattern: /^performance\.now\(/, why: "the clock" },
  {
    pattern: /^Math\.random\(|^(crypto\.)?(randomUUID|randomBytes|randomInt)\(/,
    why: "randomness",
  },
  {
    pattern: /^new Intl\.|^Intl\.\w+\(/,
    why: "the locale (and Intl objects cannot be snapshotted)",
  },
  { pattern: /\.toLocale\w*String\(/, why: "the locale" },
];

/** A function that runs where it is written: `(() => …)()`, `(function () {…})()`. */
function invokedInPlace(node: ts.Node): boolean {
  let outer: ts.Node = node;
  while (ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
  return ts.isCallExpression(outer.parent) && outer.parent.expression === outer;
}

/** The forbidden reads that run when `source` is loaded: `line:column text`. */
function topLevelReads(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node, deferred: boolean): void => {
    let later = deferred;
    if (ts.isFunctionLike(node) && !invokedInPlace(node)) later = true;
    if (
      ts.isPropertyDeclaration(node) &&
      !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)
    )
      later = true;
    if (
      !later &&
      (ts.isPropertyAccessExpression(node) || ts.isCallExpression(node) || ts.isNewExpression(node))
    ) {
      const text = node.getText(file);
      const hit = forbidden.find(({ pattern }) => pattern.test(text));
      if (hit && !ts.isPropertyAccessExpression(node.parent) && !ts.isCallExpression(node.parent)) {
        const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
        found.push(`${fileName}:${line + 1}:${character + 1} ${text.split("\n")[0]} (${hit.why})`);
      }
    }
    ts.forEachChild(node, (child) => visit(child, later));
  };
  visit(file, false);
  return found;
}

/** The TypeScript sources the CLI bundle is made of (scripts/, without bench/ and dev/). */
function bundledSources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory())
      return entry.name === "bench" || entry.name === "dev" ? [] : bundledSources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("reads at module load (the startup snapshot would freeze them)", () => {
  it("finds reads at the top level and in functions invoked in place, not in functions", () => {
    const source = [
      "const home = process.env.HOME;",
      "const folder = (() => process.cwd())();",
      "const names = new Intl.DisplayNames(['en'], { type: 'region' });",
      "const stamp = Date.now();",
      "class Clock { static started = new Date(); now = new Date(); }",
      "export function later(env = process.env) { return env.HOME ?? os.tmpdir(); }",
      "const lazy = () => process.cwd();",
      "const epoch = Date.UTC(1980, 0, 1);",
    ].join("\n");
    expect(topLevelReads("sample.ts", source)).toEqual([
      "sample.ts:1:14 process.env.HOME (process state)",
      "sample.ts:2:23 process.cwd() (process state)",
      "sample.ts:3:15 new Intl.DisplayNames(['en'], { type: 'region' }) (the locale (and Intl objects cannot be snapshotted))",
      "sample.ts:4:15 Date.now() (the clock)",
      "sample.ts:5:32 new Date() (the clock)",
    ]);
  });

  it("none in the bundled sources", () => {
    const reads = bundledSources(join(repositoryDirectory, "scripts")).flatMap((path) =>
      topLevelReads(relative(repositoryDirectory, path), readFileSync(path, "utf8")),
    );
    expect(reads).toEqual([]);
  });
});
