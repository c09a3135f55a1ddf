/**
 * The bundle `npm ci` builds (scripts/dev/bundle.mjs) and the V8 startup snapshot made from it
 * (scripts/dev/snapshot.cjs). These tests need the bundle in node_modules/.cache/casepress/, so
 * they are skipped before `npm ci` (or `node scripts/dev/bundle.mjs`) has run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryDirectory } from "../helpers.ts";

const cache = join(repositoryDirectory, "node_modules", ".cache", "casepress");
const bundle = join(cache, "cli.cjs");
const sample = join(repositoryDirectory, "manuscript", "case-report.md");
const built = existsSync(bundle) && existsSync(join(cache, "meta.json"));
const temporary = mkdtempSync(join(tmpdir(), "casepress-snapshot-"));

afterAll(() => rmSync(temporary, { recursive: true, force: true }));

/** The `require`d module names in `code`, other than Node's own. */
function packagesRequired(code: string): string[] {
  return [...code.matchAll(/require\("([^"]+)"\)/g)]
    .map((match) => match[1] ?? "")
    .filter((id) => !id.startsWith("node:") && !id.startsWith("./"));
}

describe.skipIf(!built)("the CLI bundle", () => {
  it("holds one copy of picomatch and loads no package at run time but sharp", () => {
    const meta = JSON.parse(readFileSync(join(cache, "meta.json"), "utf8")) as {
      inputs: Record<string, unknown>;
    };
    const picomatchCopies = new Set(
      Object.keys(meta.inputs).flatMap(
        (input) => /^(.*node_modules\/picomatch)\//.exec(input)?.[1] ?? [],
      ),
    );
    expect([...picomatchCopies]).toEqual(["node_modules/picomatch"]);
    const code = readFileSync(bundle, "utf8");
    expect(code).not.toMatch(/require\.resolve\("picomatch"\)/);
    const builtins = new Set(["fs", "path", "url", "module", "process", "buffer"]);
    expect(packagesRequired(code).filter((id) => !builtins.has(id))).toEqual(["sharp"]);
  });

  it("is ASCII only, so V8 holds it as a one-byte string", () => {
    for (const name of ["cli.cjs", "render-pdf.cjs"]) {
      const code = readFileSync(join(cache, name), "utf8");
      expect(/[^\0-\x7f]/.exec(code)?.[0], name).toBeUndefined();
    }
  });

  it("loads no TLS or HTTPS module: Casepress opens no TLS connection (see casepress.sh)", () => {
    const code = readFileSync(bundle, "utf8");
    expect(code).not.toMatch(/require\("(node:)?(tls|https|http2)"\)/);
  });
});

describe.skipIf(!built)("the startup snapshot", () => {
  it("builds the sample byte for byte as a cold start does, and checks it alike", () => {
    const blob = join(temporary, "casepress.blob");
    const make = spawnSync(
      process.execPath,
      [
        "--snapshot-blob",
        blob,
        "--build-snapshot",
        join(repositoryDirectory, "scripts", "dev", "snapshot.cjs"),
        bundle,
        sample,
      ],
      { cwd: repositoryDirectory, encoding: "utf8" },
    );
    expect(make.status, make.stderr).toBe(0);
    const references = join(temporary, "cache");
    const run = (args: string[], snapshot: boolean) =>
      spawnSync(
        process.execPath,
        snapshot
          ? ["--snapshot-blob", blob, "--", ...args]
          : [join(repositoryDirectory, "scripts", "casepress.mjs"), ...args],
        {
          cwd: repositoryDirectory,
          encoding: "utf8",
          env: { ...process.env, CASEPRESS_FROM_SOURCE: "", CASEPRESS_CACHE_DIR: references },
        },
      );
    const html = (folder: string) =>
      readFileSync(join(temporary, folder, "case-report.html"), "utf8");
    const warm = run(["build", sample, "--format", "html", "--out", join(temporary, "warm")], true);
    expect(warm.stderr).toBe("");
    expect(warm.status).toBe(0);
    // The snapshot holds the compiled style, not the sample's formatted list: the run formatted
    // its references itself and wrote them to the on-disk cache.
    expect(readdirSync(join(references, "casepress", "references"))).toHaveLength(1);
    const cold = run(
      ["build", sample, "--format", "html", "--out", join(temporary, "cold")],
      false,
    );
    expect(cold.status).toBe(0);
    expect(html("warm")).toBe(html("cold"));
    const checked = (snapshot: boolean) =>
      run(["check", "--format", "json", sample], snapshot).stdout;
    expect(checked(true)).toBe(checked(false));
    // Usage errors and their exit code come through the snapshot's main function too.
    const unknown = run(["frobnicate"], true);
    expect([unknown.status, unknown.stderr]).toEqual([
      2,
      expect.stringContaining("Unknown command"),
    ]);
  });
});
