/** Packing a Word document into bytes that depend only on its content and the build time. */
import { type Document, Packer } from "docx";
import { unzipEntries, zipDeterministic } from "../publish/deterministic-zip.ts";

/** ISO time without fractions, as `dcterms:W3CDTF` is usually written. */
function w3cdtf(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Pack a document deterministically: docx stamps the current time into `docProps/core.xml` and
 * into every zip entry, so the parts are unzipped, the core times set to `time`, and zipped
 * again with fixed entry times, `[Content_Types].xml` first.
 */
export async function packDocument(document: Document, time: Date): Promise<Uint8Array> {
  const packed = await Packer.toBuffer(document);
  const stamp = w3cdtf(time);
  const entries = unzipEntries(new Uint8Array(packed)).map((entry) => {
    if (entry.path !== "docProps/core.xml") return entry;
    const xml = new TextDecoder()
      .decode(entry.data)
      .replace(
        /(<dcterms:(created|modified)\b[^>]*>)[^<]*(<\/dcterms:\2>)/g,
        (_, open: string, _name: string, close: string) => `${open}${stamp}${close}`,
      );
    return { path: entry.path, data: new TextEncoder().encode(xml) };
  });
  const ordered = [
    ...entries.filter((entry) => entry.path === "[Content_Types].xml"),
    ...entries.filter((entry) => entry.path !== "[Content_Types].xml"),
  ];
  return zipDeterministic(ordered, time);
}
