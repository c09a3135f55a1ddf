/**
 * Which processes count toward a run's memory (scripts/bench/bench-measure.ts): the whole tree,
 * including processes reparented out of it and Chromium's daemonised crash handler.
 */
import { describe, expect, it } from "vitest";
import { median, parseStat, runTree } from "../../scripts/bench/bench-measure.ts";

describe("parseStat", () => {
  it("reads the parent and session after the last parenthesis of the name", () => {
    expect(parseStat(42, "42 (node) S 41 42 42 0 -1 4194304")).toEqual({
      pid: 42,
      parent: 41,
      session: 42,
      name: "node",
    });
    expect(parseStat(7, "7 (a) b (c)) R 1 7 9 0")).toEqual({
      pid: 7,
      parent: 1,
      session: 9,
      name: "a) b (c)",
    });
    expect(parseStat(1, "")).toBeUndefined();
  });
});

describe("runTree", () => {
  const stat = (pid: number, parent: number, session: number, name = "chromium") => ({
    pid,
    parent,
    session,
    name,
  });

  it("takes the descendants, the session's orphans and new crash handlers, nothing else", () => {
    const processes = [
      stat(1, 0, 1, "init"),
      stat(100, 1, 100, "node"), // The run, in a session of its own.
      stat(101, 100, 100), // The browser.
      stat(102, 101, 100), // Its renderer.
      stat(103, 1, 100), // Reparented to init, still in the session.
      stat(104, 1, 104, "chrome_crashpad_handler"), // Daemonised during the run.
      stat(105, 1, 105, "chrome_crashpad_handler"), // Another run's, older.
      stat(106, 1, 106, "node"), // Someone else's.
      stat(107, 101, 107, "zygote"), // Own session, but a descendant.
      stat(108, 107, 107), // Its child.
    ];
    const tree = runTree(100, processes, new Set([1, 105, 106]));
    expect(tree.sort((a, b) => a - b)).toEqual([100, 101, 102, 103, 104, 107, 108]);
  });

  it("lists the root first, parents before children", () => {
    expect(runTree(5, [stat(6, 5, 5), stat(7, 6, 5)], new Set())).toEqual([5, 6, 7]);
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
