/**
 * The speed and memory goals of `npm run bench` (issue 18) and how a measurement is judged
 * against them. Pure: no timing, no processes.
 */

/** What a goal asks of a case. */
export type Goal =
  /** Casepress's median over the peer's median, at most `value`. */
  | { kind: "ratio-at-most"; value: number; text: string }
  /** Documents per second of Casepress, at least `value`. */
  | { kind: "rate-at-least"; value: number; text: string }
  /** Casepress's median, at most `value` ms. */
  | { kind: "ms-at-most"; value: number; text: string }
  /** A peak memory, at most `value` MiB. */
  | { kind: "mib-at-most"; value: number; text: string }
  /** Cost per added copy at the largest scale over the cost per added copy at the middle scale. */
  | { kind: "linear"; value: number; text: string };

/** A goal with its verdict. */
export type Judged = Goal & {
  met: boolean;
  /** The measured ratio, rate, ms or MiB the goal compares. */
  actual: number;
  /** How far it is missed, for people; absent when met. */
  gap?: string;
};

/** What a case measured, as far as a goal needs it. */
export interface Measured {
  /** Casepress's median (ms, or MiB for memory, or per-copy growth ratio for linearity). */
  value: number;
  /** The peer's median, for ratio goals. */
  peer?: number;
  /** Documents one run produces, for rates. */
  documents?: number;
}

/** Issue 18's goals, by case id. */
export const GOALS = {
  "html-1x": { kind: "ratio-at-most", value: 1.2, text: "≤ 1.2× pandoc" },
  "html-1x-warm": { kind: "ratio-at-most", value: 1.0, text: "≤ 1.0× pandoc" },
  "pdf-1x": { kind: "ratio-at-most", value: 0.65, text: "≤ 0.65× chromium" },
  "pdf-batch": { kind: "rate-at-least", value: 5, text: "≥ 5 PDFs/s" },
  "warm-rebuild": { kind: "ms-at-most", value: 20, text: "≤ 20 ms" },
  "save-reload": { kind: "ms-at-most", value: 150, text: "≤ 150 ms" },
  "html-50x": { kind: "ratio-at-most", value: 1.2, text: "≤ 1.2× pandoc" },
  "html-linear": {
    kind: "linear",
    value: 1.15,
    text: "linear (per copy ≤ 1.15× at 50× vs 10×)",
  },
  "pdf-memory": { kind: "mib-at-most", value: 500, text: "≤ 500 MiB (tree PSS)" },
} as const satisfies Record<string, Goal>;

/** Milliseconds for people: "830 ms", "12.4 s", "–" when unknown. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return value < 100 ? `${value.toFixed(1)} ms` : `${value.toFixed(0)} ms`;
}

/** Judge `measured` against `goal`. A missing peer or value never meets a goal. */
export function judge(goal: Goal, measured: Measured): Judged {
  const { value, peer } = measured;
  switch (goal.kind) {
    case "ratio-at-most": {
      const ratio = peer === undefined ? Number.NaN : value / peer;
      const met = ratio <= goal.value;
      if (met) return { ...goal, met, actual: ratio };
      const target = peer === undefined ? Number.NaN : goal.value * peer;
      return {
        ...goal,
        met,
        actual: ratio,
        gap: Number.isFinite(target)
          ? `${formatMs(value - target)} over the target of ${formatMs(target)}`
          : "no peer measured",
      };
    }
    case "rate-at-least": {
      const rate = (measured.documents ?? 1) / (value / 1000);
      const met = rate >= goal.value;
      if (met) return { ...goal, met, actual: rate };
      return {
        ...goal,
        met,
        actual: rate,
        gap: `${rate.toFixed(1)}/s, ${(goal.value / rate).toFixed(2)}× short`,
      };
    }
    case "ms-at-most": {
      const met = value <= goal.value;
      if (met) return { ...goal, met, actual: value };
      return { ...goal, met, actual: value, gap: `${formatMs(value - goal.value)} over` };
    }
    case "mib-at-most": {
      const met = value <= goal.value;
      if (met) return { ...goal, met, actual: value };
      return { ...goal, met, actual: value, gap: `${(value - goal.value).toFixed(0)} MiB over` };
    }
    case "linear": {
      const met = value <= goal.value;
      if (met) return { ...goal, met, actual: value };
      return {
        ...goal,
        met,
        actual: value,
        gap: `each added copy costs ${value.toFixed(2)}× as much at 50× as at 10×`,
      };
    }
  }
}

/** Growth with size from medians at three scales (1×, 10×, 50× by default). */
export interface Growth {
  /** ms per added copy from the first scale to the second. */
  perCopyLow: number;
  /** ms per added copy from the second scale to the third. */
  perCopyHigh: number;
  /** perCopyHigh / perCopyLow: 1 is linear, more is worse than linear. */
  ratio: number;
}

/** Per-copy costs between scales `factors` from medians `ms` at those scales. */
export function growth(
  ms: readonly [number, number, number],
  factors: readonly [number, number, number] = [1, 10, 50],
): Growth | undefined {
  const [one, middle, large] = ms;
  const [f1, f2, f3] = factors;
  if (![one, middle, large].every(Number.isFinite) || !(f1 < f2 && f2 < f3)) return undefined;
  const perCopyLow = (middle - one) / (f2 - f1);
  const perCopyHigh = (large - middle) / (f3 - f2);
  return { perCopyLow, perCopyHigh, ratio: perCopyHigh / perCopyLow };
}
