/**
 * The preview's HTTP server: serves one manuscript's output (its page, PDF and assets folder)
 * on loopback, with the reload client and the diagnostics state pushed by Server-Sent Events.
 *
 * Safe by default: it binds to 127.0.0.1 only and answers only requests whose Host is that
 * address or `localhost` (no DNS rebinding); every request path goes through the path guard
 * (`resolveReference`, then `readGuarded` inside the output folder, which follows symbolic
 * links and refuses targets outside it, folders and special files); only the page, its PDF and
 * its assets folder are served, never a listing; the page's only script is the reload client,
 * allowed by hash in a Content-Security-Policy, and every response carries security headers.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, relative, sep } from "node:path";
import type { JsonMessage } from "../diagnostics/format-messages.ts";
import { isInside, readGuarded, resolveReference } from "../loaders/path-guard.ts";
import { htmlAttribute } from "../render/escape.ts";
import { clientScript, clientStyle, cspHash, eventsPath } from "./client.ts";

/** The state of the PDF view. */
export type PdfState =
  | { status: "ready"; href: string; pages: number; printedAt: string }
  | { status: "printing" }
  | { status: "off"; reason: string };

/** What the page shows besides itself: pushed to every open page after each change. */
export interface PreviewState {
  /** The number of the last page written; a page showing another number reloads. */
  page: number;
  /** Whether the last build wrote the page (false: the page shown is stale). */
  written: boolean;
  errors: number;
  warnings: number;
  messages: JsonMessage[];
  pdf: PdfState;
}

/** Where the served output lies. */
export interface PreviewServerOptions {
  /** The output folder (absolute). */
  outDir: string;
  /** The page's base name: `case-report` serves `case-report.html`, `.pdf` and `_files/`. */
  name: string;
  /** The port asked for with `--port`; without it, 4321 or the next free one. */
  port?: number;
}

/** A running preview server. */
export interface PreviewServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  /** Replace the state and push it to every open page. */
  publish(state: PreviewState): void;
  /** End every event stream and stop listening. */
  close(): Promise<void>;
}

/** A port asked for with `--port` is taken. */
export class PortInUseError extends Error {}

/** The default port, as Astro's; the next free one is taken when it is in use. */
export const defaultPort = 4321;
const portsTried = 20;

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
};

const securityHeaders = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
};

const scriptHash = cspHash(clientScript);

/** The Content-Security-Policy of the page: its inline styles and the client, by hash. */
function pageCsp(html: string): string {
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) =>
    cspHash(match[1] ?? ""),
  );
  return [
    "default-src 'none'",
    `script-src ${scriptHash}`,
    `style-src 'self' ${[...new Set(styles)].join(" ")}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The page with the build number, the panel's style and the reload client before `</head>`. */
export function injectClient(html: string, page: number): string {
  const injected = `<meta name="casepress-build" content="${htmlAttribute(String(page))}">\n<style>${clientStyle}</style>\n<script>${clientScript}</script>\n`;
  const at = html.search(/<\/head>/i);
  return at < 0 ? injected + html : html.slice(0, at) + injected + html.slice(at);
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, {
    ...securityHeaders,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Security-Policy": "default-src 'none'",
  });
  response.end("Not found\n");
}

/** Whether the Host header names this server on loopback (a DNS-rebinding defence). */
function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * Start serving `options.name`'s output from `options.outDir` on loopback. An explicit port that
 * is taken is a {@link PortInUseError}; without one, the next free port from 4321 is used.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const page = `${options.name}.html`;
  const pdf = `${options.name}.pdf`;
  const assets = `${options.name}_files`;
  let state: PreviewState = {
    page: 0,
    written: false,
    errors: 0,
    warnings: 0,
    messages: [],
    pdf: { status: "off", reason: "" },
  };
  const streams = new Set<ServerResponse>();
  const event = () => `event: state\ndata: ${JSON.stringify(state)}\n\n`;

  /** Serve one file of the output, through the path guard. */
  const serveFile = async (
    request: IncomingMessage,
    response: ServerResponse,
    rawPath: string,
  ): Promise<void> => {
    const resolved = resolveReference(rawPath.slice(1) || page, options.outDir, options.outDir);
    if (resolved.kind !== "local") return notFound(response);
    const inside = relative(options.outDir, resolved.absolutePath);
    const allowed =
      inside === page ||
      inside === pdf ||
      (inside.startsWith(`${assets}${sep}`) && isInside(resolved.absolutePath, options.outDir));
    if (!allowed) return notFound(response);
    const read = await readGuarded(resolved.absolutePath, options.outDir, "output");
    if (!read.ok) return notFound(response);
    const extension = extname(inside).toLowerCase();
    const headers: Record<string, string> = {
      ...securityHeaders,
      "Content-Type": contentTypes[extension] ?? "application/octet-stream",
    };
    let body: Buffer | string = read.bytes;
    if (inside !== page && inside !== pdf) {
      // Assets (figures, fonts, styles) are revalidated, not fetched again, on every reload: the
      // tag is their content's hash, so a changed asset is never taken from the cache.
      const tag = `"${createHash("sha256").update(read.bytes).digest("base64url").slice(0, 27)}"`;
      headers.ETag = tag;
      headers["Cache-Control"] = "no-cache";
      if (request.headers["if-none-match"] === tag) {
        response.writeHead(304, headers);
        response.end();
        return;
      }
    }
    if (inside === page) {
      body = injectClient(read.bytes.toString("utf8"), state.page);
      headers["Content-Security-Policy"] = pageCsp(body);
    } else if (extension === ".svg") {
      headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
    } else if (extension !== ".pdf") {
      headers["Content-Security-Policy"] = "default-src 'none'; style-src 'self'; font-src 'self'";
    }
    headers["Content-Length"] = String(Buffer.byteLength(body));
    response.writeHead(200, headers);
    response.end(request.method === "HEAD" ? undefined : body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!hostAllowed(request.headers.host, port)) {
      response.writeHead(403, { ...securityHeaders, "Content-Type": "text/plain; charset=utf-8" });
      response.end("Forbidden: this preview answers only on 127.0.0.1 and localhost.\n");
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { ...securityHeaders, Allow: "GET, HEAD" });
      response.end();
      return;
    }
    const rawPath = (request.url ?? "/").replace(/[?#].*$/s, "");
    if (!rawPath.startsWith("/")) return notFound(response);
    if (rawPath === eventsPath) {
      response.writeHead(200, {
        ...securityHeaders,
        "Content-Type": "text/event-stream; charset=utf-8",
        Connection: "keep-alive",
      });
      response.write(`retry: 500\n\n${event()}`);
      streams.add(response);
      request.on("close", () => streams.delete(response));
      return;
    }
    await serveFile(request, response, rawPath);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) notFound(response);
      else response.destroy();
    });
  });
  const port = await listen(server, options.port);
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(": keep-alive\n\n");
  }, 15_000);
  heartbeat.unref();

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    publish(next) {
      state = next;
      const data = event();
      for (const stream of streams) stream.write(data);
    },
    async close() {
      clearInterval(heartbeat);
      for (const stream of streams) stream.end();
      streams.clear();
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Listen on loopback: on `explicit`, or on the first free port from the default. */
async function listen(server: Server, explicit: number | undefined): Promise<number> {
  const candidates =
    explicit === undefined
      ? Array.from({ length: portsTried }, (_, index) => defaultPort + index)
      : [explicit];
  for (const candidate of candidates) {
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const failed = (failure: NodeJS.ErrnoException) => resolve(failure);
      server.once("error", failed);
      server.listen({ host: "127.0.0.1", port: candidate, exclusive: true }, () => {
        server.off("error", failed);
        resolve(undefined);
      });
    });
    if (!error) return (server.address() as AddressInfo).port; // listen() on a TCP port gives an AddressInfo.
    if (error.code !== "EADDRINUSE") throw error;
  }
  if (explicit !== undefined)
    throw new PortInUseError(
      `Port ${explicit} is already in use on 127.0.0.1; stop what uses it or choose another with --port.`,
    );
  throw new PortInUseError(
    `Ports ${defaultPort}–${defaultPort + portsTried - 1} are all in use on 127.0.0.1; choose a free one with --port.`,
  );
}
