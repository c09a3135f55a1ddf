/**
 * The entry of the CLI bundle (scripts/dev/bundle.mjs): the command line, and the warm-up that
 * the V8 startup snapshot (scripts/dev/snapshot.cjs) runs before it is frozen.
 */
import { resolve } from "node:path";
import { forgetLastReferences } from "../render/render-page.ts";
import { buildManuscript } from "./build.ts";

export { main } from "./main.ts";

/**
 * Build `sample` to HTML in `outDir` once, so the frozen process starts warm: the default
 * journal loaded with its template, its CSL style compiled by citeproc with the locale, the
 * unified processors frozen, and the code of a whole build compiled. Everything it leaves
 * behind is checked again before use, as in a long-lived process that built one manuscript
 * before (journal files by size, time and inode; styles by content). The sample's formatted
 * reference list is forgotten, so no run is served the sample's list from the snapshot.
 * Relative paths resolve against `cwd`. Returns the number of outputs written.
 */
export async function warmUp(sample: string, outDir: string, cwd: string): Promise<number> {
  const result = await buildManuscript(resolve(cwd, sample), { outDir, formats: ["html"], cwd });
  forgetLastReferences();
  return result.outputs.length;
}
