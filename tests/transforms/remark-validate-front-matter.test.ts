/** remarkValidateFrontMatter: parse plus this one plugin, on fixture folders and inline input. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { remarkValidateFrontMatter } from "../../scripts/transforms/remark-validate-front-matter.ts";
import { runFixtureFolder, testFixtures } from "../fixture-runner.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "front-matter");
const plugins = [remarkValidateFrontMatter];

describe("remarkValidateFrontMatter fixtures (input.md → expected-messages.txt)", () => {
  testFixtures(fixtures, { plugins });
});

describe("front matter messages", () => {
  it("suggests the closest known key for a typo", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "unknown-keys"), { plugins });
    const reasons = file.messages.map((message) => message.reason);
    expect(reasons).toContain(
      "Unknown key `titel` in front matter; it is ignored. Did you mean `title`?",
    );
    expect(reasons).toContain(
      "Unknown key `degree` in `authors.0`; it is ignored. Did you mean `degrees`?",
    );
    expect(reasons).toContain(
      "Unknown key `volumne` in `publication`; it is ignored. Did you mean `volume`?",
    );
  });

  it("accepts the abstract and every statement key, and says what an abstract must be", async () => {
    const valid = await runFixtureFolder(join(fixtures, "statements-abstract"), { plugins });
    expect(valid.messages).toEqual([]);
    expect(valid.file.data.frontMatter?.abstract).toEqual({
      Introduction: "Leg ulcers are rare.",
      Case: "A woman had them.",
    });
    expect(valid.file.data.frontMatter?.["patient-perspective"]).toBe(
      "I am glad the ulcers healed.",
    );
    const wrong = await runFixtureFolder(join(fixtures, "abstract-wrong-type"), { plugins });
    const reasons = wrong.file.messages.map((message) => message.reason);
    expect(reasons).toContain(
      "Unexpected a list for `abstract`, expected text or a mapping of headings to text.",
    );
    expect(reasons).toContain(
      "Unknown key `concent` in front matter; it is ignored. Did you mean `consent`?",
    );
  });

  it("keeps valid data when only unknown keys are wrong", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "unknown-keys"), { plugins });
    expect(file.data.frontMatter?.title).toBe("A case");
    expect(file.data.frontMatter?.authors[0]?.name).toBe("Ada Test");
  });

  it("reports a YAML syntax error at its place, says what it found, and keeps no data", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "yaml-syntax"), { plugins });
    const [yaml, ...others] = file.messages;
    expect(others).toEqual([]);
    expect(yaml?.ruleId).toBe("front-matter-yaml");
    expect(yaml?.fatal).toBe(true);
    expect(yaml?.reason).toMatch(
      /^Invalid YAML in the front matter: Flow sequence .* end with a \]/,
    );
    expect(file.data.frontMatter).toBeUndefined();
  });

  it("parses the valid fixture into typed data", async () => {
    const { file } = await runFixtureFolder(join(fixtures, "valid"), { plugins });
    const data = file.data.frontMatter;
    expect(data?.authors[0]?.degrees).toEqual(["MD", "PhD"]);
    expect(data?.publication?.volume).toBe("2");
    expect(data?.abbreviations).toEqual({ SLE: "systemic lupus erythematosus" });
  });
});
