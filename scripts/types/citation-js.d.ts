/**
 * Type declarations for the part of citation-js 0.8 that Casepress uses.
 *
 * citation-js ships no TypeScript types. Only `scripts/bibliography/citation-js.ts` imports it;
 * these declarations describe that surface and nothing more. Return values that come
 * from parsed user data are typed `unknown` so the caller has to check them.
 */

declare module "@citation-js/core" {
  /** A named store, such as the registered CSL styles or locales. */
  export interface Register<T> {
    add(name: string, value: T): void;
    has(name: string): boolean;
    get(name: string): T | undefined;
    list(): string[];
  }

  /** The configuration object of `@citation-js/plugin-csl`. */
  export interface CslPluginConfig {
    styles: Register<string>;
    locales: Register<string>;
  }

  /** Options of `plugins.input.chain`. */
  export interface ChainOptions {
    /** Skip type detection and read the input as this type. */
    forceType?: string;
    generateGraph?: boolean;
    strict?: boolean;
    target?: string;
    maxChainLength?: number;
  }

  /** Options of the `bibliography` output format of plugin-csl. */
  export interface BibliographyOutputOptions {
    format: "html" | "text" | "rtf";
    template: string;
    lang?: string;
    nosort?: boolean;
    asEntryArray?: boolean;
  }

  export const plugins: {
    config: {
      get(name: "@csl"): CslPluginConfig | undefined;
      get(name: string): unknown;
    };
    input: {
      chain(input: unknown, options: ChainOptions): unknown;
    };
    output: {
      format(
        name: "bibliography",
        data: readonly object[],
        options: BibliographyOutputOptions,
      ): unknown;
    };
  };

  export const version: string;
}

declare module "@citation-js/plugin-csl";
declare module "@citation-js/plugin-bibtex";
declare module "@citation-js/plugin-ris";
