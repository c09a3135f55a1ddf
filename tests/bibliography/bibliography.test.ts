import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BibliographyProblem,
  type CslItem,
  createReferenceFormatter,
  narrativeNames,
  parseBibliography,
} from "../../scripts/bibliography/bibliography.ts";
import { rules } from "../../scripts/diagnostics/rules.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = path.join(repo, "tests/fixtures/bibliography");
const references = path.join(repo, "tests/fixtures/references");
const read = (file: string) => readFileSync(file, "utf8");
const lines = (text: string) => text.split("\n").filter((line) => line !== "");

const jaad = createReferenceFormatter({
  name: "jaad-case-reports",
  xml: read(path.join(repo, "templates/jaad-case-reports/jaad.csl")),
});
const preprint = createReferenceFormatter({
  name: "preprint",
  xml: read(path.join(repo, "templates/preprint/preprint.csl")),
});

/** The reference list as `references-expected.txt` writes it: numbered, `*italics*`. */
const asPrinted = (html: string[]) =>
  html.map(
    (entry, index) => `${index + 1}. ${entry.replaceAll("<i>", "*").replaceAll("</i>", "*")}`,
  );

const seedItems = (): CslItem[] => {
  const parsed = parseBibliography({
    path: "references.csl.json",
    text: read(path.join(references, "references.csl.json")),
  });
  expect(parsed.problems).toEqual([]);
  return parsed.entries.map((entry) => entry.item);
};

const problemLine = (problem: BibliographyProblem) =>
  `${problem.line}:${problem.column} ${rules[problem.rule].severity} ${problem.rule} ${problem.message}`;

describe("JAAD style on the reference article", () => {
  it("prints the 12 references as the article does", () => {
    const printed = asPrinted(jaad.format(seedItems()));
    const expected = lines(read(path.join(references, "references-expected.txt")));
    expect(printed).toHaveLength(12);
    for (const [index, line] of printed.entries()) {
      if (index === 2) continue; // Ref 3, below.
      expect(line).toBe(expected[index]);
    }
  });

  it("prints ref 3 with its three known authors and no et al", () => {
    // The data holds only Mandelbrot's first 3 authors; the article had at least 7.
    expect(asPrinted(jaad.format(seedItems()))[2]).toBe(
      "3. Mandelbrot DA, Santos PW, Burt RK. Resolution of SLE-related soft-tissue calcification following haematopoietic stem cell transplantation. *Nephrol Dial Transplant*. 2008;23(8):2679-2684.",
    );
    expect(read(path.join(references, "references-expected.txt"))).toContain(
      "Burt RK, et al. Resolution",
    );
  });

  it("returns bare HTML with <i> italics and no number or wrapping div", () => {
    const [first] = jaad.format(seedItems().slice(0, 1));
    expect(first).toBe(
      "Reiter N, El-Shabrawi L, Leinweber B, Berghold A, Aberer E. Calcinosis cutis: part I. Diagnostic pathway. <i>J Am Acad Dermatol</i>. 2011;65(1):1-12; quiz 3-4.",
    );
  });

  const seed = path.resolve(repo, "../shared/seed");
  it.skipIf(!existsSync(seed))("keeps its fixture copies identical to the shared seed", () => {
    for (const name of ["references.csl.json", "references-expected.txt"]) {
      expect(read(path.join(references, name))).toBe(read(path.join(seed, name)));
    }
  });
});

describe("fixtures", () => {
  for (const name of readdirSync(fixtures).sort()) {
    const folder = path.join(fixtures, name);
    const input = readdirSync(folder).find((file) => file.startsWith("input."));
    if (!input) continue;
    it(name, () => {
      const result = parseBibliography({ path: input, text: read(path.join(folder, input)) });
      expect(result.problems.map(problemLine)).toEqual(
        lines(read(path.join(folder, "expected-problems.txt"))),
      );
      expect(result.entries.map((entry) => `${entry.key} ${entry.line}:${entry.column}`)).toEqual(
        lines(read(path.join(folder, "expected-entries.txt"))),
      );
      for (const entry of result.entries) expect(entry.file).toBe(input);
      const items = result.entries.map((entry) => entry.item);
      for (const [style, formatter] of [
        ["jaad", jaad],
        ["preprint", preprint],
      ] as const) {
        const expected = path.join(folder, `expected-${style}.txt`);
        if (existsSync(expected))
          expect(asPrinted(formatter.format(items))).toEqual(lines(read(expected)));
      }
    });
  }
});

describe("BibTeX and RIS inputs", () => {
  const seedByKey = () => {
    const items = seedItems();
    const printed = jaad.format(items);
    return new Map(items.map((item, index) => [item.id, printed[index]]));
  };

  it("print the same entries as the CSL-JSON of the same references", () => {
    const expected = seedByKey();
    const bib = parseBibliography({
      path: "input.bib",
      text: read(path.join(fixtures, "bibtex/input.bib")),
    });
    const ris = parseBibliography({
      path: "input.ris",
      text: read(path.join(fixtures, "ris/input.ris")),
    });
    expect(bib.problems).toEqual([]);
    expect(ris.problems).toEqual([]);
    const bibPrinted = jaad.format(bib.entries.map((entry) => entry.item));
    expect(bib.entries.map((entry) => entry.key)).toEqual(["reiter2011", "enoch2005", "walsh1995"]);
    expect(bibPrinted).toEqual(bib.entries.map((entry) => expected.get(entry.key)));
    // RIS: the third record has no ID tag, so its key is generated.
    const risKeys = ris.entries.map((entry) => entry.key);
    expect(risKeys).toEqual(["chatterjee2006", "walsh1995", "ris-3"]);
    const risPrinted = jaad.format(ris.entries.map((entry) => entry.item));
    expect(risPrinted).toEqual(
      ["chatterjee2006", "walsh1995", "wolf2008"].map((key) => expected.get(key)),
    );
  });

  it("keep the NLM abbreviation from BibLaTeX shortjournal and RIS J2/JA", () => {
    const bib = parseBibliography({
      path: "input.bib",
      text: read(path.join(fixtures, "bibtex/input.bib")),
    });
    expect(bib.entries.map((entry) => entry.item["container-title-short"])).toEqual([
      "J Am Acad Dermatol",
      "Int Wound J",
      "J Am Acad Dermatol",
    ]);
    expect(bib.entries[0]?.item["container-title"]).toBe(
      "Journal of the American Academy of Dermatology",
    );
    const ris = parseBibliography({
      path: "input.ris",
      text: read(path.join(fixtures, "ris/input.ris")),
    });
    expect(ris.entries.map((entry) => entry.item["container-title-short"])).toEqual([
      "CMAJ",
      "J Am Acad Dermatol",
      "Arch Dermatol",
    ]);
    expect(ris.entries[2]?.item.DOI).toBe("10.1001/archderm.144.12.1560");
  });

  it("turn capital initials into initials citeproc keeps (DR → D. R.)", () => {
    const bib = parseBibliography({
      path: "input.bib",
      text: read(path.join(fixtures, "bibtex/input.bib")),
    });
    expect(bib.entries[1]?.item.author?.[2]).toEqual({ family: "Miller", given: "D. R." });
  });

  it("accept upper-case extensions and .bibtex", () => {
    const text = "@article{a1, title = {T}, author = {Doe, J.}, journal = {J}, year = 2000}";
    expect(
      parseBibliography({ path: "refs.BIBTEX", text }).entries.map((entry) => entry.key),
    ).toEqual(["a1"]);
  });
});

describe("problems", () => {
  const only = (result: { problems: BibliographyProblem[] }) => result.problems.map(problemLine);

  it("convert a JSON.parse failure without a position to line and column", () => {
    // Node 20 gives no position for "Unexpected token"; the scanner finds it.
    const text = '[\n  { "id": "a", "type": \'article-journal\' }\n]\n';
    expect(only(parseBibliography({ path: "x.json", text }))).toEqual([
      "2:24 error bibliography-malformed Malformed JSON: found `'`, expected a value (an object, array, string, number, `true`, `false` or `null`). JSON strings use double quotes.",
    ]);
  });

  it("report an unterminated string and the end of the file", () => {
    expect(only(parseBibliography({ path: "x.json", text: '[{"id": "a\n}]' }))[0]).toMatch(
      /^1:11 error bibliography-malformed Malformed JSON: found a line break, expected `"` to close the string opened at line 1, column 9\./,
    );
    expect(only(parseBibliography({ path: "x.json", text: "" }))[0]).toMatch(
      /^1:1 error bibliography-malformed Malformed JSON: found the end of the file, expected a value/,
    );
    expect(only(parseBibliography({ path: "x.json", text: '[{"id": "a"}' }))[0]).toMatch(
      /^1:13 error .* found the end of the file, expected `,` or `\]`/,
    );
  });

  it("accept an empty JSON array and a byte order mark", () => {
    expect(parseBibliography({ path: "x.json", text: "[]" })).toEqual({
      entries: [],
      problems: [],
    });
    const result = parseBibliography({
      path: "x.json",
      text: '\uFEFF[{"id": "a", "type": "book", "title": "T"}]',
    });
    expect(result.problems).toEqual([]);
    expect(result.entries[0]).toMatchObject({ key: "a", line: 1, column: 3 });
  });

  it("name an unknown extension", () => {
    expect(only(parseBibliography({ path: "refs.txt", text: "x" }))).toEqual([
      "1:1 error bibliography-malformed Unknown bibliography format `.txt`, expected a `.json` (CSL-JSON), `.bib`/`.bibtex` or `.ris` file. Export the references in one of these formats.",
    ]);
  });

  it("report files with no entries in them", () => {
    expect(
      only(parseBibliography({ path: "x.bib", text: "https://doi.org/10.1000/182\n" }))[0],
    ).toMatch(/Found no BibTeX entry/);
    expect(
      only(parseBibliography({ path: "x.ris", text: "https://doi.org/10.1000/182\n" }))[0],
    ).toMatch(/outside a record/);
    expect(parseBibliography({ path: "x.bib", text: "% only a comment\n" }).problems).toEqual([]);
  });

  it("read numeric ids and text variables as strings", () => {
    const text = JSON.stringify([
      { id: 7, type: "article-journal", volume: 65, issue: 1, title: "T" },
    ]);
    const [entry] = parseBibliography({ path: "x.json", text }).entries;
    expect(entry?.key).toBe("7");
    expect(entry?.item).toMatchObject({ id: "7", volume: "65", issue: "1" });
  });

  it("never throw, and keep every position inside the file", () => {
    const alphabet = fc.constantFrom(..."@{}(),=\"'%#\\ \n\tabcTYER-  0123:[]".split(""));
    const inputs = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 120 }),
      fc.json().map((json) => json.slice(0, Math.max(0, json.length - 1))),
      fc.json(),
    );
    fc.assert(
      fc.property(inputs, fc.constantFrom("x.json", "x.bib", "x.ris"), (text, file) => {
        const result = parseBibliography({ path: file, text });
        const lineCount = text.split("\n").length;
        for (const problem of result.problems) {
          expect(problem.line).toBeGreaterThanOrEqual(1);
          expect(problem.line).toBeLessThanOrEqual(lineCount);
          expect(problem.column).toBeGreaterThanOrEqual(1);
          expect(problem.message).not.toBe("");
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  it("find a JSON syntax error exactly when JSON.parse does", () => {
    const mutated = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom("", ",", "}", "]", '"', ":", "x", "\n", "\\", "{", "["),
      )
      .map(([json, at, insert]) => {
        const index = at % (json.length + 1);
        return `[${json.slice(0, index)}${insert}${json.slice(index)}]`;
      });
    fc.assert(
      fc.property(mutated, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const malformedJson = parseBibliography({ path: "x.json", text }).problems.some((problem) =>
          problem.message.startsWith("Malformed JSON"),
        );
        expect(malformedJson).toBe(!valid);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });
});

describe("narrativeNames", () => {
  const item = (extra: Partial<CslItem>): CslItem => ({
    id: "k",
    type: "article-journal",
    ...extra,
  });
  it("names one, two or three and more authors as AMA does", () => {
    expect(narrativeNames(item({ author: [{ family: "Chatterjee", given: "S." }] }))).toBe(
      "Chatterjee",
    );
    expect(narrativeNames(item({ author: [{ family: "Walsh" }, { family: "Fairley" }] }))).toBe(
      "Walsh and Fairley",
    );
    expect(
      narrativeNames(
        item({ author: [{ family: "Zizic" }, { family: "Marcoux" }, { family: "Hungerford" }] }),
      ),
    ).toBe("Zizic et al");
    expect(
      narrativeNames(item({ author: [{ family: "Gogh", "non-dropping-particle": "van" }] })),
    ).toBe("van Gogh");
  });

  it("falls back to a literal name, the title's first words, then the key", () => {
    expect(narrativeNames(item({ author: [{ literal: "World Health Organization" }] }))).toBe(
      "World Health Organization",
    );
    expect(
      narrativeNames(
        item({ title: "Guidelines for the management of lupus nephritis: 2019 update" }),
      ),
    ).toBe("Guidelines for the management");
    expect(narrativeNames(item({ title: "Lupus: an update" }))).toBe("Lupus");
    expect(narrativeNames(item({}))).toBe("k");
  });

  it("reads the seed's authors", () => {
    expect(seedItems().map(narrativeNames)).toEqual([
      "Reiter et al",
      "Enoch et al",
      "Mandelbrot et al",
      "Abu-Shakra et al",
      "Saini and Saifuddin",
      "Zizic et al",
      "Salesi et al",
      "Fajardo-Hermosillo et al",
      "Perez-Pampin et al",
      "Chatterjee",
      "Walsh and Fairley",
      "Wolf et al",
    ]);
  });
});

describe("reference formatter", () => {
  const many = (count: number): CslItem[] =>
    Array.from({ length: count }, (_, index) => ({
      id: `ref${index}`,
      type: "article-journal",
      author: [
        { family: `Author${index}`, given: "A. B." },
        { family: "Second", given: "C." },
        { family: "Third", given: "D." },
      ],
      title: `Finding number ${index}`,
      "container-title-short": "J Am Acad Dermatol",
      volume: String(index % 90),
      issue: "1",
      page: `${index}-${index + 9}`,
      issued: { "date-parts": [[1990 + (index % 30)]] },
    }));

  // Its speed is measured by `npm run bench` (the ×50 manuscript), never in a timed test.
  it("formats 500 references in one pass, in the order given", () => {
    const printed = jaad.format(many(500));
    expect(printed).toHaveLength(500);
    expect(printed[499]).toBe(
      "Author499 AB, Second C, Third D. Finding number 499. <i>J Am Acad Dermatol</i>. 2009;49(1):499-508.",
    );
  });

  it("is cached per style and locale, and keeps the order it is given", () => {
    const again = createReferenceFormatter({
      name: "jaad-case-reports",
      xml: read(path.join(repo, "templates/jaad-case-reports/jaad.csl")),
    });
    expect(again).toBe(jaad);
    const items = seedItems();
    const reversed = [...items].reverse();
    expect(jaad.format(reversed)).toEqual([...jaad.format(items)].reverse());
    expect(jaad.format([])).toEqual([]);
    const [first] = items;
    if (!first) throw new Error("seed is empty");
    expect(jaad.format([first, first])).toHaveLength(2);
  });

  it("does not change the items it formats", () => {
    const items = seedItems();
    const copy = structuredClone(items);
    jaad.format(items);
    expect(items).toEqual(copy);
  });

  it("falls back to en-US for a locale citation-js lacks", () => {
    const formatter = createReferenceFormatter(
      {
        name: "jaad-case-reports",
        xml: read(path.join(repo, "templates/jaad-case-reports/jaad.csl")),
      },
      "xx-XX",
    );
    expect(formatter.locale).toBe("en-US");
  });

  it("prints the preprint style differently from the JAAD style", () => {
    const items = seedItems();
    const jaadLines = jaad.format(items);
    const preprintLines = preprint.format(items);
    expect(preprintLines[0]).toBe(
      "Reiter N, El-Shabrawi L, Leinweber B, Berghold A, Aberer E. Calcinosis cutis: part I. Diagnostic pathway. J Am Acad Dermatol. 2011 Jul;65(1):1-12; quiz 3-4. doi:10.1016/j.jaad.2010.08.038",
    );
    for (const [index, line] of preprintLines.entries()) expect(line).not.toBe(jaadLines[index]);
  });

  it("prints an item with nothing to print as an empty string, not as its number", () => {
    expect(jaad.format([{ id: "only-a-key" }])).toEqual([""]);
  });

  it("keeps CSL-JSON rich text in titles and escapes the rest", () => {
    const [entry] = jaad.format([
      {
        id: "t",
        type: "article-journal",
        title: "<i>Staphylococcus aureus</i> & <script>x</script>",
      },
    ]);
    expect(entry).toBe("<i>Staphylococcus aureus</i> &#38; &#60;script&#62;x&#60;/script&#62;.");
  });

  it("rejects a style that is not CSL", () => {
    expect(() => createReferenceFormatter({ name: "broken", xml: "<html></html>" })).toThrow(
      'The CSL style "broken" has no <bibliography> element',
    );
  });
});

describe("isolation", () => {
  it("imports citation-js in scripts/bibliography/citation-js.ts only", () => {
    const importers: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "fixtures" && entry.name !== "node_modules") walk(file);
        } else if (/\.(?:[cm]?[jt]s)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
          if (
            /(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)["']@citation-js\//.test(
              read(file),
            )
          ) {
            importers.push(path.relative(repo, file));
          }
        }
      }
    };
    walk(path.join(repo, "scripts"));
    walk(path.join(repo, "tests"));
    expect(importers).toEqual(["scripts/bibliography/citation-js.ts"]);
  });

  it("never opens a connection or a child process while reading and formatting", () => {
    // A child Node process whose network and process functions are trapped before
    // citation-js loads (sync-fetch keeps its own reference to execFileSync).
    const folder = mkdtempSync(path.join(tmpdir(), "casepress-network-"));
    try {
      const trap = path.join(folder, "trap.mjs");
      writeFileSync(
        trap,
        `import childProcess from "node:child_process";
import net from "node:net";
const state = { on: false, calls: [] };
globalThis.__casepressTrap = state;
const guard = (name, original) => function (...args) {
  if (state.on) { state.calls.push(name); throw new Error("blocked: " + name); }
  return original.apply(this, args);
};
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  childProcess[name] = guard("child_process." + name, childProcess[name]);
}
net.Socket.prototype.connect = guard("net.Socket.connect", net.Socket.prototype.connect);
globalThis.fetch = guard("fetch", globalThis.fetch);
`,
      );
      const script = path.join(folder, "run.mjs");
      const library = path.join(repo, "scripts/bibliography/bibliography.ts");
      const style = path.join(repo, "templates/jaad-case-reports/jaad.csl");
      writeFileSync(
        script,
        `import { readFileSync } from "node:fs";
import https from "node:https";
const { parseBibliography, createReferenceFormatter } = await import(${JSON.stringify(library)});
const state = globalThis.__casepressTrap;
const sources = [
  { path: "a.json", text: JSON.stringify([{ id: "x", type: "article-journal", title: "https://example.org/t", URL: "https://example.org/x", DOI: "https://doi.org/10.1000/182" }]) },
  { path: "b.json", text: JSON.stringify("https://doi.org/10.1000/182") },
  { path: "c.bib", text: "@article{y, title = {https://example.org/y}, url = {https://example.org/y}, doi = {10.1000/182}}" },
  { path: "d.bib", text: "https://doi.org/10.1000/182" },
  { path: "e.bib", text: "10.1000/182" },
  { path: "f.ris", text: "TY  - JOUR\\nID  - z\\nUR  - https://example.org/z\\nDO  - 10.1000/182\\nER  - \\n" },
  { path: "g.ris", text: "https://doi.org/10.1000/182" },
];
state.on = true;
let entries = 0;
const formatter = createReferenceFormatter({ name: "trap", xml: readFileSync(${JSON.stringify(style)}, "utf8") });
for (const source of sources) {
  const result = parseBibliography(source);
  entries += result.entries.length;
  formatter.format(result.entries.map((entry) => entry.item));
}
const calls = [...state.calls];
try { https.get("https://example.invalid/"); } catch {}
const control = state.calls.slice(calls.length);
state.on = false;
console.log(JSON.stringify({ calls, control, entries }));
`,
      );
      const output = execFileSync(process.execPath, ["--import", trap, "--import", "tsx", script], {
        cwd: repo,
        encoding: "utf8",
      });
      const report = JSON.parse(output.trim().split("\n").pop() ?? "{}") as {
        calls: string[];
        control: string[];
        entries: number;
      };
      expect(report.entries).toBe(3);
      expect(report.calls).toEqual([]);
      expect(report.control).toContain("net.Socket.connect");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
