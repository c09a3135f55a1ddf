/**
 * The reference-list cache on disk: a hit gives exactly citeproc's output without running it,
 * any changed input misses, a corrupt or foreign file is ignored and rewritten, a tampered file
 * cannot put markup into the page, and the folder stays bounded. Every test uses its own cache
 * folder, never Casepress's real one.
 */
import { execFile } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { CslItem } from "../../scripts/bibliography/bibliography.ts";
import { citeprocWork, createReferenceFormatter } from "../../scripts/bibliography/format.ts";
import {
  hasOnlyCiteprocTags,
  maxEntries,
  readCachedReferences,
  referenceCacheDirectory,
  referenceCacheKey,
  referenceCacheWork,
  writeCachedReferences,
} from "../../scripts/bibliography/reference-cache.ts";
import { repositoryDirectory } from "../helpers.ts";
import { seedItems } from "./helpers.ts";

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "casepress-reference-cache-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** A fresh, empty cache folder for one test. */
function cacheFolder(): string {
  const folder = join(scratch, `cache-${folders++}`);
  mkdirSync(folder);
  return folder;
}

const styleXml = readFileSync(
  join(repositoryDirectory, "templates", "jaad-case-reports", "jaad.csl"),
  "utf8",
);
const files = (folder: string) => readdirSync(folder).filter((name) => name.endsWith(".json"));

describe("reference formatter with a cache folder", () => {
  it("gives citeproc's bytes on a hit without running citeproc", () => {
    const folder = cacheFolder();
    const fresh = createReferenceFormatter({ name: "jaad-a", xml: styleXml }, undefined, {
      cacheDirectory: false,
    }).format(seedItems());
    const cached = createReferenceFormatter({ name: "jaad-b", xml: styleXml }, undefined, {
      cacheDirectory: folder,
    });
    expect(cached.format(seedItems())).toEqual(fresh);
    expect(files(folder)).toHaveLength(1);
    const runs = citeprocWork.runs;
    const hits = referenceCacheWork.hits;
    expect(cached.format(seedItems())).toEqual(fresh);
    expect(citeprocWork.runs).toBe(runs);
    expect(referenceCacheWork.hits).toBe(hits + 1);
  });

  it("keys on the locale", () => {
    // citation-js ships en-US alone, so the formatter cannot format in two locales here.
    const items = seedItems();
    const key = referenceCacheKey({ styleXml, locale: "en-US", items });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(referenceCacheKey({ styleXml, locale: "en-GB", items })).not.toBe(key);
  });

  it("misses when an entry, the order or the style changes", () => {
    const folder = cacheFolder();
    const formatter = (xml: string) =>
      createReferenceFormatter({ name: "jaad-key", xml }, undefined, { cacheDirectory: folder });
    const items = seedItems();
    formatter(styleXml).format(items);
    const edited: CslItem[] = items.map((item, index) =>
      index === 3 ? { ...item, title: `${String(item.title)} (revised)` } : item,
    );
    const variants: [string, () => string[]][] = [
      ["an entry", () => formatter(styleXml).format(edited)],
      ["the order", () => formatter(styleXml).format([...items].reverse())],
      ["the style", () => formatter(`${styleXml}<!-- edited -->`).format(items)],
    ];
    for (const [what, format] of variants) {
      const runs = citeprocWork.runs;
      const output = format();
      expect(citeprocWork.runs, what).toBeGreaterThan(runs);
      expect(output, what).toEqual(
        createReferenceFormatter({ name: "jaad-key", xml: styleXml }, undefined, {
          cacheDirectory: false,
        }).format(
          what === "the order" ? [...items].reverse() : what === "an entry" ? edited : items,
        ),
      );
    }
    expect(files(folder)).toHaveLength(1 + variants.length);
    const again = citeprocWork.runs;
    formatter(styleXml).format(items);
    expect(citeprocWork.runs).toBe(again);
  });

  it("keys on the library and Casepress versions", () => {
    const input = { styleXml, locale: "en-US", items: seedItems() };
    const key = referenceCacheKey(input, "casepress@1 citeproc@2.4.63");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(referenceCacheKey(input, "casepress@1 citeproc@2.4.64")).not.toBe(key);
    expect(referenceCacheKey(input, "casepress@2 citeproc@2.4.63")).not.toBe(key);
    expect(referenceCacheKey(input, "casepress@1 citeproc@2.4.63")).toBe(key);
    // Versions that cannot be read give no key: no cache rather than a stale one.
    expect(referenceCacheKey(input, "")).toBeUndefined();
  });

  it("ignores and rewrites a corrupt, foreign or short entry", () => {
    const folder = cacheFolder();
    const formatter = createReferenceFormatter({ name: "jaad-corrupt", xml: styleXml }, undefined, {
      cacheDirectory: folder,
    });
    const expected = formatter.format(seedItems());
    const [name] = files(folder);
    if (name === undefined) throw new Error("no cache file was written");
    const key = name.replace(/\.json$/, "");
    const path = join(folder, name);
    const bad = [
      "{ not json",
      "",
      JSON.stringify({ format: 1, key: "0".repeat(64), entries: expected }),
      JSON.stringify({ format: 1, key, entries: expected.slice(1) }),
      JSON.stringify({ format: 1, key, entries: [...expected.slice(1), 42] }),
      JSON.stringify({ format: 99, key, entries: expected }),
    ];
    for (const text of bad) {
      writeFileSync(path, text);
      const runs = citeprocWork.runs;
      expect(formatter.format(seedItems())).toEqual(expected);
      expect(citeprocWork.runs).toBeGreaterThan(runs);
      expect(readCachedReferences(folder, key, expected.length)).toEqual(expected);
    }
  });

  it("works without a cache when its folder cannot be made", () => {
    const blocker = join(scratch, "a-file");
    writeFileSync(blocker, "not a folder");
    const formatter = createReferenceFormatter({ name: "jaad-ro", xml: styleXml }, undefined, {
      cacheDirectory: join(blocker, "cache"),
    });
    const writes = referenceCacheWork.writes;
    expect(formatter.format(seedItems().slice(0, 2))).toHaveLength(2);
    expect(referenceCacheWork.writes).toBe(writes);
  });

  it(`keeps at most ${maxEntries} entries, removing the oldest`, () => {
    const folder = cacheFolder();
    const keys = Array.from({ length: maxEntries + 3 }, (_, index) =>
      index.toString(16).padStart(64, "0"),
    );
    for (const [index, key] of keys.entries()) {
      writeCachedReferences(folder, key, [`entry ${index}`]);
      // Oldest first: the first keys get the earliest times.
      const time = new Date(Date.UTC(2020, 0, 1) + index * 1000);
      utimesSync(join(folder, `${key}.json`), time, time);
    }
    writeCachedReferences(folder, "f".repeat(64), ["newest"]);
    const left = new Set(files(folder));
    expect(left.size).toBe(maxEntries);
    for (const key of keys.slice(0, 4)) expect(left.has(`${key}.json`)).toBe(false);
    expect(left.has(`${"f".repeat(64)}.json`)).toBe(true);
    expect(left.has(`${keys.at(-1)}.json`)).toBe(true);
  });

  it("is found under CASEPRESS_CACHE_DIR, else in Casepress's node_modules/.cache", () => {
    expect(referenceCacheDirectory({ CASEPRESS_CACHE_DIR: "/somewhere" })).toBe(
      "/somewhere/casepress/references",
    );
    expect(referenceCacheDirectory({})).toBe(
      join(repositoryDirectory, "node_modules", ".cache", "casepress", "references"),
    );
    expect(referenceCacheDirectory({ CASEPRESS_CACHE: "off" })).toBeUndefined();
  });
});

describe("the sample built through the CLI", () => {
  const build = async (env: NodeJS.ProcessEnv, name: string) => {
    const out = join(scratch, name);
    await run(
      process.execPath,
      [
        join(repositoryDirectory, "scripts", "casepress.mjs"),
        "build",
        "manuscript/case-report.md",
        "--format",
        "html",
        "--out",
        out,
      ],
      { cwd: repositoryDirectory, env: { ...process.env, CASEPRESS_FROM_SOURCE: "1", ...env } },
    );
    return readFileSync(join(out, "case-report.html"), "utf8");
  };

  it("is byte-identical with a cold cache, a warm cache and no cache", async () => {
    const folder = cacheFolder();
    const cold = await build({ CASEPRESS_CACHE_DIR: folder }, "cold");
    const references = join(folder, "casepress", "references");
    expect(files(references)).toHaveLength(1);
    const warm = await build({ CASEPRESS_CACHE_DIR: folder }, "warm");
    const none = await build({ CASEPRESS_CACHE: "off", CASEPRESS_CACHE_DIR: folder }, "none");
    expect(warm).toBe(cold);
    expect(none).toBe(cold);
    expect(cold).toContain('id="ref-');
  });

  it("sanitises a tampered entry that keeps to citeproc's tags", async () => {
    const folder = cacheFolder();
    await build({ CASEPRESS_CACHE_DIR: folder }, "before-style");
    const references = join(folder, "casepress", "references");
    const [name] = files(references);
    if (name === undefined) throw new Error("no cache file was written");
    const path = join(references, name);
    const entry = JSON.parse(readFileSync(path, "utf8")) as { entries: string[] };
    entry.entries[0] =
      '<span style="background:url(https://evil.example/x)">TAMPERED</span> <i>TAMPERED-I</i>';
    writeFileSync(path, JSON.stringify(entry));
    const html = await build({ CASEPRESS_CACHE_DIR: folder }, "after-style");
    // A hit (the text shows), and the one sanitize schema still removes the style.
    expect(html).toContain("<i>TAMPERED-I</i>");
    expect(html).not.toContain("evil.");
  });

  it("cannot inject markup from a tampered cache file", async () => {
    const folder = cacheFolder();
    await build({ CASEPRESS_CACHE_DIR: folder }, "before-tamper");
    const references = join(folder, "casepress", "references");
    const [name] = files(references);
    if (name === undefined) throw new Error("no cache file was written");
    const path = join(references, name);
    const entry = JSON.parse(readFileSync(path, "utf8")) as { entries: string[] };
    const hostile = [
      'TAMPERED<script>alert(1)</script><img src="https://evil.example/x.png" onerror="alert(2)">',
      '<a href="javascript:alert(3)">TAMPERED-LINK</a><style>body{display:none}</style>',
      '<iframe src="https://example.org"></iframe><i onclick="alert(4)">TAMPERED-I</i>',
    ];
    entry.entries = entry.entries.map((html, index) => hostile[index] ?? html);
    writeFileSync(path, JSON.stringify(entry));
    const html = await build({ CASEPRESS_CACHE_DIR: folder }, "after-tamper");
    // Markup citeproc never writes makes the file foreign: formatted afresh and rewritten.
    expect(html).not.toContain("TAMPERED");
    expect(html).toBe(readFileSync(join(scratch, "before-tamper", "case-report.html"), "utf8"));
    const rewritten = JSON.parse(readFileSync(path, "utf8")) as { entries: string[] };
    expect(rewritten.entries.join("")).not.toContain("TAMPERED");
    for (const bad of ["alert(", "onerror", "javascript:", "<iframe", "display:none", "evil."])
      expect(html).not.toContain(bad);
  });
});

describe("hasOnlyCiteprocTags", () => {
  it("accepts citeproc's vocabulary and refuses anything else", () => {
    expect(
      hasOnlyCiteprocTags(
        'A. <i>J</i> <b>b</b> <sup>2</sup> <span style="font-variant:small-caps;">x</span> &#60;',
      ),
    ).toBe(true);
    for (const html of [
      '<img src="x">',
      '<a href="https://example.org">x</a>',
      "<script>x</script>",
      '<i onclick="x">y</i>',
      "<i",
      "<!-- x -->",
    ])
      expect(hasOnlyCiteprocTags(html), html).toBe(false);
  });
});
