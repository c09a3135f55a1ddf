/**
 * What the PDF browser may load: `data:` URLs, and `file:` URLs whose real path (through
 * symbolic links and `..`) lies inside the output folder. Everything else is refused with a
 * reason; the path check is the path guard's.
 */
import { fileURLToPath } from "node:url";
import { realPathPlacement } from "../loaders/path-guard.ts";

/**
 * Decide one request: `null` to let it load, or the reason to refuse it.
 * `file:` URLs must resolve (through symlinks and `..`) inside `allowedDir`.
 */
export function requestVerdict(url: string, allowedDir: string): string | null {
  if (url.startsWith("data:")) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a valid URL";
  }
  if (parsed.protocol === "file:") {
    let path: string;
    try {
      path = fileURLToPath(parsed);
    } catch {
      return "not a local file path";
    }
    const placement = realPathPlacement(path, allowedDir);
    if (placement === "outside") return `outside the output folder ${allowedDir}`;
    if (placement === "missing") return "file not found";
    return null;
  }
  if (parsed.protocol === "http:" || parsed.protocol === "https:") {
    return "network access is disabled; copy the file next to the manuscript";
  }
  return `the ${parsed.protocol.replace(/:$/, "")} scheme is not allowed`;
}
