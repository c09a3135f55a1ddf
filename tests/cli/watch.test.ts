import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PreviewBuild } from "../../scripts/cli/preview.ts";
import { watchedFiles, watchManuscript } from "../../scripts/cli/watch.ts";
import { repositoryDirectory } from "../helpers.ts";

describe("watchManuscript", () => {
  it("rebuilds after the manuscript or its bibliography changes, and reports errors", async () => {
    const project = await mkdtemp(join(tmpdir(), "casepress-watch-"));
    await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
      recursive: true,
    });
    await cp(join(repositoryDirectory, "figures"), join(project, "figures"), { recursive: true });
    await writeFile(join(project, "package.json"), "{}\n");
    const manuscript = join(project, "manuscript", "case-report.md");
    const builds: PreviewBuild[] = [];
    let notify: (() => void) | undefined;
    const next = () => new Promise<void>((resolve) => (notify = resolve));
    const firstBuild = next();
    const handle = await watchManuscript(
      manuscript,
      { outDir: join(project, "dist"), formats: ["html"], cwd: project },
      (build) => {
        builds.push(build);
        notify?.();
      },
      10,
    );
    try {
      await firstBuild;
      const files = watchedFiles(builds[0]!.file);
      expect([...files]).toEqual(
        expect.arrayContaining([
          manuscript,
          join(project, "manuscript", "references.json"),
          join(project, "figures", "fig-1.png"),
        ]),
      );

      const text = await readFile(manuscript, "utf8");
      let rebuilt = next();
      await writeFile(manuscript, text.replace("[@wolf2008]", "[@wolf2009]"));
      await rebuilt;
      expect(builds.at(-1)?.outputs).toEqual([]);
      expect(
        builds.at(-1)?.file.messages.some((message) => message.ruleId === "citation-key-unknown"),
      ).toBe(true);

      rebuilt = next();
      await writeFile(manuscript, text);
      await rebuilt;
      expect(builds.at(-1)?.outputs.some((output) => output.endsWith("case-report.html"))).toBe(
        true,
      );
      expect(await readFile(join(project, "dist", "case-report.html"), "utf8")).toContain(
        "wolf2008",
      );
    } finally {
      await handle.close();
    }
  });

  it("a local journal's template.html edit shows in the next rebuild", async () => {
    const project = await mkdtemp(join(tmpdir(), "casepress-watch-journal-"));
    try {
      await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
        recursive: true,
      });
      await cp(join(repositoryDirectory, "figures"), join(project, "figures"), {
        recursive: true,
      });
      await cp(
        join(repositoryDirectory, "templates", "jaad-case-reports"),
        join(project, "templates", "local-journal"),
        { recursive: true },
      );
      await writeFile(join(project, "package.json"), "{}\n");
      const template = join(project, "templates", "local-journal", "template.html");
      const builds: PreviewBuild[] = [];
      let notify: (() => void) | undefined;
      const next = () => new Promise<void>((resolve) => (notify = resolve));
      const firstBuild = next();
      const handle = await watchManuscript(
        join(project, "manuscript", "case-report.md"),
        {
          outDir: join(project, "dist"),
          formats: ["html"],
          cwd: project,
          journal: "local-journal",
        },
        (build) => {
          builds.push(build);
          notify?.();
        },
        10,
      );
      try {
        await firstBuild;
        expect(watchedFiles(builds[0]!.file)).toContain(template);
        const page = join(project, "dist", "case-report.html");
        expect(await readFile(page, "utf8")).not.toContain("edited-masthead");
        const rebuilt = next();
        const text = await readFile(template, "utf8");
        await writeFile(template, text.replace('class="masthead"', 'class="edited-masthead"'));
        await rebuilt;
        expect(await readFile(page, "utf8")).toContain('class="edited-masthead"');
      } finally {
        await handle.close();
      }
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
