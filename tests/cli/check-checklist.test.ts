/** `casepress check --checklist care`: text, JSON and Markdown, and a profile that raises it. */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonChecklistReport } from "../../scripts/diagnostics/format-checklist.ts";
import { checkInProcess, repositoryDirectory } from "../helpers.ts";

const sample = join(repositoryDirectory, "manuscript", "case-report.md");

describe("check --checklist care on the sample", () => {
  it("lists every item with its section and line, or missing, then the diagnostics", async () => {
    const { code, stdout } = await checkInProcess(
      sample,
      "--root",
      repositoryDirectory,
      "--checklist",
      "care",
    );
    expect(code).toBe(0);
    const rows = stdout.split("\n").filter((line) => /^ +\d+ {2}/.test(line));
    expect(rows).toHaveLength(13);
    expect(rows[4]).toMatch(/^ +5 {2}Patient information +Case report, line 61$/);
    expect(rows[12]).toMatch(/^ +13 {2}Informed consent +missing$/);
    expect(stdout).toMatch(/case-report\.md:55:1 +info +Missing CARE item 13, “Informed consent”/);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(
      "1 manuscript checked: 0 errors, 0 warnings, 4 infos",
    );
  });

  it("follows the JSON contract, with a checklist per manuscript", async () => {
    const { stdout } = await checkInProcess(
      sample,
      "--root",
      repositoryDirectory,
      "--checklist",
      "care",
      "--format",
      "json",
    );
    const report = JSON.parse(stdout) as JsonChecklistReport;
    const manuscript = report.manuscripts[0];
    expect(manuscript?.checklist?.name).toBe("CARE");
    expect(manuscript?.checklist?.items[3]).toEqual({
      number: 4,
      id: "introduction",
      topic: "Introduction",
      status: "covered",
      section: "Introduction",
      line: 55,
      column: 1,
      via: "heading",
    });
    expect(
      manuscript?.checklist?.items.filter((item) => item.status === "missing").map((i) => i.id),
    ).toEqual(["abstract", "timeline", "patient-perspective", "informed-consent"]);
    expect(manuscript?.messages.map((message) => `${message.severity} ${message.rule}`)).toEqual(
      Array(4).fill("info care-item-missing"),
    );
    expect(report.summary).toEqual({ manuscripts: 1, errors: 0, warnings: 0, infos: 4 });
  });

  it("writes the filled checklist table in Markdown", async () => {
    const { stdout } = await checkInProcess(
      sample,
      "--root",
      repositoryDirectory,
      "--checklist",
      "care",
      "--format",
      "markdown",
    );
    expect(stdout).toMatch(/^## CARE checklist: .*case-report\.md\n\n\| Item \| Topic \|/);
    expect(stdout).toContain("| 7 | Timeline |");
    expect(stdout).toMatch(/\| 11 \| Discussion \| [^|]+ \| Discussion, line 95 \|/);
  });

  it("stays quiet about CARE without --checklist", async () => {
    const { stdout } = await checkInProcess(sample, "--root", repositoryDirectory);
    expect(stdout).toBe("1 manuscript checked: 0 errors, 0 warnings, 0 infos\n");
  });

  it("refuses an unknown checklist and Markdown without a checklist (exit 2)", async () => {
    const unknown = await checkInProcess(sample, "--checklist", "strobe");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown checklist `strobe`, expected care.");
    const markdown = await checkInProcess(sample, "--format", "markdown");
    expect(markdown.code).toBe(2);
    expect(markdown.stderr).toContain("Unknown report format `markdown`");
  });
});

describe("a profile that raises care-item-missing", () => {
  let folder = "";
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "casepress-care-"));
    const journal = join(folder, "templates", "strict-care");
    await cp(join(repositoryDirectory, "templates", "jaad-case-reports"), journal, {
      recursive: true,
    });
    const profile = JSON.parse(await readFile(join(journal, "profile.json"), "utf8")) as {
      severities: Record<string, string>;
    };
    profile.severities["care-item-missing"] = "warning";
    await writeFile(join(journal, "profile.json"), JSON.stringify(profile, null, 2));
    const text = (await readFile(sample, "utf8")).replace(
      "journal: jaad-case-reports",
      "journal: strict-care",
    );
    await writeFile(join(folder, "case.md"), text.replaceAll("../figures/", "figures/"));
    await cp(join(repositoryDirectory, "figures"), join(folder, "figures"), { recursive: true });
    await cp(
      join(repositoryDirectory, "manuscript", "references.json"),
      join(folder, "references.json"),
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("reports missing items as warnings in a plain check", async () => {
    const { stdout } = await checkInProcess(
      join(folder, "case.md"),
      "--root",
      folder,
      "--format",
      "json",
    );
    const report = JSON.parse(stdout) as JsonChecklistReport;
    const care = report.manuscripts[0]?.messages.filter((m) => m.rule === "care-item-missing");
    expect(care?.map((message) => message.severity)).toEqual(Array(4).fill("warning"));
  });
});
