import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBibliography } from "../../scripts/bibliography/bibliography.ts";
import { problemLine } from "./helpers.ts";

describe("CSL-JSON problems", () => {
  const only = (result: { problems: Parameters<typeof problemLine>[0][] }) =>
    result.problems.map(problemLine);

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
