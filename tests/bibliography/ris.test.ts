import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtures, jaad, parse, read, seedItems } from "./helpers.ts";

const risFixture = () => parse("input.ris", read(path.join(fixtures, "ris/input.ris")));

describe("RIS", () => {
  it("prints the same entries as the CSL-JSON of the same references", () => {
    const items = seedItems();
    const printed = jaad.format(items);
    const expected = new Map(items.map((item, index) => [item.id, printed[index]]));
    const ris = risFixture();
    expect(ris.problems).toEqual([]);
    // The third record has no ID tag, so its key is generated.
    expect(ris.entries.map((entry) => entry.key)).toEqual(["chatterjee2006", "walsh1995", "ris-3"]);
    expect(jaad.format(ris.entries.map((entry) => entry.item))).toEqual(
      ["chatterjee2006", "walsh1995", "wolf2008"].map((key) => expected.get(key)),
    );
  });

  it("keeps the NLM abbreviation from J2/JA and the DOI from DO", () => {
    const ris = risFixture();
    expect(ris.entries.map((entry) => entry.item["container-title-short"])).toEqual([
      "CMAJ",
      "J Am Acad Dermatol",
      "Arch Dermatol",
    ]);
    expect(ris.entries[2]?.item.DOI).toBe("10.1001/archderm.144.12.1560");
  });

  it("reports each record without ER at its TY line, naming the next TY's line", () => {
    const count = 3000;
    const text = Array.from(
      { length: count },
      (_, index) => `TY  - JOUR\nID  - r${index}\nTI  - T`,
    ).join("\n");
    const result = parse("x.ris", text);
    const unended = result.problems.filter((problem) => problem.rule === "bibliography-malformed");
    expect(unended).toHaveLength(count);
    expect(unended[0]?.message).toContain("found the next `TY` at line 4");
    expect(unended.at(-2)?.message).toContain(`found the next \`TY\` at line ${3 * count - 2}`);
    expect(unended.at(-1)).toMatchObject({ line: 3 * count - 2, column: 1 });
    expect(result.entries).toHaveLength(count);
  });
});
