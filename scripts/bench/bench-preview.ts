/**
 * Warm rebuilds for `npm run bench`, run in a process of its own:
 *
 *   node --import tsx scripts/bench/bench-preview.ts <project> <manuscript> <runs> [html|html,pdf] [profile]
 *
 * Starts a preview session (scripts/preview.ts), then edits the manuscript before every rebuild
 * (a sentence comes and goes, as typing would) and times each rebuild. Prints JSON: the rebuild times in ms.
 * With a `profile` path, the timed rebuilds (not the start or the warm-ups) are CPU-profiled
 * through node:inspector and the profile is written there (`.cpuprofile`).
 */

import { readFile, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import type { OutputFormat } from "../cli/build.ts";
import { startPreview } from "../cli/preview.ts";

const [project, manuscript, runsText, formatsText = "html", profilePath] = process.argv.slice(2);
if (project === undefined || manuscript === undefined || runsText === undefined) {
  process.stderr.write(
    "Usage: bench-preview.ts <project> <manuscript> <runs> [html|html,pdf] [profile]\n",
  );
  process.exit(2);
}
const runs = Number(runsText);
const formats = formatsText
  .split(",")
  .filter((format): format is OutputFormat => format === "html" || format === "pdf");
const path = join(project, manuscript);
const original = await readFile(path, "utf8");
const warmUps = 5;
const { session, first } = await startPreview(manuscript, {
  outDir: "out-preview",
  formats,
  cwd: project,
});
try {
  if (first.outputs.length === 0)
    throw new Error(`The first preview build wrote nothing:\n${first.file.messages.join("\n")}`);
  const times: number[] = [];
  const inspector = profilePath === undefined ? undefined : new Session();
  for (let index = 0; index < warmUps + runs; index++) {
    if (index === warmUps && inspector) {
      inspector.connect();
      await inspector.post("Profiler.enable");
      await inspector.post("Profiler.start");
    }
    // Add and remove a sentence at the end, as an author typing would.
    await writeFile(
      path,
      index % 2 === 0 ? `${original.trimEnd()} One more sentence.\n` : original,
    );
    const build = await session.rebuild();
    if (build.outputs.length === 0) throw new Error("A preview rebuild wrote nothing.");
    if (index >= warmUps) times.push(build.durationMs);
  }
  if (inspector && profilePath !== undefined) {
    const { profile } = await inspector.post("Profiler.stop");
    await writeFile(profilePath, JSON.stringify(profile));
    inspector.disconnect();
  }
  process.stdout.write(`${JSON.stringify({ firstMs: first.durationMs, times })}\n`);
} finally {
  await writeFile(path, original);
  await session.close();
}
