/** The exemptions from real data and grammars, the new long-form readers, and `data.reason`. */
import { rm } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { toJsonReport } from "../../../scripts/diagnostics/format-messages.ts";
import {
  authorInitials,
  isAccession,
  isCdAntigen,
  isCountryCode,
  isVariant,
  tokenExemption,
} from "../../../scripts/transforms/abbreviations/abbreviation-exemptions.ts";
import {
  findInitialsLongFormStart,
  findLongFormStart,
  findReorderedLongFormStart,
  reorderWork,
  sameWordsAnyOrder,
} from "../../../scripts/transforms/abbreviations/abbreviation-long-form.ts";
import {
  isChemicalFormula,
  needsLongForm,
  unitSymbols,
} from "../../../scripts/transforms/abbreviations/abbreviation-tokens.ts";
import { compileMarkdown, frontMatter } from "../../helpers.ts";

describe("exemptions", () => {
  it("read HGVS variants and their short forms, and nothing else", () => {
    for (const token of ["D57G", "R3018X", "Y151X", "H102R", "C5082A", "Asp92Tyr", "46delAG"]) {
      expect([token, isVariant(token)]).toEqual([token, true]);
    }
    for (const token of ["SLE", "CD4", "DV", "q3W", "MHC"]) {
      expect([token, isVariant(token)]).toEqual([token, false]);
    }
  });

  it("read accession and clone numbers, CD antigens and country codes", () => {
    expect(["PRJNA411769", "EPR11035", "2E3GC12FB2AE2", "21A11AE7"].map(isAccession)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["PPP4R1", "TP53", "CD56", "NCBI"].map(isAccession)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(["CD4", "CD56", "CD45RA", "CD1a"].map(isCdAntigen)).toEqual([true, true, true, true]);
    expect(["CDK4", "CD", "CDX2"].map(isCdAntigen)).toEqual([false, false, false]);
    expect(["US", "ML", "USA", "XX", "CT"].map(isCountryCode)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("take UCUM units from the data file, mixed case only", () => {
    for (const unit of ["mU", "mIU", "kPa", "MBq", "mmHg", "IU"])
      expect(unitSymbols.has(unit)).toBe(true);
    for (const token of ["MS", "PA", "GT"]) expect(unitSymbols.has(token)).toBe(false);
  });

  it("say why a token is exempt on its own", () => {
    expect(tokenExemption("cDNA")).toMatch(/AMA/);
    expect(tokenExemption("AE1")).toMatch(/clone/);
    expect(tokenExemption("mtDNA")).toBeUndefined();
  });

  it("find mixed-case abbreviations that are neither formulas nor names", () => {
    expect(needsLongForm("CrCd")).toBe(true);
    expect(isChemicalFormula("CrCd")).toBe(false);
    expect(needsLongForm("NaCl")).toBe(false);
    expect(needsLongForm("McDonald")).toBe(false);
  });

  it("derive author initials from names", () => {
    expect(authorInitials("Dmitry V. Kalinin")).toEqual(["DVK", "DK"]);
    expect(authorInitials("Jean-Pierre van Roe")).toEqual(["JPR"]);
  });
});

describe("long forms in every order", () => {
  it("read reordered and plural long forms", () => {
    const words = ["Paragangliomas", "of", "the", "head", "and", "neck"];
    expect(findLongFormStart(words, "HNPGL")).toBeUndefined();
    expect(findReorderedLongFormStart(words, "HNPGL")).toBe(0);
    expect(findReorderedLongFormStart(["vagal"], "VPGL")).toBeUndefined();
    expect(
      sameWordsAnyOrder("Paragangliomas of the head and neck", "Head and neck paraganglioma"),
    ).toBe(true);
  });

  it("bound the reordering search on words that share their initials", () => {
    reorderWork.steps = 0;
    const words = Array.from({ length: 17 }, () => "aab");
    expect(findReorderedLongFormStart(words, "AAAAAAAAAAAB")).toBeUndefined();
    expect(reorderWork.steps).toBeLessThanOrEqual(2100);
  });

  it("read digits first and initials with one slip", () => {
    expect(findLongFormStart(["6", "mercaptopurine"], "6-MP")).toBe(0);
    const words = "the Glasgow Composite Measure Pain Scale Short Form".split(" ");
    expect(findInitialsLongFormStart(words, "ICMPS‐SF")).toBe(1);
    expect(findInitialsLongFormStart(["antibodies", "from", "Abcam"], "USA")).toBeUndefined();
  });
});

describe("data.reason", () => {
  it("says in JSON why the token counts and what would exempt it", async () => {
    const run = await compileMarkdown(
      `${frontMatter()}\n# Case report\n\nThe SDHB stain and *SDHD* were weak; antibodies from Abcam (USA).\n`,
    );
    try {
      const messages = toJsonReport([run.file]).manuscripts[0]?.messages ?? [];
      const abbreviations = messages.filter((message) => message.rule.startsWith("abbreviation-"));
      expect(abbreviations.map((message) => message.data?.token)).toEqual(["SDHB"]);
      expect(abbreviations[0]?.data?.reason).toMatch(/two or more capitals/);
      expect(abbreviations[0]?.data?.reason).toMatch(/italics \(\*SDHB\*\)/);
    } finally {
      await rm(run.directory, { recursive: true, force: true });
    }
  });
});
