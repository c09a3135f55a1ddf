/**
 * Hostile manuscripts and broken machines, through the real command line: no process started
 * from manuscript content (the `core.fsmonitor` attack on `git describe`), CSS injection
 * through the running head, and environment failures that must come out as diagnostics with a
 * rule id and exit code 2, never as "internal error" or a stack trace.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { versionLabelFrom } from "../../scripts/render/preprint-banner.ts";
import { readSourceDateEpoch } from "../../scripts/render/source-date.ts";
import { repositoryDirectory } from "../helpers.ts";

const cli = join(repositoryDirectory, "scripts", "casepress.mjs");

/** The environment for a run: from source, and without any version label from outside. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CASEPRESS_FROM_SOURCE: "1", ...extra };
  for (const name of ["CASEPRESS_VERSION_LABEL", "GITHUB_SHA", "SOURCE_DATE_EPOCH"])
    if (!(name in extra)) delete env[name];
  return env;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function casepress(args: string[], cwd: string, extra: Record<string, string> = {}) {
  return new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd, env: cleanEnv(extra) },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

/** A copy of the sample (manuscript, figures) with its front matter edited by `edit`. */
async function project(edit: (markdown: string) => string = (markdown) => markdown) {
  const directory = await mkdtemp(join(tmpdir(), "casepress-hostile-"));
  temporary.push(directory);
  await cp(join(repositoryDirectory, "manuscript"), join(directory, "manuscript"), {
    recursive: true,
  });
  await cp(join(repositoryDirectory, "figures"), join(directory, "figures"), { recursive: true });
  // package.json marks the project's root, so ../figures lies inside it.
  await writeFile(join(directory, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
  const path = join(directory, "manuscript", "case-report.md");
  await writeFile(path, edit(await readFile(path, "utf8")));
  return directory;
}

const preprint = (markdown: string) =>
  markdown.replace("journal: jaad-case-reports", "journal: preprint");

const hasGit = (() => {
  try {
    execFileSync("git", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("no process is started from manuscript content", () => {
  it.skipIf(!hasGit)(
    "a repository's core.fsmonitor does not run during a preprint build",
    async () => {
      const directory = await project(preprint);
      const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
          cwd: directory,
          stdio: "ignore",
        });
      git("init", "-q");
      git("add", "-A");
      git("commit", "-q", "-m", "manuscript");
      git("tag", "v9.9");
      const pwned = join(directory, "PWNED");
      git("config", "core.fsmonitor", `touch ${pwned}; false`);
      const run = await casepress(
        ["build", "manuscript/case-report.md", "--format", "html", "--out", "dist"],
        directory,
      );
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(existsSync(pwned)).toBe(false);
      const html = await readFile(join(directory, "dist", "case-report.html"), "utf8");
      // No git: the banner has no version, only the date.
      expect(html).toMatch(/>Preprint — not peer reviewed · \d{4}-\d\d-\d\d<\/p>/);
      expect(html).not.toContain("v9.9");
    },
    60_000,
  );

  it("takes the version label from --version-label, then CASEPRESS_VERSION_LABEL, then GITHUB_SHA", async () => {
    expect(
      versionLabelFrom("v2", { CASEPRESS_VERSION_LABEL: "env", GITHUB_SHA: "a".repeat(40) }),
    ).toBe("v2");
    expect(
      versionLabelFrom(undefined, { CASEPRESS_VERSION_LABEL: "rc-1", GITHUB_SHA: "a".repeat(40) }),
    ).toBe("rc-1");
    expect(
      versionLabelFrom(undefined, { GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" }),
    ).toBe("0123456789ab");
    expect(versionLabelFrom(undefined, { GITHUB_SHA: "$(touch x)" })).toBeUndefined();
    expect(versionLabelFrom(undefined, {})).toBeUndefined();
    const directory = await project(preprint);
    const run = await casepress(
      ["build", "manuscript/case-report.md", "--format", "html", "--out", "dist"],
      directory,
      { SOURCE_DATE_EPOCH: "1700000000", CASEPRESS_VERSION_LABEL: "v2 <b>" },
    );
    expect(run.code).toBe(0);
    const html = await readFile(join(directory, "dist", "case-report.html"), "utf8");
    expect(html).toContain(
      '<p class="preprint-banner" role="note">Preprint — not peer reviewed · v2 &#x3C;b&#x3E; · 2023-11-14</p>',
    );
  }, 60_000);

  it("only the setup, bench and dev scripts (run by people, not by manuscripts) use child_process", () => {
    const allowed = new Set(["scripts/pdf/setup-browser.mjs"]);
    const allowedFolders = ["scripts/bench/", "scripts/dev/"];
    const offenders: string[] = [];
    const walk = (directory: string): void => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|mjs|js|cjs)$/.test(entry.name)) {
          const name = relative(repositoryDirectory, path);
          if (allowed.has(name) || allowedFolders.some((folder) => name.startsWith(folder)))
            continue;
          if (/child_process|\bexeca\b|\bcross-spawn\b/.test(readFileSync(path, "utf8")))
            offenders.push(name);
        }
      }
    };
    walk(join(repositoryDirectory, "scripts"));
    expect(offenders).toEqual([]);
  });
});

describe("the running head cannot leave its CSS string", () => {
  it.each([
    ["a form feed", "X\\f}} html{background:red} x{y:", "X\\C }} html{background:red} x{y:"],
    [
      "a hidden banner",
      "X\\n}} .preprint-banner{display:none} x{y:",
      "X\\A }} .preprint-banner{display:none} x{y:",
    ],
    [
      "a remote fetch",
      "X\\r}} body{background:url(http://127.0.0.1:9/x)} x{y:",
      "X\\D }} body{background:url(http://127.0.0.1:9/x)} x{y:",
    ],
  ])(
    "%s stays inside the string",
    async (_, yaml, escaped) => {
      const directory = await project((markdown) =>
        preprint(markdown).replace(/^short-title: .*$/m, `short-title: "${yaml}"`),
      );
      const run = await casepress(
        ["build", "manuscript/case-report.md", "--format", "html", "--out", "dist"],
        directory,
        { SOURCE_DATE_EPOCH: "1700000000" },
      );
      expect(run.code).toBe(0);
      const html = await readFile(join(directory, "dist", "case-report.html"), "utf8");
      expect(html).toContain(`@page { @top-right { content: "${escaped}"; } }`);
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
      expect(style).not.toMatch(/[\f\r]/);
    },
    60_000,
  );
});

describe("environment failures are diagnostics with a rule id", () => {
  it("only whole seconds up to 9999-12-31 are a valid SOURCE_DATE_EPOCH", () => {
    for (const value of ["-1", "1e9", "1.5", " 1", "0x10", "99999999999999999", "253402300800"])
      expect(readSourceDateEpoch({ SOURCE_DATE_EPOCH: value }).kind).toBe("invalid");
    expect(readSourceDateEpoch({ SOURCE_DATE_EPOCH: "253402300799" })).toEqual({
      kind: "valid",
      seconds: 253402300799,
    });
    expect(readSourceDateEpoch({ SOURCE_DATE_EPOCH: "" }).kind).toBe("unset");
  });

  it.each([["99999999999999999"], ["253402300800"]])(
    "SOURCE_DATE_EPOCH=%s",
    async (epoch) => {
      const directory = await project(preprint);
      const run = await casepress(
        ["build", "manuscript/case-report.md", "--format", "html", "--out", "dist"],
        directory,
        { SOURCE_DATE_EPOCH: epoch },
      );
      expect(run.stderr).not.toContain("internal error");
      expect(run.stderr).toContain("source-date-epoch-invalid");
      expect(run.stderr).toContain("fix or unset it");
      expect(run.code).toBe(2);
    },
    60_000,
  );

  it("the last valid SOURCE_DATE_EPOCH prints year 9999", async () => {
    const directory = await project(preprint);
    const run = await casepress(
      ["build", "manuscript/case-report.md", "--format", "html", "--out", "dist"],
      directory,
      { SOURCE_DATE_EPOCH: "253402300799" },
    );
    expect(run.code).toBe(0);
    expect(await readFile(join(directory, "dist", "case-report.html"), "utf8")).toContain(
      "not peer reviewed · 9999-12-31",
    );
  }, 60_000);

  it("a browser that does not start is pdf-browser-unavailable on each manuscript, and other diagnostics stay", async () => {
    const directory = await project();
    // A second manuscript with a warning of its own (an unknown front matter key) must keep it.
    const second = (
      await readFile(join(directory, "manuscript", "case-report.md"), "utf8")
    ).replace("short-title:", "keywords-unknown-field-for-test: 1\nshort-title:");
    await writeFile(join(directory, "manuscript", "second.md"), second);
    const run = await casepress(
      ["build", "manuscript/case-report.md", "manuscript/second.md", "--out", "dist"],
      directory,
      { PUPPETEER_EXECUTABLE_PATH: "/bin/false" },
    );
    expect(run.stderr).not.toContain("internal error");
    expect(run.stderr).toMatch(/case-report\.md[\s\S]*pdf-browser-unavailable/);
    expect(run.stderr).toMatch(/second\.md:3:1 +warning .*front-matter-unknown-key/);
    expect(run.stderr).toMatch(/second\.md[\s\S]*pdf-browser-unavailable/);
    expect(run.stderr).toContain("/bin/false");
    expect(run.code).toBe(2);
  }, 120_000);

  it("a full standard output is one clean line, not a stack trace", async () => {
    const directory = await project();
    const full = openSync("/dev/full", "w");
    const run = await new Promise<Run>((resolve) => {
      const child = spawn(
        process.execPath,
        [cli, "build", "manuscript/case-report.md", "--format", "html", "--out", "dist"],
        { cwd: directory, env: cleanEnv(), stdio: ["ignore", full, "pipe"] },
      );
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on("close", (code) => resolve({ code: code ?? -1, stdout: "", stderr }));
    });
    closeSync(full);
    expect(run.stderr).toContain("casepress: cannot write to standard output");
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).toBe(2);
  }, 60_000);
});
