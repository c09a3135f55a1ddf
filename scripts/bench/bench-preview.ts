/**
 * Warm rebuilds for `npm run bench`, run in a process of its own:
 *
 *   node --import tsx scripts/bench-preview.ts <project> <manuscript> <runs> [html|html,pdf]
 *
 * Starts a preview session (scripts/preview.ts), then edits the manuscript before every rebuild
 * (a sentence comes and goes, as typing would) and times each rebuild. Prints JSON: the rebuild times in ms.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OutputFormat } from "../cli/build.ts";
import { startPreview } from "../cli/preview.ts";

const [project, manuscript, runsText, formatsText = "html"] = process.argv.slice(2);
if (project === undefined || manuscript === undefined || runsText === undefined) {
  process.stderr.write("Usage: bench-preview.ts <project> <manuscript> <runs> [html|html,pdf]\n");
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
  for (let index = 0; index < warmUps + runs; index++) {
    // Add and remove a sentence at the end, as an author typing would.
    await writeFile(
      path,
      index % 2 === 0 ? `${original.trimEnd()} One more sentence.\n` : original,
    );
    const build = await session.rebuild();
    if (build.outputs.length === 0) throw new Error("A preview rebuild wrote nothing.");
    if (index >= warmUps) times.push(build.durationMs);
  }
  process.stdout.write(`${JSON.stringify({ firstMs: first.durationMs, times })}\n`);
} finally {
  await writeFile(path, original);
  await session.close();
}
