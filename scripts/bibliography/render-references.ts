/**
 * The reference list: `<section id="references">` with an `<ol>` whose items have ids
 * `ref-<key>` and link back to their first citation. citation-js formats the entries in one
 * pass with the journal's CSL style.
 */
import type { Element, ElementContent } from "hast";
import { fromHtml } from "hast-util-from-html";
import { h } from "hastscript";
import type { JournalProfile } from "../schemas/journal-profile.ts";
import type { NumberedReference } from "../transforms/vfile-data.ts";
import type { CslItem } from "./bibliography.ts";
import { createReferenceFormatter } from "./bibliography.ts";

/** Render the numbered references as the journal's reference list. */
export function renderReferences(
  references: readonly NumberedReference[],
  items: ReadonlyMap<string, CslItem>,
  profile: JournalProfile,
): Element | undefined {
  if (references.length === 0) return undefined;
  const formatter = createReferenceFormatter({
    name: `casepress-${profile.id}`,
    xml: profile.cslXml,
  });
  const formatted = formatter.format(
    references.map((reference) => items.get(reference.key) ?? { id: reference.key }),
  );
  return h("section.references", { id: "references" }, [
    h("h2", profile.labels.references),
    h(
      "ol",
      references.map((reference, index) => {
        const entry = fromHtml(formatted[index] ?? "", { fragment: true })
          .children as ElementContent[];
        return h("li", { id: `ref-${reference.key}` }, [
          ...entry,
          { type: "text", value: " " },
          // The accessible name is the link's own text: the arrow plus words only screen readers get.
          h("a.backlink", { href: `#${reference.firstCitationId}` }, [
            "↩",
            h(
              "span.visually-hidden",
              ` Back to the first citation of reference ${reference.number}`,
            ),
          ]),
        ]);
      }),
    ),
  ]);
}
