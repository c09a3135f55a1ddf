/**
 * Vitest global setup: every test run gets one temporary folder, and `TMPDIR` points into it for
 * the test workers and every process they start. The folder is removed when the run ends, so no
 * test, nor a browser or CLI it starts, leaves files in the system's temporary folder, even when
 * it fails half-way.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Create the run's folder and point `TMPDIR` at it; returns the teardown that removes it. */
export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), "casepress-tests-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  };
}
