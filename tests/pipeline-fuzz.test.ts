/**
 * Property tests: the sample manuscript, mutated at random (deletions, duplications, inserted
 * directive fences, brackets, `@`, YAML characters, raw HTML, stray bytes), must always
 * compile and render into diagnostics: never an exception, never an `internal-error`, never
 * manuscript HTML in the output. `npm test` runs a fixed seed and a modest count;
 * `npm run fuzz` (FUZZ_RUNS=10000) runs many more, and FUZZ_SEED picks another seed.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManuscript } from "../scripts/loaders/load-manuscript.ts";
import { compileManuscript } from "../scripts/pipeline.ts";
import { renderPage } from "../scripts/render/render-page.ts";
import { activeContent, repositoryDirectory } from "./helpers.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 200);
const seed = Number(process.env.FUZZ_SEED ?? 20_261_125);

/**
 * The hostile cases of the bad-input catalogue (tests/cli/bad-inputs.test.ts) that live in the
 * manuscript's text, as seeds: each is inserted alone into the sample below, and the
 * mutations insert the small ones too. Each is a flood, bomb or escape that once hung, crashed or leaked.
 */
const hostileSeeds: Record<string, string> = {
  "16,000 footnotes": `${Array.from({ length: 16_000 }, (_, i) => `N[^n${i}].`).join("\n\n")}\n\n${Array.from({ length: 16_000 }, (_, i) => `[^n${i}]: T.`).join("\n")}\n`,
  "19,900 `[a]` in a paragraph": `${"[a] ".repeat(19_900)}\n`,
  "`[@` and 256k letters": `[@${"a".repeat(256_000)}\n`,
  "10,000 nested links": `${"[a ".repeat(10_000)}deep${"](u)".repeat(10_000)}\n`,
  "10,000 nested emphasis runs": `${"*".repeat(10_000)}deep${"*".repeat(10_000)}\n`,
  "10,000 nested block quotes": `${">".repeat(10_000)} deep\n`,
  "10,000 nested raw HTML elements": `\n${"<dl>".repeat(10_000)}\n`,
  "a reference-style image out of the root": "![t][px]\n\n[px]: ../../../../etc/passwd\n",
  "a remote reference-style image": "![t][px]\n\n[px]: http://127.0.0.1:8931/p.png\n",
  "a script and an event handler": '<script>alert(1)</script><img src=x onerror="alert(1)">\n',
  "a figure that is a device": ":::figure{#fig-zero}\n![z](/dev/zero)\n\nLegend.\n:::\n",
  "a CSV table that is a device": ':::table{#tbl-zero src="/dev/zero"}\nZero\n:::\n',
};

/** The front-matter seeds, inserted after the opening `---` line. */
const hostileFrontMatter: Record<string, string> = {
  "non-string keys": "1: one\ntrue: yes\n",
  "a form feed in the running head": 'short-title: "X\\f}} html{background:red} x{y:"\n',
  "an alias bomb": "a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n",
};

/** Text the mutations insert: the characters and constructs that steer the parsers. */
const snippets = [
  ":::figure{#fig-ulcer}\n",
  ":::figure{#fig-new}\n![x](../figures/fig-1.png)\n\nLegend.\n:::\n",
  ':::table{#tbl-new src="missing.csv"}\n',
  ":::table\n",
  ":::\n",
  "::::\n",
  ":::note\n",
  ":word",
  "[",
  "]",
  "(",
  ")",
  "[@",
  "@",
  "[@]",
  "[@reiter2011; @]",
  "[-@enoch2005]",
  "@fig-",
  "@tbl-infarcts",
  "(@fig-ulcer, **C**)",
  "---\n",
  "---",
  ": ",
  ":",
  "- ",
  "  ",
  "\t",
  "{",
  "}",
  "'",
  '"',
  "#",
  "# ",
  "*",
  "**",
  "_",
  "`",
  "```\n",
  "|",
  "| a | b |\n| --- |\n",
  "\n",
  "\n\n",
  "\r\n",
  "&",
  "&#0;",
  "\\",
  "<sup>",
  "</sup>",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "[x](javascript:alert(1))",
  "![y](../../../../etc/passwd)",
  "![z](https://example.org/a.png)",
  "\u0000",
  "\uFEFF",
  "\uD800",
  "> ",
  "1. ",
  "[^1]",
  "[^1]: note\n",
  "*[ABBR]: x\n",
  "&amp;",
  "!",
  "~~",
  "SLE",
  "(APLAs)",
  "<div>",
  "</div>",
  "<sup><sup><sup>",
  "<dl>".repeat(300),
  "[".repeat(250),
  "> ".repeat(250),
  // The small seeds only: the floods run once each, in their own tests.
  ...[...Object.values(hostileSeeds), ...Object.values(hostileFrontMatter)].filter(
    (seed) => seed.length < 10_000,
  ),
];

type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number; to: number }
  | { kind: "insert"; at: number; text: string };

const position = fc.nat({ max: 1_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: position, length: fc.nat({ max: 80 }) }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    at: position,
    length: fc.nat({ max: 400 }),
    to: position,
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: position,
    text: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...snippets) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: "binary" }) },
    ),
  }),
);

/** Apply mutations in order; positions wrap around the current text. */
function mutate(text: string, mutations: readonly Mutation[]): string {
  let result = text;
  for (const change of mutations) {
    const at = result.length === 0 ? 0 : change.at % (result.length + 1);
    if (change.kind === "delete") {
      result = result.slice(0, at) + result.slice(at + change.length);
    } else if (change.kind === "duplicate") {
      const piece = result.slice(at, at + change.length);
      const to = change.to % (result.length + 1);
      result = result.slice(0, to) + piece + result.slice(to);
    } else {
      result = result.slice(0, at) + change.text + result.slice(at);
    }
  }
  return result;
}

let project: string;
let sample: string;

beforeAll(async () => {
  // A project like the repository: manuscript/ with its bibliography, figures/ beside it.
  project = await mkdtemp(join(tmpdir(), "casepress-fuzz-"));
  await writeFile(join(project, "package.json"), '{ "name": "casepress-fuzz", "private": true }\n');
  await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
    recursive: true,
  });
  await cp(join(repositoryDirectory, "figures"), join(project, "figures"), { recursive: true });
  sample = await readFile(join(repositoryDirectory, "manuscript", "case-report.md"), "utf8");
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

/** Compile (and, when it compiles, render) `text` as the manuscript; returns the rule ids. */
async function compileText(text: string): Promise<string[]> {
  const path = join(project, "manuscript", "case-report.md");
  await writeFile(path, text);
  const file = await readManuscript(path, { cwd: project });
  const compiled = await compileManuscript(file);
  if (file.data.journal && file.data.resources) {
    const html = await renderPage(compiled.tree, file, file.data.journal, {
      assetsDirectory: "case-report_files",
      generator: "Casepress fuzz",
    });
    const active = activeContent(html);
    if (active.length > 0) throw new Error(`Active content in the output: ${active.join(", ")}`);
  }
  return file.messages.map((message) => message.ruleId ?? "(none)");
}

describe("fuzzing the sample manuscript", () => {
  it("the unmutated sample compiles cleanly", async () => {
    expect(await compileText(sample)).toEqual([]);
  });

  it.each(Object.entries(hostileSeeds))(
    "the hostile seed %s ends in diagnostics",
    async (_, seed) => {
      const discussion = sample.indexOf("\n# ", sample.length / 2);
      const rules = await compileText(
        `${sample.slice(0, discussion)}\n\n${seed}${sample.slice(discussion)}`,
      );
      expect(rules).not.toContain("internal-error");
      expect(rules).not.toContain("(none)");
      expect(rules.length).toBeGreaterThan(0);
    },
  );

  it.each(Object.entries(hostileFrontMatter))(
    "the hostile front matter %s ends in diagnostics",
    async (_, seed) => {
      const rules = await compileText(sample.replace("---\n", `---\n${seed}`));
      expect(rules).not.toContain("internal-error");
      expect(rules).not.toContain("(none)");
    },
  );

  it(
    `${runs} random mutations end in diagnostics, never an exception (seed ${seed})`,
    async () => {
      const rulesSeen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 8 }), async (mutations) => {
          const rules = await compileText(mutate(sample, mutations));
          for (const rule of rules) rulesSeen.add(rule);
          expect(rules).not.toContain("internal-error");
          expect(rules).not.toContain("(none)");
        }),
        { seed, numRuns: runs },
      );
      // The mutations reach well beyond one or two checks.
      expect(rulesSeen.size).toBeGreaterThan(runs >= 100 ? 8 : 1);
    },
    Math.max(180_000, runs * 500),
  );
});
