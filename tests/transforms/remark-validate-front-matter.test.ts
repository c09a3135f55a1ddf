import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile, messageLines, readText } from "../helpers.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "front-matter");

describe("remarkValidateFrontMatter fixtures", () => {
  for (const name of readdirSync(fixtures).sort()) {
    const folder = join(fixtures, name);
    const expectedFile = join(folder, "expected-messages.txt");
    it.skipIf(name === "yaml-syntax")(
      `${name}: reports exactly the expected front matter problems`,
      async () => {
        const { file } = await compileFile(join(folder, "input.md"));
        const frontMatterMessages = file.messages.filter(
          (message) => message.source === "casepress-front-matter",
        );
        file.messages = frontMatterMessages;
        const expected = (await readText(expectedFile)).split("\n").filter(Boolean);
        expect(messageLines(file)).toEqual(expected);
      },
    );
  }
});

describe("front matter messages", () => {
  it("suggests the closest known key for a typo", async () => {
    const { file } = await compileFile(join(fixtures, "unknown-keys", "input.md"));
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

  it("keeps valid data when only unknown keys are wrong", async () => {
    const { file } = await compileFile(join(fixtures, "unknown-keys", "input.md"));
    expect(file.data.frontMatter?.title).toBe("A case");
    expect(file.data.frontMatter?.authors[0]?.name).toBe("Ada Test");
  });

  it("reports a YAML syntax error at its line with an error", async () => {
    const { file } = await compileFile(join(fixtures, "yaml-syntax", "input.md"));
    const yaml = file.messages.filter((message) => message.ruleId === "front-matter-yaml");
    expect(yaml.length).toBeGreaterThan(0);
    expect(yaml[0]?.fatal).toBe(true);
    expect(yaml[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("parses the valid fixture into typed data", async () => {
    const { file } = await compileFile(join(fixtures, "valid", "input.md"));
    const data = file.data.frontMatter;
    expect(data?.authors[0]?.degrees).toEqual(["MD", "PhD"]);
    expect(data?.publication?.volume).toBe("2");
    expect(data?.abbreviations).toEqual({ SLE: "systemic lupus erythematosus" });
  });
});
