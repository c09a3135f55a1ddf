/** Small timing helpers of the PDF renderer. */

/** A stopwatch: each `lap()` returns the ms since the previous one. */
export function stopwatch(): () => number {
  let mark = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - mark;
    mark = now;
    return elapsed;
  };
}

/** Timeout of a step that has no timeout option of its own. */
export class LocalTimeout extends Error {}

/** Reject with {@link LocalTimeout} if `promise` has not settled after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LocalTimeout(`no answer after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
