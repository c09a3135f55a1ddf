/**
 * Vitest global setup: every test run gets one temporary folder, and `TMPDIR` points into it for
 * the test workers and every process they start. The folder is removed when the run ends, so no
 * test, nor a browser or CLI it starts, leaves files in the system's temporary folder, even when
 * it fails half-way. `CASEPRESS_CACHE_DIR` points into it too, so no test reads or fills
 * Casepress's real reference cache.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Create the run's folder and point `TMPDIR` at it; returns the teardown that removes it. */
export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), "casepress-tests-"));
  const previous = process.env.TMPDIR;
  const previousCache = process.env.CASEPRESS_CACHE_DIR;
  process.env.TMPDIR = folder;
  process.env.CASEPRESS_CACHE_DIR = join(folder, "cache");
  return () => {
    if (previousCache === undefined) delete process.env.CASEPRESS_CACHE_DIR;
    else process.env.CASEPRESS_CACHE_DIR = previousCache;
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  };
}
