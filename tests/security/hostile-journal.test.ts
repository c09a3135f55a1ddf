/**
 * A local journal (`templates/<id>/` in the manuscript's root) is hostile: the files its profile
 * names stay inside its folder (fonts: inside the installed font packages), nothing is written
 * outside --out, and its template loses scripts, event handlers and remote URLs, each reported.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildManuscript } from "../../scripts/cli/build.ts";
import { repositoryDirectory } from "../helpers.ts";

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

/** A project with the clean bad-inputs base case and a local copy of the JAAD journal. */
async function project(edit: (profile: Record<string, unknown>) => void, template?: string) {
  const directory = await mkdtemp(join(tmpdir(), "casepress-journal-"));
  made.push(directory);
  await cp(join(repositoryDirectory, "tests", "fixtures", "bad-inputs", "bom"), directory, {
    recursive: true,
  });
  const journal = join(directory, "templates", "evil");
  await mkdir(journal, { recursive: true });
  await cp(join(repositoryDirectory, "templates", "jaad-case-reports"), journal, {
    recursive: true,
  });
  const profile = JSON.parse(await readFile(join(journal, "profile.json"), "utf8")) as Record<
    string,
    unknown
  >;
  edit(profile);
  await writeFile(join(journal, "profile.json"), JSON.stringify(profile));
  if (template !== undefined) await writeFile(join(journal, "template.html"), template);
  await writeFile(join(directory, "payload.sh"), "#!/bin/sh\necho owned\n");
  const outDir = join(directory, "out", "dist");
  const build = () =>
    buildManuscript(join(directory, "input.md"), {
      outDir,
      formats: ["html"],
      journal: "evil",
      root: directory,
    });
  return { directory, outDir, build };
}

async function allFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe("a hostile local journal", () => {
  it("a font path climbing to /etc/passwd is refused: nothing copied", async () => {
    const { directory, outDir, build } = await project((profile) => {
      profile.fonts = ["../../../../etc/passwd"];
    });
    const result = await build();
    expect(result.outputs).toEqual([]);
    expect(result.file.messages.map((message) => message.ruleId)).toContain(
      "journal-profile-invalid",
    );
    expect(await readdir(outDir).catch(() => [])).toEqual([]);
    expect(await allFiles(directory)).not.toContain("passwd");
  });

  it("a stylesheet named `../../payload.sh` is refused: nothing written outside --out", async () => {
    const { directory, outDir, build } = await project((profile) => {
      profile.stylesheets = ["../../payload.sh"];
    });
    const before = await allFiles(directory);
    const result = await build();
    expect(result.outputs).toEqual([]);
    expect(result.file.messages.map((message) => message.ruleId)).toContain(
      "journal-profile-invalid",
    );
    expect(await allFiles(directory)).toEqual(before);
    expect(await readdir(outDir).catch(() => [])).toEqual([]);
  });

  const original = () =>
    readFile(join(repositoryDirectory, "templates", "jaad-case-reports", "template.html"), "utf8");

  it("a template's scripts and event handlers are removed, each reported at its place", async () => {
    const template = (await original())
      .replace("<body", '<body onload="alert(1)"')
      .replace("</article>", '</article>\n<script>fetch("/steal")</script>');
    const { outDir, build } = await project(() => undefined, template);
    const result = await build();
    const html = await readFile(join(outDir, "input.html"), "utf8");
    // The page's own JSON-LD metadata is the one script element allowed.
    expect(html).not.toMatch(/<script(?! type="application\/ld\+json">)|onload|steal/i);
    const line = (needle: string) => template.slice(0, template.indexOf(needle)).split("\n").length;
    expect(
      result.file.messages.map(
        (message) => `${String(message.file).split("/").at(-1)}:${message.line} ${message.ruleId}`,
      ),
    ).toEqual([
      `template.html:${line("<body")} html-raw-removed`,
      `template.html:${line("<script")} html-raw-removed`,
    ]);
  });

  it("remote and `javascript:` URLs in a template are url-unsafe errors: nothing written", async () => {
    const template = (await original()).replace(
      "</article>",
      '</article>\n<img src="http://127.0.0.1:8931/t.png" alt="">\n<a href="javascript:alert(2)">x</a>',
    );
    const { outDir, build } = await project(() => undefined, template);
    const result = await build();
    expect(result.outputs).toEqual([]);
    expect(result.file.messages.map((message) => message.ruleId)).toEqual([
      "url-unsafe",
      "url-unsafe",
    ]);
    expect(await readdir(outDir).catch(() => [])).toEqual([]);
  });
});
