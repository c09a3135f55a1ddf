import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../scripts/diagnostics/rules.ts";
import { repositoryDirectory } from "../helpers.ts";

const readme = readFileSync(join(repositoryDirectory, "README.md"), "utf8");
const scriptsDirectory = join(repositoryDirectory, "scripts");
const sources = readdirSync(scriptsDirectory, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .filter((name) => name !== join("diagnostics", "rules.ts"))
  .map((name) => readFileSync(join(scriptsDirectory, name), "utf8"))
  .join("\n");

describe("the rule registry", () => {
  it("matches the README's rule table row for row", () => {
    const rows = [
      ...readme.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning|info) \| (.*) \|$/gm),
    ].map((match) => [match[1], match[2]]);
    const registry = Object.entries(rules).map(([id, rule]) => [id, rule.severity]);
    expect(rows).toEqual(registry);
  });

  it("has only rules that some code reports", () => {
    const unused = Object.keys(rules).filter((id) => !sources.includes(`"${id}"`));
    expect(unused).toEqual([]);
  });

  it("knows every rule id the code reports", () => {
    const reported = [...sources.matchAll(/report\(\s*[\w.]+,\s*"([a-z0-9-]+)"/g)].map(
      (match) => match[1],
    );
    const unknown = reported.filter((id) => id !== undefined && !Object.hasOwn(rules, id));
    expect(reported.length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it("uses kebab-case ids and one-sentence docs", () => {
    for (const [id, rule] of Object.entries(rules)) {
      expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(rule.doc).toMatch(/^[A-Z`\\"].*[.)]$/);
    }
  });
});
