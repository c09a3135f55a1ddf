import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
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
});
