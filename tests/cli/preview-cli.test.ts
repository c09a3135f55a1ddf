/**
 * `casepress preview` as a command: it prints the URL, a port given with --port that is taken is
 * a clear error (exit 2), and Ctrl-C (SIGINT) shuts it down cleanly with exit 0.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryDirectory } from "../helpers.ts";

const cli = join(repositoryDirectory, "scripts", "casepress.mjs");
let project = "";

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "casepress-preview-cli-"));
  await cp(join(repositoryDirectory, "manuscript"), join(project, "manuscript"), {
    recursive: true,
  });
  await cp(join(repositoryDirectory, "figures"), join(project, "figures"), { recursive: true });
  await writeFile(join(project, "package.json"), '{ "name": "a-manuscript", "private": true }\n');
});

afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

function start(args: string[]) {
  const child = spawn(process.execPath, [cli, "preview", "manuscript/case-report.md", ...args], {
    cwd: project,
    env: { ...process.env, CASEPRESS_FROM_SOURCE: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, "exit") as Promise<[number | null, string | null]>;
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe("casepress preview", () => {
  it("prints the URL, serves the page, and stops cleanly on Ctrl-C", async () => {
    const run = start(["--port", "0", "--format", "html", "--out", "out"]);
    const url = await new Promise<string>((resolve, reject) => {
      run.child.stdout.on("data", () => {
        const found = /Preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output().stdout)?.[1];
        if (found) resolve(found);
      });
      run.child.on("exit", () => reject(new Error(run.output().stderr)));
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<meta name="casepress-build" content="1">');
    run.child.kill("SIGINT");
    const [code] = await run.exited;
    expect(code).toBe(0);
  });

  it("refuses a port given with --port that is in use, with a clear error", async () => {
    const blocker = createServer();
    blocker.listen(0, "127.0.0.1");
    await once(blocker, "listening");
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const run = start(["--port", String(port), "--format", "html", "--out", "out"]);
      const [code] = await run.exited;
      expect(code).toBe(2);
      expect(run.output().stderr).toContain(`Port ${port} is already in use on 127.0.0.1`);
    } finally {
      blocker.close();
    }
  });
});
