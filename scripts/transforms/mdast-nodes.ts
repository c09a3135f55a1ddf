/**
 * Casepress's own mdast nodes. They carry `data.hName` / `data.hProperties` /
 * `data.hChildren` once resolved, so remark-rehype renders them with no custom handlers.
 */

import type { Data } from "mdast";
import type {} from "mdast-util-to-hast";
import type { Node } from "unist";

/** `[@a; @b]` (parenthetical) or `@a` (narrative): a citation of bibliography keys. */
export interface Citation extends Node {
  type: "citation";
  /** Parenthetical renders numbers only; narrative renders the authors' names plus numbers. */
  mode: "parenthetical" | "narrative";
  /** The cited keys in the order written. */
  keys: string[];
  data?: Data;
}

/** `@fig-id` or `@tbl-id` (also bracketed): a link to a figure or table. */
export interface CrossReference extends Node {
  type: "crossReference";
  /** The target id, e.g. `fig-ulcer`. */
  id: string;
  data?: Data;
}

declare module "mdast" {
  interface PhrasingContentMap {
    citation: Citation;
    crossReference: CrossReference;
  }
  interface RootContentMap {
    citation: Citation;
    crossReference: CrossReference;
  }
}

/** Whether a key names a figure or table rather than a reference. */
export function isCrossReferenceKey(key: string): boolean {
  return key.startsWith("fig-") || key.startsWith("tbl-");
}
