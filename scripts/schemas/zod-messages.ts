/**
 * zod/mini ships no error messages; Casepress's own messages cover most checks, and zod's
 * English locale words the rest ("Too small: expected number to be >=1000").
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());
