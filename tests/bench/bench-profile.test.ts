/**
 * Summaries of CPU profiles for `npm run bench` (scripts/bench/bench-profile.ts): phases,
 * modules (also inside the esbuild bundle) and functions by self time.
 */
import { describe, expect, it } from "vitest";
import {
  bundleIndex,
  type CpuProfile,
  formatProfile,
  moduleAtLine,
  moduleOfPath,
  summariseProfileData,
} from "../../scripts/bench/bench-profile.ts";

describe("moduleOfPath", () => {
  it("names the npm package, the Casepress stage, or Node", () => {
    expect(moduleOfPath("/r/node_modules/citeproc/citeproc_commonjs.js")).toBe("citeproc");
    expect(moduleOfPath("node_modules/@citation-js/core/lib/index.js")).toBe("@citation-js/core");
    expect(moduleOfPath("/r/node_modules/a/node_modules/b/x.js")).toBe("b");
    expect(moduleOfPath("/r/scripts/render/render-page.ts")).toBe("scripts/render");
    expect(moduleOfPath("node:internal/fs/utils")).toBe("node (built-in)");
  });
});

describe("bundleIndex and moduleAtLine", () => {
  const bundle = [
    'var x = require("y");',
    "// scripts/diagnostics/rules.ts",
    "var rules = [];",
    "// node_modules/micromark/lib/parse.js",
    "function parse() {}",
    "  // node_modules/not-a-marker.js",
    "// scripts/render/render-page.ts",
    "function renderPage() {}",
  ].join("\n");
  const index = bundleIndex(bundle);

  it("finds the module markers esbuild writes", () => {
    expect(index).toEqual([
      { line: 1, module: "scripts/diagnostics" },
      { line: 3, module: "micromark" },
      { line: 6, module: "scripts/render" },
    ]);
  });

  it("gives each line the module whose marker comes last before it", () => {
    expect(moduleAtLine(index, 0)).toBeUndefined();
    expect(moduleAtLine(index, 2)).toBe("scripts/diagnostics");
    expect(moduleAtLine(index, 4)).toBe("micromark");
    expect(moduleAtLine(index, 5)).toBe("micromark");
    expect(moduleAtLine(index, 7)).toBe("scripts/render");
  });
});

describe("summariseProfileData", () => {
  // root → compileManuscript (a.ts) → parse (micromark); root → (idle); root → (garbage collector)
  const frame = (functionName: string, url = "", lineNumber = 0) => ({
    functionName,
    url,
    lineNumber,
  });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2, 4, 5] },
      { id: 2, callFrame: frame("compileManuscript", "/r/scripts/parse/a.ts"), children: [3] },
      { id: 3, callFrame: frame("parse", "/r/node_modules/micromark/index.js", 9) },
      { id: 4, callFrame: frame("(idle)") },
      { id: 5, callFrame: frame("(garbage collector)") },
    ],
    samples: [3, 3, 2, 4, 5],
    timeDeltas: [10_000, 10_000, 5_000, 40_000, 2_000],
    startTime: 0,
    endTime: 100_000,
  };

  it("adds self time per function and module, inclusive time per phase", () => {
    const summary = summariseProfileData(profile);
    expect(summary.spanMs).toBe(100);
    expect(summary.idleMs).toBe(40);
    expect(summary.gcMs).toBe(2);
    expect(summary.phases).toEqual([{ phase: "compile: all transforms", ms: 25 }]);
    expect(summary.modules).toEqual([
      { name: "micromark", ms: 20 },
      { name: "scripts/parse", ms: 5 },
      { name: "(GC)", ms: 2 },
    ]);
    expect(summary.hottest[0]).toEqual({ name: "parse micromark/index.js:10", ms: 20 });
  });

  it("prints the time outside the profile when the wall time is known", () => {
    const lines = formatProfile(summariseProfileData(profile), 160);
    expect(lines[0]).toContain("60 ms before the profile started or after it ended");
    expect(lines).toContain("  modules (self time):");
  });
});
