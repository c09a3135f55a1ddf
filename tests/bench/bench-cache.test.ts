/**
 * Which folder `npm run bench` clears for its cold runs (scripts/bench/bench-cache.ts): the
 * reference-list cache, never the bundle or the repository.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUNDLE_DIRECTORY,
  cacheContents,
  clearReferenceCache,
  REFERENCE_CACHE_DIRECTORY,
  referenceCacheDirectory,
  unsafeToClear,
} from "../../scripts/bench/bench-cache.ts";

describe("referenceCacheDirectory", () => {
  it("is a folder of its own inside the bundle's folder, unless overridden", () => {
    expect(REFERENCE_CACHE_DIRECTORY).toBe(
      join("node_modules", ".cache", "casepress", "references"),
    );
    expect(referenceCacheDirectory("/repo")).toBe(join("/repo", REFERENCE_CACHE_DIRECTORY));
    expect(referenceCacheDirectory("/repo", "cache/refs")).toBe("/repo/cache/refs");
    expect(referenceCacheDirectory("/repo", "/elsewhere")).toBe("/elsewhere");
  });
});

describe("unsafeToClear", () => {
  it("allows the reference cache", () => {
    expect(unsafeToClear(join("/repo", REFERENCE_CACHE_DIRECTORY), "/repo")).toBeUndefined();
    expect(unsafeToClear("/tmp/refs", "/repo")).toBeUndefined();
  });

  it("refuses the bundle's folder and anything holding it or the repository", () => {
    expect(unsafeToClear(join("/repo", BUNDLE_DIRECTORY), "/repo")).toMatch(/holds the bundle/);
    expect(unsafeToClear("/repo/node_modules", "/repo")).toMatch(/holds the bundle/);
    expect(unsafeToClear("/repo", "/repo")).toMatch(/holds the repository/);
    expect(unsafeToClear("/", "/repo")).toMatch(/holds the repository/);
  });
});

describe("clearReferenceCache", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "casepress-bench-cache-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("removes the cache and leaves the bundle next to it", async () => {
    const cache = join(root, REFERENCE_CACHE_DIRECTORY);
    await mkdir(join(cache, "ab"), { recursive: true });
    await writeFile(join(cache, "ab", "list.json"), "12345");
    await writeFile(join(root, BUNDLE_DIRECTORY, "cli.cjs"), "bundle");
    expect(cacheContents(cache)).toEqual({ files: 1, bytes: 5 });
    await clearReferenceCache(cache, root);
    expect(cacheContents(cache)).toEqual({ files: 0, bytes: 0 });
    expect(cacheContents(join(root, BUNDLE_DIRECTORY))).toEqual({ files: 1, bytes: 6 });
    await expect(clearReferenceCache(join(root, BUNDLE_DIRECTORY), root)).rejects.toThrow(
      /Refusing/,
    );
  });
});
