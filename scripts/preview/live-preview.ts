/**
 * `casepress preview`: build the manuscript as a draft in a warm process, serve it on loopback
 * (server.ts), rebuild on every change (watch.ts) and push the new state to the page, which
 * reloads itself. With the pdf format, the PDF is printed again in the background after each
 * rebuild by the warm browser; a newer build cancels a print still running (its result is
 * dropped, never published).
 */
import { basename, extname, resolve } from "node:path";
import type { VFile } from "vfile";
import type { BuildOptions } from "../cli/build.ts";
import type { PreviewBuild } from "../cli/preview.ts";
import { watchManuscript } from "../cli/watch.ts";
import { toJsonReport } from "../diagnostics/format-messages.ts";
import { outputPath } from "../loaders/path-guard.ts";
import { startBackgroundPrinter } from "../pdf/pdf-printer.ts";
import { writeFilesAtomic } from "../publish/write-atomic.ts";
import { type PdfState, type PreviewState, startPreviewServer } from "./server.ts";

/** Options of `casepress preview`: those of `build`, and the port. */
export interface LivePreviewOptions extends BuildOptions {
  /** `--port`; without it, 4321 or the next free one. */
  port?: number;
  /** Called after every build and every PDF print, with the state the page is sent. */
  onState?: (state: PreviewState, build: PreviewBuild | undefined) => void;
  /** Called after every build, with the state the page is sent. */
  onBuild?: (build: PreviewBuild, state: PreviewState) => void;
  /** Called when a rebuild fails unexpectedly. */
  onError?: (error: unknown) => void;
  /** How long to wait after a change for more changes before rebuilding, in ms (default 40). */
  debounceMs?: number;
}

/** A running live preview. */
export interface LivePreview {
  readonly url: string;
  /** Stop watching and serving, and close the browser. */
  close(): Promise<void>;
}

/** The number of pages of a PDF. */
async function pageCount(pdf: Uint8Array): Promise<number> {
  const { PDFDocument } = await import("pdf-lib");
  return (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
}

/** Serve `path`'s draft output and keep it current. */
export async function startLivePreview(
  path: string,
  options: LivePreviewOptions,
): Promise<LivePreview> {
  const cwd = options.cwd ?? process.cwd();
  const name = basename(path, extname(path));
  const outDir = resolve(cwd, options.outDir);
  const server = await startPreviewServer({
    outDir,
    name,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const printer = options.formats.includes("pdf") ? startBackgroundPrinter() : undefined;
  let page = 0;
  let written = false;
  let pdf: PdfState = { status: "off", reason: printer ? "" : "not asked for (--format html)" };
  let last: PreviewBuild | undefined;
  let generation = 0;
  let printing: Promise<void> | undefined;

  const publish = (): PreviewState => {
    const file = last?.file;
    const report = toJsonReport(file ? [file] : []);
    const manuscript = file?.path;
    const state: PreviewState = {
      page,
      written,
      errors: report.summary.errors,
      warnings: report.summary.warnings,
      messages: (report.manuscripts[0]?.messages ?? []).map((message) => ({
        ...message,
        file: message.file === manuscript ? "" : message.file,
      })),
      pdf,
    };
    server.publish(state);
    options.onState?.(state, last);
    return state;
  };

  const print = async (file: VFile, ticket: number): Promise<void> => {
    if (!printer) return;
    const bytes = await printer.print(outputPath(outDir, `${name}.html`), outDir, file);
    if (ticket !== generation) return; // A newer build cancelled this print.
    if (!bytes) {
      const created = await printer.started;
      pdf = {
        status: "off",
        reason:
          "help" in created
            ? (created.help.split("\n")[0] ?? "")
            : "the print failed (see the panel)",
      };
      publish();
      return;
    }
    const pages = await pageCount(bytes);
    if (ticket !== generation) return;
    await writeFilesAtomic([{ path: outputPath(outDir, `${name}.pdf`), data: bytes }]);
    pdf = {
      status: "ready",
      href: `/${encodeURIComponent(name)}.pdf?v=${ticket}`,
      pages,
      printedAt: new Date().toISOString(),
    };
    publish();
  };

  const onBuild = (build: PreviewBuild) => {
    last = build;
    written = build.outputs.some((output) => output.endsWith(".html"));
    const ticket = ++generation;
    if (written) {
      page++;
      if (printer) pdf = { status: "printing" };
    }
    const state = publish();
    options.onBuild?.(build, state);
    if (written && printer)
      printing = print(build.file, ticket).catch((error: unknown) => {
        if (ticket !== generation) return;
        pdf = { status: "off", reason: error instanceof Error ? error.message : String(error) };
        publish();
      });
  };

  let handle: Awaited<ReturnType<typeof watchManuscript>>;
  try {
    handle = await watchManuscript(
      path,
      { ...options, formats: ["html"], draft: true },
      onBuild,
      options.debounceMs ?? 40,
      options.onError,
    );
  } catch (error) {
    await server.close();
    const created = await printer?.started.catch(() => undefined);
    if (created && "close" in created) await created.close();
    throw error;
  }
  return {
    url: server.url,
    async close() {
      generation++;
      await server.close();
      await handle.close();
      await printing;
      const created = await printer?.started.catch(() => undefined);
      if (created && "close" in created) await created.close();
    },
  };
}
