/**
 * The sample's HTML must pass the W3C Nu HTML checker (vnu-jar, run with Java). Skipped, with
 * the reason shown, when no Java runtime is installed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile, compileFixture, renderHtml, repositoryDirectory } from "../helpers.ts";

const vnu = join(repositoryDirectory, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
const java = spawnSync("java", ["-version"], { stdio: "ignore" });
const javaMissing = java.error !== undefined || java.status !== 0;

interface VnuMessage {
  type: string;
  url?: string;
  message: string;
  lastLine?: number;
  extract?: string;
}

function validate(paths: string[]): string[] {
  const result = spawnSync("java", ["-jar", vnu, "--errors-only", "--format", "json", ...paths], {
    encoding: "utf8",
  });
  // vnu writes its JSON report to stderr and exits 1 when it finds errors; the cast names its shape.
  const report = JSON.parse(result.stderr || result.stdout) as { messages: VnuMessage[] };
  return report.messages
    .filter((message) => message.type === "error")
    .map(
      (message) =>
        `${message.url}:${message.lastLine}: ${message.message} ${message.extract ?? ""}`,
    );
}

/** Fixtures whose HTML should be valid too: figures, panels, grids and tables. */
const fixtures = [
  "figures/panels",
  "figures/grid",
  "tables/pipe",
  "tables/csv",
  "cross-references/forward",
];

describe("HTML validity (W3C Nu checker)", () => {
  it("finds no errors in the sample's HTML nor in the figure and table fixtures", async (context) => {
    context.skip(javaMissing, "java is not installed, so the Nu checker (vnu.jar) cannot run");
    const directory = mkdtempSync(join(tmpdir(), "casepress-vnu-"));
    const sample = await compileFile(join(repositoryDirectory, "manuscript", "case-report.md"), {
      root: repositoryDirectory,
    });
    const paths = [join(directory, "case-report.html")];
    writeFileSync(paths[0] ?? "", await renderHtml(sample));
    for (const fixture of fixtures) {
      const { html } = await compileFixture(join(import.meta.dirname, "..", "fixtures", fixture));
      const path = join(directory, `${fixture.replace("/", "-")}.html`);
      writeFileSync(path, html);
      paths.push(path);
    }
    expect(validate(paths)).toEqual([]);
  }, 60_000);
});
