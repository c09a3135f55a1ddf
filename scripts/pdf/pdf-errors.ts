/** The ways printing a PDF fails that callers tell apart: time-out, no browser, no launch. */

/** Loading or printing took longer than the job's `timeoutMs`. */
export class PdfTimeoutError extends Error {
  override name = "PdfTimeoutError";
  /** The HTML file being printed. */
  readonly htmlPath: string;
  /** The limit that was exceeded, in ms. */
  readonly timeoutMs: number;
  /** What was running: "loading the page", "waiting for fonts", "printing". */
  readonly phase: string;

  constructor(htmlPath: string, timeoutMs: number, phase: string, options?: { cause?: unknown }) {
    super(
      `PDF rendering of ${htmlPath} timed out after ${timeoutMs} ms while ${phase}. ` +
        "Very large images or a busy machine make this slower: shrink the figures, or raise the limit (PdfJob.timeoutMs).",
      options,
    );
    this.htmlPath = htmlPath;
    this.timeoutMs = timeoutMs;
    this.phase = phase;
  }
}

/** No browser executable could be found; the message says how to install one. */
export class BrowserNotFoundError extends Error {
  override name = "BrowserNotFoundError";
}

/** The browser could not be started (a wrong executable, a missing library, a timeout). */
export class BrowserLaunchError extends Error {
  override name = "BrowserLaunchError";
  /** The executable that failed. */
  readonly executablePath: string;

  constructor(executablePath: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`Could not start the browser at ${executablePath}: ${reason.split("\n")[0]}`, options);
    this.executablePath = executablePath;
  }
}
