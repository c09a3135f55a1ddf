/**
 * Judging measurements against issue 18's goals (scripts/bench/bench-goals.ts).
 */
import { describe, expect, it } from "vitest";
import { GOALS, growth, judge } from "../../scripts/bench/bench-goals.ts";

describe("judge", () => {
  it("compares Casepress's median to the peer's for ratio goals", () => {
    expect(judge(GOALS["html-1x"], { value: 240, peer: 200 })).toMatchObject({
      met: true,
      actual: 1.2,
    });
    const missed = judge(GOALS["html-1x"], { value: 300, peer: 200 });
    expect(missed).toMatchObject({ met: false, actual: 1.5 });
    expect(missed.gap).toBe("60.0 ms over the target of 240 ms");
    expect(judge(GOALS["pdf-1x"], { value: 600, peer: 1000 }).met).toBe(true);
    expect(judge(GOALS["pdf-1x"], { value: 700, peer: 1000 }).met).toBe(false);
  });

  it("never meets a ratio goal without a peer", () => {
    const judged = judge(GOALS["html-1x-warm"], { value: 1 });
    expect(judged.met).toBe(false);
    expect(judged.gap).toBe("no peer measured");
  });

  it("turns a batch's time into documents per second", () => {
    expect(judge(GOALS["pdf-batch"], { value: 20_000, documents: 100 })).toMatchObject({
      met: true,
      actual: 5,
    });
    const slow = judge(GOALS["pdf-batch"], { value: 40_000, documents: 100 });
    expect(slow).toMatchObject({ met: false, actual: 2.5, gap: "2.5/s, 2.00× short" });
  });

  it("holds times and memory to their limits", () => {
    expect(judge(GOALS["warm-rebuild"], { value: 20 }).met).toBe(true);
    expect(judge(GOALS["warm-rebuild"], { value: 28 }).gap).toBe("8.0 ms over");
    expect(judge(GOALS["save-reload"], { value: 151 }).met).toBe(false);
    expect(judge(GOALS["pdf-memory"], { value: 499 }).met).toBe(true);
    expect(judge(GOALS["pdf-memory"], { value: 620 }).gap).toBe("120 MiB over");
  });

  it("calls growth linear up to 1.15× per copy", () => {
    expect(judge(GOALS["html-linear"], { value: 1.1 }).met).toBe(true);
    expect(judge(GOALS["html-linear"], { value: 1.3 }).met).toBe(false);
  });
});

describe("growth", () => {
  it("gives the cost per added copy between scales", () => {
    expect(growth([100, 190, 590])).toEqual({ perCopyLow: 10, perCopyHigh: 10, ratio: 1 });
    expect(growth([100, 190, 990])?.ratio).toBe(2);
  });

  it("needs all three medians", () => {
    expect(growth([100, Number.NaN, 590])).toBeUndefined();
  });
});
