/** The patient-privacy check: each identifier kind in fixtures, quiet on real case reports. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../../scripts/diagnostics/rules.ts";
import {
  compileIdentifiers,
  defaultIdentifiers,
  findIdentifiers,
  type PrivacyWork,
  privacyRules,
  remarkPatientPrivacy,
} from "../../../scripts/transforms/privacy/remark-patient-privacy.ts";
import { remarkValidateFrontMatter } from "../../../scripts/transforms/remark-validate-front-matter.ts";
import {
  remarkLoadFixtureFiles,
  runFixtureFolder,
  runMarkdown,
  testFixtures,
} from "../../fixture-runner.ts";
import { compileFile, repositoryDirectory } from "../../helpers.ts";

const fixtures = join(repositoryDirectory, "tests", "fixtures", "privacy");
const own = (id: string) => id.startsWith("patient-identifier-");
const plugins = [remarkValidateFrontMatter, remarkLoadFixtureFiles, remarkPatientPrivacy];

describe("privacy fixtures (input.md → expected-messages.txt)", () => {
  testFixtures(fixtures, { plugins, keep: own });

  it("have a fixture for every identifier kind", () => {
    const folders = readdirSync(fixtures);
    for (const rule of privacyRules)
      expect(folders).toContain(rule.replace("patient-identifier-", ""));
  });
});

// The whole pipeline, for tables read from CSV files (remark-tables builds their rows).
describe("privacy fixtures through the pipeline", () => {
  testFixtures(join(repositoryDirectory, "tests", "fixtures", "privacy-pipeline"), { keep: own });
});

describe("the identifier data", () => {
  it("names only registered privacy rules, as warnings", () => {
    const named = [
      ...defaultIdentifiers.kinds.map((kind) => kind.rule),
      defaultIdentifiers.imageMetadata.rule,
    ];
    expect(named.sort()).toEqual([...privacyRules].sort());
    for (const rule of privacyRules) expect(rules[rule].severity).toBe("warning");
  });

  it("starts every pattern at a boundary and nests no quantifier, so a scan stays linear", () => {
    for (const kind of defaultIdentifiers.kinds)
      for (const source of kind.patterns) {
        expect(source, source).toMatch(/^(?:\\b|\(\?<!)/);
        // A group holding an unbounded quantifier, itself repeated without bound: (…+)+, (…*){2,}.
        expect(source, source).not.toMatch(/\((?:[^()]|\\\(|\\\))*[+*]\)(?:[+*]|\{\d+,\})/);
      }
  });
});

describe("messages", () => {
  it("say what was found, why, and what to write instead", async () => {
    const { file } = await runMarkdown(
      "# Case\n\nA 92-year-old woman was admitted on 12 March 2019.\n",
      {
        plugins,
      },
    );
    const reasons = file.messages
      .filter((message) => own(message.ruleId ?? ""))
      .map((message) => message.reason);
    expect(reasons).toEqual([
      expect.stringMatching(/^Unexpected age over 89, “92-year-old”: .*; expected “in her 90s”/),
      expect.stringMatching(/^Unexpected full date, “12 March 2019”: .*; expected .*“on day 3”/),
    ]);
  });
});

describe("real case reports", () => {
  const manuscripts = [
    join(repositoryDirectory, "manuscript", "case-report.md"),
    "/work/shared/corpus/bmc-medgenomics-paragangliomas/manuscript/case-report.md",
    "/work/shared/corpus/vetmedsci-hypertrophic-osteopathy-dog/manuscript/case-report.md",
  ];
  for (const path of manuscripts) {
    it(`gives no finding on ${path.includes("corpus") ? path.split("/").slice(-3, -2)[0] : "the sample"}`, async () => {
      const { file } = await compileFile(path, { root: join(path, "..", "..") });
      const found = file.messages.filter((message) => own(message.ruleId ?? ""));
      expect(found.map((message) => `${message.line}:${message.column} ${message.reason}`)).toEqual(
        [],
      );
    });
  }
});

describe("linear work", () => {
  const hostile = [
    "a.".repeat(500),
    "1 ".repeat(500),
    "x@".repeat(500),
    "phone 1-".repeat(100),
    "Mr ".repeat(300),
    "12 March ".repeat(100),
    "9".repeat(1000),
    "A. ".repeat(300),
  ].join(" ");

  function workFor(copies: number): PrivacyWork {
    const work = { characters: 0, matches: 0 };
    findIdentifiers(hostile.repeat(copies), compileIdentifiers(defaultIdentifiers), work);
    return work;
  }

  it("names the person, the date and the GPS position an image carries", async () => {
    const result = await runFixtureFolder(join(fixtures, "image-metadata"), { plugins });
    const found = result.file.messages.filter((message) => own(message.ruleId ?? ""));
    expect(found.map((message) => message.reason)).toEqual([
      expect.stringMatching(
        /`photo\.jpg` naming a person \(“Jane Roe”\), a date \(2019-03-12\), a GPS position: .*exiftool/,
      ),
      expect.stringMatching(
        /`xmp\.jpg` naming a person \(“John Q\. Patient”\), a date \(2020-07-04\)/,
      ),
    ]);
  });

  it("grows in proportion to the text, hostile text included", () => {
    const small = workFor(1);
    const large = workFor(8);
    expect(large.characters).toBeLessThanOrEqual(8 * small.characters + 1000);
    expect(large.matches).toBeLessThanOrEqual(8 * small.matches + 8);
  });
});
