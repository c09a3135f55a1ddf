/**
 * The preview server serves only the page, its PDF and its assets, through the path guard:
 * traversal (plain, `%2f`-encoded, double-encoded), symbolic links out of the folder, folders
 * and other files of the output folder are all 404; wrong Host headers are refused; the page
 * carries the reload client, allowed by hash in its CSP; a taken explicit port is an error.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientScript, cspHash } from "../../scripts/preview/client.ts";
import {
  PortInUseError,
  type PreviewServer,
  startPreviewServer,
} from "../../scripts/preview/server.ts";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET with the path sent exactly as written (no URL normalisation). */
function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
  extra: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { host, ...extra };
    const outgoing = request({ host: "127.0.0.1", port, path, headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

let project = "";
let server: PreviewServer;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "casepress-preview-server-"));
  const out = join(project, "out");
  await mkdir(join(out, "page_files", "sub"), { recursive: true });
  await writeFile(join(project, "package.json"), '{ "secret": true }\n');
  await writeFile(join(project, "secret.txt"), "secret\n");
  await writeFile(
    join(out, "page.html"),
    "<!doctype html><html><head><title>T</title><style>p{color:red}</style></head><body><p>Hello</p></body></html>",
  );
  await writeFile(join(out, "page_files", "style.css"), "p { color: blue; }\n");
  await writeFile(join(out, "other.html"), "not part of this page\n");
  await symlink(join(project, "secret.txt"), join(out, "page_files", "link.txt"));
  await symlink(project, join(out, "page_files", "up"));
  server = await startPreviewServer({ outDir: out, name: "page", port: 0 });
});

afterAll(async () => {
  await server.close();
  await rm(project, { recursive: true, force: true });
});

describe("preview server", () => {
  it("serves the page with the reload client, allowed by its hash, and security headers", async () => {
    const reply = await get(server.port, "/");
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("<p>Hello</p>");
    expect(reply.body).toContain(`<script>${clientScript}</script>`);
    expect(reply.headers["x-content-type-options"]).toBe("nosniff");
    expect(reply.headers["x-frame-options"]).toBe("DENY");
    const csp = String(reply.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${cspHash(clientScript)}`);
    expect(csp).toContain(cspHash("p{color:red}"));
    expect(csp).not.toContain("unsafe-inline");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it("serves the page's assets", async () => {
    const reply = await get(server.port, "/page_files/style.css");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(reply.body).toBe("p { color: blue; }\n");
  });

  it.each([
    "/../package.json",
    "/..%2fpackage.json",
    "/..%2F..%2Fpackage.json",
    "/%2e%2e/package.json",
    "/%2e%2e%2fpackage.json",
    "/%252e%252e%252fpackage.json",
    "/..%252fpackage.json",
    "/page_files/..%2f..%2fpackage.json",
    "/page_files/%2e%2e/%2e%2e/secret.txt",
    "/page_files/..\\..\\package.json",
    "/page.html%00.css",
    `/${join("..", "secret.txt")}`,
    "//etc/passwd",
    "/etc/passwd",
  ])("refuses the traversal %s with 404", async (path) => {
    const reply = await get(server.port, path);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain("secret");
  });

  it("lets the browser revalidate an asset by its content hash (304), and never serves a stale one", async () => {
    const first = await get(server.port, "/page_files/style.css");
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^"[\w-]{27}"$/);
    expect(first.headers["cache-control"]).toBe("no-cache");
    const again = await get(server.port, "/page_files/style.css", undefined, {
      "if-none-match": tag,
    });
    expect([again.status, again.body]).toEqual([304, ""]);
    await writeFile(join(project, "out", "page_files", "style.css"), "p { color: green; }\n");
    const changed = await get(server.port, "/page_files/style.css", undefined, {
      "if-none-match": tag,
    });
    expect([changed.status, changed.body]).toEqual([200, "p { color: green; }\n"]);
    expect(changed.headers.etag).not.toBe(tag);
    await writeFile(join(project, "out", "page_files", "style.css"), "p { color: blue; }\n");
    // The page itself carries the build number, so it is never cached.
    const html = await get(server.port, "/");
    expect([html.headers["cache-control"], html.headers.etag]).toEqual(["no-store", undefined]);
  });

  it("refuses symbolic links that leave the output folder", async () => {
    expect((await get(server.port, "/page_files/link.txt")).status).toBe(404);
    expect((await get(server.port, "/page_files/up/package.json")).status).toBe(404);
  });

  it("sends no directory listings and nothing else of the output folder", async () => {
    for (const path of ["/page_files/", "/page_files", "/page_files/sub/", "/other.html"])
      expect((await get(server.port, path)).status).toBe(404);
  });

  it("refuses a Host other than loopback (DNS rebinding)", async () => {
    expect((await get(server.port, "/", "evil.example:80")).status).toBe(403);
  });

  it("pushes the state over Server-Sent Events", async () => {
    const received = new Promise<string>((resolve, reject) => {
      const outgoing = request(
        { host: "127.0.0.1", port: server.port, path: "/__casepress/events" },
        (response) => {
          expect(response.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
            if (text.includes('"page":7')) {
              outgoing.destroy();
              resolve(text);
            } else if (text.includes('"page":0'))
              server.publish({
                page: 7,
                written: true,
                errors: 0,
                warnings: 0,
                messages: [],
                pdf: { status: "printing" },
              });
          });
        },
      );
      outgoing.on("error", reject);
      outgoing.end();
    });
    expect(await received).toContain("event: state\ndata: {");
  });

  it("refuses an explicit port in use, and takes the next free one by default", async () => {
    await expect(
      startPreviewServer({ outDir: project, name: "page", port: server.port }),
    ).rejects.toThrow(PortInUseError);
    const first = await startPreviewServer({ outDir: project, name: "page" });
    const second = await startPreviewServer({ outDir: project, name: "page" });
    try {
      expect(second.port).not.toBe(first.port);
      expect(first.port).toBeGreaterThanOrEqual(4321);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
