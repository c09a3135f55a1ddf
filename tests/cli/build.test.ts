import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildManuscript } from "../../scripts/cli/build.ts";
import { casepressProcess, repositoryDirectory } from "../helpers.ts";

/** A copy of the sample project (manuscript, figures, package.json) in a temp folder. */
async function sampleProject(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "casepress-build-"));
  await cp(join(repositoryDirectory, "manuscript"), join(directory, "manuscript"), {
    recursive: true,
  });
  await cp(join(repositoryDirectory, "figures"), join(directory, "figures"), { recursive: true });
  await writeFile(join(directory, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
  return directory;
}

let project = "";
beforeAll(async () => {
  project = await sampleProject();
});

describe("buildManuscript", () => {
  it("writes the HTML and its assets folder", async () => {
    const result = await buildManuscript("manuscript/case-report.md", {
      outDir: "out",
      formats: ["html"],
      cwd: project,
    });
    expect(result.file.messages.filter((message) => message.fatal)).toEqual([]);
    const written = await readdir(join(project, "out"));
    expect(written.sort()).toEqual(["case-report.html", "case-report_files"]);
    const assets = await readdir(join(project, "out", "case-report_files"));
    expect(assets).toEqual(
      expect.arrayContaining(["style.css", "fig-1.png", "fig-4.png", "fonts"]),
    );
    const html = await readFile(join(project, "out", "case-report.html"), "utf8");
    expect(html).toContain('src="case-report_files/fig-1.png"');
    expect(html).not.toMatch(/\.tmp/);
  });

  it("gives byte-identical HTML for the same input", async () => {
    await buildManuscript("manuscript/case-report.md", {
      outDir: "a",
      formats: ["html"],
      cwd: project,
    });
    await buildManuscript("manuscript/case-report.md", {
      outDir: "b",
      formats: ["html"],
      cwd: project,
    });
    const [a, b] = await Promise.all([
      readFile(join(project, "a", "case-report.html")),
      readFile(join(project, "b", "case-report.html")),
    ]);
    expect(a.equals(b)).toBe(true);
  });

  it("writes nothing and keeps earlier outputs when the manuscript has errors", async () => {
    await buildManuscript("manuscript/case-report.md", {
      outDir: "keep",
      formats: ["html"],
      cwd: project,
    });
    const before = await readFile(join(project, "keep", "case-report.html"));
    const broken = join(project, "manuscript", "broken.md");
    const text = await readFile(join(project, "manuscript", "case-report.md"), "utf8");
    await writeFile(broken, text.replace("[@reiter2011]", "[@reiter2012]"));
    const result = await buildManuscript(broken, {
      outDir: "keep",
      formats: ["html"],
      cwd: project,
    });
    expect(result.outputs).toEqual([]);
    expect(result.file.messages.some((message) => message.ruleId === "citation-key-unknown")).toBe(
      true,
    );
    expect((await readFile(join(project, "keep", "case-report.html"))).equals(before)).toBe(true);
    expect((await readdir(join(project, "keep"))).sort()).toEqual([
      "case-report.html",
      "case-report_files",
    ]);
  });
});

describe("the build command", () => {
  it("exits 0 and names what it wrote", async () => {
    const { code, stdout } = await casepressProcess(
      ["build", "manuscript/case-report.md", "--format", "html", "--out", "cli-out"],
      project,
    );
    expect(code).toBe(0);
    expect(stdout).toContain("wrote cli-out/case-report.html");
  });

  it("exits 1 with a positioned diagnostic when the manuscript has an error", async () => {
    const path = join(project, "manuscript", "unknown-key.md");
    await writeFile(
      path,
      (await readFile(join(project, "manuscript", "case-report.md"), "utf8")).replace(
        "[@wolf2008]",
        "[@wolf2009]",
      ),
    );
    const { code, stderr } = await casepressProcess(
      ["build", "manuscript/unknown-key.md", "--format", "html", "--out", "cli-bad"],
      project,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /manuscript\/unknown-key\.md:\d+:\d+\s+error\s+Unknown citation key `wolf2009`.*Did you mean `wolf2008`\?\s+citation-key-unknown/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on a usage error", async () => {
    const { code, stderr } = await casepressProcess(["build", "--format", "rtf"], project);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown build format `rtf`");
    expect((await casepressProcess(["frobnicate"], project)).code).toBe(2);
    expect((await casepressProcess(["build", "--no-such-option"], project)).code).toBe(2);
  });
});

describe("journal profiles", () => {
  it("reject a severity for a rule that does not exist, with a suggestion", async () => {
    const { cp: copy, mkdir: makeDirectory } = await import("node:fs/promises");
    const root = await mkdtemp(join(tmpdir(), "casepress-journal-"));
    await makeDirectory(join(root, "templates"), { recursive: true });
    await copy(
      join(repositoryDirectory, "templates", "preprint"),
      join(root, "templates", "typo"),
      { recursive: true },
    );
    const profilePath = join(root, "templates", "typo", "profile.json");
    const profile = JSON.parse(await readFile(profilePath, "utf8")) as Record<string, unknown>;
    profile.severities = { "citation-key-unknwon": "warning" };
    await writeFile(profilePath, JSON.stringify(profile));
    await writeFile(join(root, "package.json"), "{}\n");
    await writeFile(
      join(root, "a.md"),
      "---\ntitle: T\nauthors:\n  - name: A\njournal: typo\n---\n\nText.\n",
    );
    const result = await buildManuscript("a.md", { outDir: "out", formats: ["html"], cwd: root });
    const [message] = result.file.messages.filter((m) => m.ruleId === "journal-profile-invalid");
    expect(message?.reason).toContain("Unknown rule `citation-key-unknwon`");
    expect(message?.reason).toContain("Did you mean `citation-key-unknown`?");
    expect(result.outputs).toEqual([]);
  });
});
