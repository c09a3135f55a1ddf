/**
 * The PDF browser resolves and connects to nothing. A child process launches the renderer and
 * prints a page that asks for remote images, fonts and styles, under `strace -f`; the trace
 * must hold no DNS traffic (nothing to port 53), no stream connection to a non-loopback
 * address, and nothing sent to one. The only non-loopback `connect` Chromium makes is its IPv6
 * routing probe: a UDP `connect`, which sends no packet; the test allows exactly that.
 *
 * Skipped, with a message, where strace is missing or ptrace is not permitted; `.ci/run`
 * installs strace.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/pdf/find-browser.ts";
import { repositoryDirectory } from "../helpers.ts";

/** Whether `strace -f` works here (installed, and ptrace allowed). */
function straceWorks(): boolean {
  try {
    execFileSync("strace", ["-f", "-qq", "-e", "trace=none", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const browser = findBrowser();
const canTrace = straceWorks();
if (!canTrace)
  console.warn(
    "network-isolation: skipped, strace is missing or not permitted here (apt-get install strace).",
  );

/** One traced system call. */
interface Call {
  tid: string;
  name: string;
  args: string;
  result: string;
}

/** Parse `strace -f -o` output (one call per line; `unfinished`/`resumed` pairs joined). */
function parseTrace(text: string): Call[] {
  const pending = new Map<string, string>();
  const calls: Call[] = [];
  for (const line of text.split("\n")) {
    const unfinished = /^(\d+)\s+(.*) <unfinished \.\.\.>$/.exec(line);
    if (unfinished?.[1] && unfinished[2] !== undefined) {
      pending.set(unfinished[1], unfinished[2]);
      continue;
    }
    const resumed = /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/.exec(line);
    const joined = resumed?.[1]
      ? `${resumed[1]} ${pending.get(resumed[1]) ?? ""}${resumed[2] ?? ""}`
      : line;
    if (resumed?.[1]) pending.delete(resumed[1]);
    const call = /^(\d+)\s+(\w+)\((.*)\)\s+=\s+(-?\d+|\?)/.exec(joined);
    if (call?.[1] && call[2] && call[3] !== undefined && call[4] !== undefined)
      calls.push({ tid: call[1], name: call[2], args: call[3], result: call[4] });
  }
  return calls;
}

/** Whether a traced address is loopback (127.0.0.0/8 or ::1). */
function isLoopback(args: string): boolean {
  return /inet_addr\("127\./.test(args) || /"::1"/.test(args) || /"::ffff:127\./.test(args);
}

/** The problems in a trace: DNS, stream connections out, data sent out. */
function networkViolations(calls: readonly Call[]): string[] {
  const socketType = new Map<string, string>();
  const violations: string[] = [];
  for (const call of calls) {
    const fd = /^(\d+)/.exec(call.args)?.[1];
    if (call.name === "socket" && /AF_INET6?\b/.test(call.args)) {
      socketType.set(`${call.tid}:${call.result}`, /SOCK_DGRAM/.test(call.args) ? "udp" : "tcp");
      continue;
    }
    if (!/AF_INET6?\b/.test(call.args) && call.name === "connect") continue;
    if (/htons\(53\)/.test(call.args)) {
      violations.push(`DNS: ${call.name}(${call.args})`);
      continue;
    }
    if (!/AF_INET6?\b/.test(call.args) || isLoopback(call.args)) continue;
    if (call.name === "connect") {
      if (socketType.get(`${call.tid}:${fd}`) !== "udp")
        violations.push(`connection out: connect(${call.args})`);
    } else {
      violations.push(`sent out: ${call.name}(${call.args})`);
    }
  }
  return violations;
}

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.map((path) => rm(path, { recursive: true, force: true })));
});

describe("strace parsing (no browser needed)", () => {
  it("flags DNS, stream connections and sends, and allows loopback and the UDP probe", () => {
    const calls = parseTrace(
      [
        "10 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 19",
        '10 connect(19, {sa_family=AF_INET6, sin6_port=htons(443), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr)}, 28) = 0',
        '11 connect(20, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED',
        '12 connect(21, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16 <unfinished ...>',
        "12 <... connect resumed>) = 0",
        "13 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 22",
        '13 connect(22, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16) = -1 EINPROGRESS',
        '14 sendto(23, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16) = 1',
      ].join("\n"),
    );
    const violations = networkViolations(calls);
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(/^DNS/);
    expect(violations[1]).toMatch(/^connection out/);
    expect(violations[2]).toMatch(/^sent out/);
  });
});

describe.skipIf(!canTrace || browser.path === null)("the PDF browser under strace", () => {
  it("makes no DNS query and no connection while printing a page full of remote links", async () => {
    const directory = await mkdtemp(join(tmpdir(), "casepress-strace-"));
    temporary.push(directory);
    await writeFile(
      join(directory, "page.html"),
      [
        "<!doctype html><html><head>",
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">',
        "<style>body { background: url(http://update.googleapis.com/x.png); }</style>",
        '</head><body><img src="http://accounts.google.com/x.png"><img src="https://example.com/y.png">',
        "<p>Hello</p></body></html>",
      ].join(""),
    );
    const script = join(directory, "print.mts");
    await writeFile(
      script,
      `import { launchPdfRenderer } from ${JSON.stringify(join(repositoryDirectory, "scripts", "pdf", "render-pdf.ts"))};
const renderer = await launchPdfRenderer({ executablePath: ${JSON.stringify(browser.path)} });
try {
  const result = await renderer.render({
    htmlPath: ${JSON.stringify(join(directory, "page.html"))},
    allowedDir: ${JSON.stringify(directory)},
    metadata: { title: "t", authors: [], creator: "test" },
  });
  console.log(JSON.stringify(result.blockedRequests.map((request) => request.url)));
} finally {
  await renderer.close();
}
`,
    );
    const log = join(directory, "trace.txt");
    const stdout = execFileSync(
      "strace",
      [
        "-f",
        "-qq",
        "-o",
        log,
        "-e",
        "trace=socket,connect,sendto,sendmsg,sendmmsg",
        process.execPath,
        "--import",
        "tsx",
        script,
      ],
      { cwd: repositoryDirectory, encoding: "utf8", timeout: 120_000 },
    );
    // The page's own requests were refused by interception and reported…
    expect(JSON.parse(stdout.trim().split("\n").pop() ?? "[]")).toEqual(
      expect.arrayContaining([
        "http://accounts.google.com/x.png",
        "https://example.com/y.png",
        "https://fonts.googleapis.com/css?family=Roboto",
      ]),
    );
    // …and the browser itself looked nothing up and connected nowhere.
    const calls = parseTrace(await readFile(log, "utf8"));
    expect(calls.some((call) => call.name === "socket")).toBe(true);
    expect(networkViolations(calls)).toEqual([]);
  }, 180_000);
});
