/**
 * What transforms share through `file.data`. Each field is written by one transform (named
 * below) and read by the later ones; the order lives in `pipeline.ts`.
 */
import type { Position } from "unist";
import type { CslItem } from "../bibliography/bibliography.ts";
import type { Resources } from "../loaders/resources.ts";
import type { FrontMatter } from "../schemas/front-matter-schema.ts";
import type { JournalProfile } from "../schemas/journal-profile.ts";

/** Finds the source position of a front matter value by its path, e.g. `["authors", 0, "email"]`. */
export type FrontMatterLocator = (path: readonly (string | number)[]) => Position | undefined;

/** A numbered figure or table, written by `remarkNumberFloats`. */
export interface NumberedFloat {
  id: string;
  kind: "figure" | "table";
  /** The display label with number: "Fig 1", "Table I". */
  label: string;
  /**
   * The number, by first callout in the running text; floats called out only from other
   * floats follow, and floats never called out come last in source order.
   */
  number: number;
  /** Whether anything calls it out (`figure-not-called-out` / `table-not-called-out` otherwise). */
  calledOut: boolean;
  /** Panel letters its caption defines ("A", "B"). */
  panels: string[];
}

/** A reference with its assigned number, written by `remarkCitations`. */
export interface NumberedReference {
  key: string;
  number: number;
  /** The id of the element of its first citation, for the back link. */
  firstCitationId: string;
}

declare module "vfile" {
  interface DataMap {
    /** Written by the loader: where the manuscript lives. */
    manuscript: {
      /** Absolute path of the manuscript file. */
      absolutePath: string;
      /** Absolute path of the folder it is in. */
      directory: string;
      /** Absolute path of its root: every file it names must lie below. */
      root: string;
    };
    /** Written by `remarkValidateFrontMatter`. */
    frontMatter: FrontMatter;
    /** Written by `remarkValidateFrontMatter`. */
    locateFrontMatter: FrontMatterLocator;
    /**
     * The journal profile in use, written by the pipeline once loaded, for the stages after the
     * transforms (render, PDF, watch). Transforms take their settings as options instead.
     */
    journal: JournalProfile;
    /** Files the manuscript names, loaded by the loaders. */
    resources: Resources;
    /** Written by `remarkNumberFloats`: figures and tables by id. */
    floats: globalThis.Map<string, NumberedFloat>;
    /** Written by `remarkCitations`: cited references in number order. */
    references: NumberedReference[];
    /** Written by `remarkCitations`: the CSL item of each cited key. */
    referenceItems: globalThis.Map<string, CslItem>;
    /**
     * Written by the figure and table transforms: the abbreviations each figure legend or table
     * footnote (or caption) defines, by float id, as abbreviation → expansion as written.
     */
    floatAbbreviations: globalThis.Map<string, globalThis.Map<string, string>>;
    /** Set by `build --draft` and the preview: transforms mark problems in place (`remark-draft-marks.ts`). */
    draft: boolean;
    /** Written by `remarkJournalRules`: the body word count the word limit applies to (`word-count.ts`). */
    bodyWords: number;
  }
}
