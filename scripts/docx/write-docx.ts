/**
 * The DOCX output of a build: renders the compiled manuscript and, when the profile embeds
 * figures, reads the figure images first (the one read this output needs).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import type { OutputFile } from "../publish/write-atomic.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import { type DocxOptions, renderDocx } from "./render-docx.ts";

type EmbeddedImage =
  NonNullable<DocxOptions["images"]> extends ReadonlyMap<string, infer T> ? T : never;

const embeddable: Record<string, EmbeddedImage["type"]> = {
  png: "png",
  jpg: "jpg",
  jpeg: "jpg",
  gif: "gif",
  bmp: "bmp",
};

/** Read the images the manuscript names that Word can embed, by the URL written. */
async function readImages(file: VFile): Promise<Map<string, EmbeddedImage>> {
  const images = new Map<string, EmbeddedImage>();
  for (const [url, image] of file.data.resources?.images ?? []) {
    if (image.status !== "ok") continue;
    const type = embeddable[image.format.toLowerCase()];
    if (type) images.set(url, { type, data: await readFile(image.absolutePath) });
  }
  return images;
}

/** `<outDir>/<name>.docx` for a compiled manuscript, ready for the atomic writer. */
export async function docxOutput(
  tree: Root,
  file: VFile,
  profile: JournalProfile,
  target: { outDir: string; name: string; generator: string; time?: Date },
): Promise<OutputFile & { data: Uint8Array }> {
  const images = profile.submission["embed-figures"] ? await readImages(file) : undefined;
  const data = await renderDocx(tree, file, profile, {
    generator: target.generator,
    ...(images ? { images } : {}),
    ...(target.time ? { time: target.time } : {}),
  });
  return { path: join(target.outDir, `${target.name}.docx`), data };
}
