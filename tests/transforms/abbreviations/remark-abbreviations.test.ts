/** The abbreviation checker: fixture folders per rule, the word rules, the sample, speed. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../../scripts/diagnostics/rules.ts";
import {
  findLongFormStart,
  isExplainedAfter,
  sameLongForm,
} from "../../../scripts/transforms/abbreviations/abbreviation-long-form.ts";
import {
  abbreviationKey,
  intrinsicSkip,
  isAbbreviationLike,
  isChemicalFormula,
  isRomanNumeral,
} from "../../../scripts/transforms/abbreviations/abbreviation-tokens.ts";
import { checkAbbreviations } from "../../../scripts/transforms/abbreviations/remark-abbreviations.ts";
import {
  collapseHtml,
  compileFile,
  compileMarkdown,
  frontMatter,
  messagesOf,
  renderHtml,
  repositoryDirectory,
  runFixture,
} from "../../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "..", "fixtures", "abbreviations");
const own = (id: string) => id.startsWith("abbreviation-");
const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe("abbreviation fixtures (input.md → expected-messages.txt, expected.html)", () => {
  for (const name of cases) {
    it(name, async () => {
      const run = await runFixture(join(fixtures, name), own);
      expect(run.messages).toEqual(run.expectedMessages);
      expect(run.missingHtml).toEqual([]);
    });
  }

  it("cover every abbreviation rule", () => {
    const expected = cases.flatMap((name) =>
      readFileSync(join(fixtures, name, "expected-messages.txt"), "utf8").split("\n"),
    );
    const covered = new Set(expected.map((line) => line.split(" ")[2]).filter(Boolean));
    const ids = Object.keys(rules).filter(own);
    expect(ids.filter((id) => !covered.has(id))).toEqual([]);
  });

  it("use each rule's registry severity", () => {
    const expected = cases.flatMap((name) =>
      readFileSync(join(fixtures, name, "expected-messages.txt"), "utf8")
        .split("\n")
        .filter(Boolean),
    );
    for (const line of expected) {
      const [, severity, id] = line.split(" ");
      expect(rules[id as keyof typeof rules].severity, line).toBe(severity);
    }
  });
});

describe("abbreviation-like words", () => {
  it("are two capitals or more, or a lowercase start with a capital", () => {
    for (const word of ["SLE", "APLAs", "aCL", "mRNA", "eGFR", "CD4", "IgG"]) {
      expect(isAbbreviationLike(word), word).toBe(true);
    }
    for (const word of ["Lupus", "lupus", "T1", "X", "mm", "mm³", "Fig"]) {
      expect(isAbbreviationLike(word), word).toBe(false);
    }
  });

  it("match plurals by a key without the plural s, case-sensitively", () => {
    expect(abbreviationKey("APLAs")).toBe("APLA");
    expect(abbreviationKey("CDs")).toBe("CD");
    expect(abbreviationKey("aCL")).toBe("aCL");
    expect(abbreviationKey("As")).toBe("As");
    expect(abbreviationKey("ACL")).not.toBe(abbreviationKey("aCL"));
  });

  it("skip units, Roman numerals, chemical formulas and camel-case names", () => {
    expect(intrinsicSkip("dL")).toBe("unit");
    expect(intrinsicSkip("mmHg")).toBe("unit");
    expect(intrinsicSkip("III")).toBe("roman numeral");
    expect(intrinsicSkip("XIV")).toBe("roman numeral");
    expect(intrinsicSkip("CO2")).toBe("chemical formula");
    expect(intrinsicSkip("NaCl")).toBe("chemical formula");
    expect(intrinsicSkip("McDonald")).toBe("name");
    // Not skipped: IV may mean intravenous; runs of one-letter symbols read as abbreviations.
    for (const word of ["IV", "HIV", "CHF", "BUN", "CD", "MD", "LV"]) {
      expect(intrinsicSkip(word), word).toBeUndefined();
    }
    expect(isRomanNumeral("IV")).toBe(true);
    expect(isChemicalFormula("H2O")).toBe(true);
    expect(isChemicalFormula("HbA1c")).toBe(false);
  });
});

describe("long forms", () => {
  it("are found by their letters in order, the first starting a word", () => {
    const words = "the erythrocyte sedimentation rate".split(" ");
    expect(findLongFormStart(words, "ESR")).toBe(1);
    expect(findLongFormStart("with anticardiolipin antibody".split(" "), "aCL")).toBe(1);
    expect(findLongFormStart("positive antiphospholipid antibodies".split(" "), "APLA")).toBe(1);
    expect(findLongFormStart(["Yes"], "aCL")).toBeUndefined();
  });

  it("compare ignoring case, hyphens and plural endings", () => {
    expect(sameLongForm("Anticardiolipin antibody", "anticardiolipin antibody")).toBe(true);
    expect(sameLongForm("antiphospholipid antibodies", "antiphospholipid antibody")).toBe(true);
    expect(sameLongForm("hematoxylin-eosin", "hematoxylin eosin")).toBe(true);
    expect(sameLongForm("lupus antibody", "lupus anticoagulant")).toBe(false);
  });

  it("can follow a name spelled out by initials", () => {
    const after =
      "syndrome for calcinosis Raynaud phenomenon esophageal dysmotility sclerodactyly and telangiectasia";
    expect(isExplainedAfter(after.split(" "), "CREST")).toBe(true);
    expect(isExplainedAfter("was normal in all patients".split(" "), "CREST")).toBe(false);
  });
});

describe("remarkAbbreviations", () => {
  it("reports an unlisted “(ESR)” as an error on its line, with the fix", async () => {
    const markdown = `${frontMatter()}\n# Case report\n\nThe erythrocyte sedimentation rate (ESR) was 142 mm/h.\n`;
    const { file } = await compileMarkdown(markdown);
    const [message] = messagesOf(file, "abbreviation-unlisted-definition");
    expect(message?.line).toBe(
      markdown.split("\n").findIndex((line) => line.includes("(ESR)")) + 1,
    );
    expect(message?.column).toBe(37);
    expect(message?.fatal).toBe(true);
    expect(message?.reason).toContain("add `ESR: erythrocyte sedimentation rate` to the list");
  });

  it("suggests the listed spelling of a word written in other capitals", async () => {
    const { file } = await compileMarkdown(
      `${frontMatter("abbreviations:", "  aCL: anticardiolipin antibody")}\n# Case report\n\nHer anticardiolipin antibody (aCL) and ACL tests.\n`,
    );
    expect(messagesOf(file, "abbreviation-unlisted")[0]?.reason).toContain("Did you mean `aCL`?");
  });

  it("reads running text without tables: a table before the definition is fine", async () => {
    const markdown = [
      frontMatter("abbreviations:", "  AVN: avascular necrosis"),
      "# Case report",
      "",
      "The cases (@tbl-cases) had bone infarcts.",
      "",
      ":::table{#tbl-cases}",
      "Cases",
      "",
      "| Case | Bone |",
      "| --- | --- |",
      "| 1 | AVN of the femoral head |",
      ":::",
      "",
      "It mostly takes the form of avascular necrosis (AVN).",
      "",
    ].join("\n");
    const { file } = await compileMarkdown(markdown);
    expect(file.messages.filter((message) => own(message.ruleId ?? ""))).toEqual([]);
  });

  it("skips author degrees, hemoglobin variants, the allow-list and abbreviations-ignore", async () => {
    const markdown = `${frontMatter("abbreviations-ignore: [TNF]")}\n# Case report\n\nSeen by Jane Roe, MD, PhD. No hemoglobin SC disease, HIV, DNA damage or TNF excess; stage IV.\n`;
    const { file } = await compileMarkdown(markdown);
    expect(file.messages.filter((message) => own(message.ruleId ?? ""))).toEqual([]);
  });

  it("leaves citations and cross-references intact while marking uses", async () => {
    const markdown = [
      frontMatter("abbreviations:", "  SLE: systemic lupus erythematosus"),
      "# Case report",
      "",
      "In systemic lupus erythematosus (SLE), it is rare (@fig-none). SLE again.",
      "",
    ].join("\n");
    const compiled = await compileMarkdown(markdown);
    const paragraph = compiled.tree.children
      .flatMap((node) => ("children" in node ? node.children : []))
      .find((node) => node.type === "paragraph");
    const types = paragraph && "children" in paragraph ? paragraph.children.map((n) => n.type) : [];
    expect(types).toContain("crossReference");
    const html = collapseHtml(await renderHtml(compiled));
    expect(html).toContain('(<abbr title="systemic lupus erythematosus">SLE</abbr>), it is rare');
    expect(html).toContain('<abbr title="systemic lupus erythematosus">SLE</abbr> again.');
  });

  it("matches listed abbreviations written with a hyphen (IL-6)", async () => {
    const markdown = `${frontMatter("abbreviations:", "  IL-6: interleukin 6")}\n# Case report\n\nThe interleukin 6 (IL-6) level was high; IL-6 fell. Later interleukin 6 rose.\n`;
    const compiled = await compileMarkdown(markdown);
    const found = compiled.file.messages.filter((message) => own(message.ruleId ?? ""));
    expect(found.map((message) => message.ruleId)).toEqual(["abbreviation-long-form-repeated"]);
    expect(collapseHtml(await renderHtml(compiled))).toContain(
      '; <abbr title="interleukin 6">IL-6</abbr> fell.',
    );
  });

  it("is idempotent: a second run changes nothing in the tree", async () => {
    const { tree, file } = await compileMarkdown(
      `${frontMatter("abbreviations:", "  SLE: systemic lupus erythematosus")}\n# Case report\n\nIn systemic lupus erythematosus (SLE), SLE and SLE.\n`,
    );
    const before = JSON.stringify(tree);
    checkAbbreviations(tree, file);
    expect(JSON.stringify(tree)).toBe(before);
  });

  it("finds nothing to report in the sample manuscript", async () => {
    const { file } = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
      root: repositoryDirectory,
    });
    expect(file.messages.filter((message) => own(message.ruleId ?? ""))).toEqual([]);
  });
});
