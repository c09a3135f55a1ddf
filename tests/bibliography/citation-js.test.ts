import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { read, repo } from "./helpers.ts";

describe("isolation", () => {
  it("imports citation-js in scripts/bibliography/citation-js.ts only", () => {
    const importers: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "fixtures" && entry.name !== "node_modules") walk(file);
        } else if (/\.(?:[cm]?[jt]s)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
          if (
            /(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)["']@citation-js\//.test(
              read(file),
            )
          ) {
            importers.push(path.relative(repo, file));
          }
        }
      }
    };
    walk(path.join(repo, "scripts"));
    walk(path.join(repo, "tests"));
    expect(importers).toEqual(["scripts/bibliography/citation-js.ts"]);
  });

  it("never opens a connection or a child process while reading and formatting", () => {
    // A child Node process whose network and process functions are trapped before
    // citation-js loads (sync-fetch keeps its own reference to execFileSync).
    const folder = mkdtempSync(path.join(tmpdir(), "casepress-network-"));
    try {
      const trap = path.join(folder, "trap.mjs");
      writeFileSync(
        trap,
        `import childProcess from "node:child_process";
import net from "node:net";
const state = { on: false, calls: [] };
globalThis.__casepressTrap = state;
const guard = (name, original) => function (...args) {
  if (state.on) { state.calls.push(name); throw new Error("blocked: " + name); }
  return original.apply(this, args);
};
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  childProcess[name] = guard("child_process." + name, childProcess[name]);
}
net.Socket.prototype.connect = guard("net.Socket.connect", net.Socket.prototype.connect);
globalThis.fetch = guard("fetch", globalThis.fetch);
`,
      );
      const script = path.join(folder, "run.mjs");
      const library = path.join(repo, "scripts/bibliography/bibliography.ts");
      const style = path.join(repo, "templates/jaad-case-reports/jaad.csl");
      writeFileSync(
        script,
        `import { readFileSync } from "node:fs";
import https from "node:https";
const { parseBibliography, createReferenceFormatter } = await import(${JSON.stringify(library)});
const state = globalThis.__casepressTrap;
const sources = [
  { path: "a.json", text: JSON.stringify([{ id: "x", type: "article-journal", title: "https://example.org/t", URL: "https://example.org/x", DOI: "https://doi.org/10.1000/182" }]) },
  { path: "b.json", text: JSON.stringify("https://doi.org/10.1000/182") },
  { path: "c.bib", text: "@article{y, title = {https://example.org/y}, url = {https://example.org/y}, doi = {10.1000/182}}" },
  { path: "d.bib", text: "https://doi.org/10.1000/182" },
  { path: "e.bib", text: "10.1000/182" },
  { path: "f.ris", text: "TY  - JOUR\\nID  - z\\nUR  - https://example.org/z\\nDO  - 10.1000/182\\nER  - \\n" },
  { path: "g.ris", text: "https://doi.org/10.1000/182" },
];
state.on = true;
let entries = 0;
const formatter = createReferenceFormatter({ name: "trap", xml: readFileSync(${JSON.stringify(style)}, "utf8") });
for (const source of sources) {
  const result = parseBibliography(source);
  entries += result.entries.length;
  formatter.format(result.entries.map((entry) => entry.item));
}
const calls = [...state.calls];
try { https.get("https://example.invalid/"); } catch {}
const control = state.calls.slice(calls.length);
state.on = false;
console.log(JSON.stringify({ calls, control, entries }));
`,
      );
      const output = execFileSync(process.execPath, ["--import", trap, "--import", "tsx", script], {
        cwd: repo,
        encoding: "utf8",
      });
      const report = JSON.parse(output.trim().split("\n").pop() ?? "{}") as {
        calls: string[];
        control: string[];
        entries: number;
      };
      expect(report.entries).toBe(3);
      expect(report.calls).toEqual([]);
      expect(report.control).toContain("net.Socket.connect");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
