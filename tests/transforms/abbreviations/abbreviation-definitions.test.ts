/**
 * Legend and footnote definitions: read with the same token and long-form rules as the running
 * text, so a word is defined in a legend exactly when the text would ask for its long form.
 */
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { abbreviationDefinitions } from "../../../scripts/transforms/abbreviations/abbreviation-definitions.ts";
import { needsLongForm } from "../../../scripts/transforms/abbreviations/abbreviation-tokens.ts";
import { compileMarkdown, frontMatter, messagesOf } from "../../helpers.ts";

describe("abbreviationDefinitions", () => {
  it("reads footnote definitions as the journal prints them", () => {
    const found = abbreviationDefinitions("aCL, Anticardiolipin antibody; LA, lupus antibody.");
    expect(Object.fromEntries(found)).toEqual({
      aCL: "Anticardiolipin antibody",
      LA: "lupus antibody",
    });
  });

  it('reads "long form (ABBR)" in legends, plurals included', () => {
    const found = abbreviationDefinitions(
      "Stained with hematoxylin-eosin (HE) in a patient with antiphospholipid antibodies (APLAs). (Original magnification: ×4.)",
    );
    expect(Object.fromEntries(found)).toEqual({
      HE: "hematoxylin-eosin",
      APLAs: "antiphospholipid antibodies",
    });
  });

  it("ignores sentences that only look like definitions", () => {
    expect(abbreviationDefinitions("MRI, done 2 years earlier, showed the infarct.").size).toBe(0);
    expect(abbreviationDefinitions("In SLE, ulcers are common. Panels (A) and (B).").size).toBe(0);
    expect(abbreviationDefinitions("Yes (aCL)").size).toBe(0);
  });
});

describe("legends and running text follow one set of rules", () => {
  // pH and mmHg are units and T1 (T1-weighted) a standard term: AMA style defines none of them.
  const standard = ["pH", "mmHg", "T1", "T2", "II", "CO2", "McDonald"];
  const defined = ["SLE", "aCL", "APLAs", "mRNA", "eGFR", "CD4", "IgG", "IL-6"];

  it("need a long form for the same words", () => {
    for (const word of standard) expect(needsLongForm(word), word).toBe(false);
    for (const word of defined) expect(needsLongForm(word), word).toBe(true);
  });

  it("a legend defines a word exactly when the text would ask for its long form", async () => {
    const legend = (word: string) =>
      `${word}, ${word === "T1" ? "time one" : "potential of hydrogen"}`;
    expect(abbreviationDefinitions(legend("T1")).has("T1")).toBe(false);
    expect(abbreviationDefinitions(legend("pH")).has("pH")).toBe(false);
    expect(abbreviationDefinitions("SLE, systemic lupus erythematosus").has("SLE")).toBe(true);

    const { file, directory } = await compileMarkdown(
      `${frontMatter()}\n# Case report\n\nThe T1-weighted image and a skin pH of 5.5 showed SLE.\n`,
    );
    rmSync(directory, { recursive: true, force: true });
    const flagged = messagesOf(file, "abbreviation-unlisted").map(
      (message) => /`([^`]+)`/.exec(message.reason)?.[1],
    );
    expect(flagged).toEqual(["SLE"]);
  });
});
