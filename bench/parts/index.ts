import type { BenchPart } from "../types.js";

/** Parts run in this order; each issue adds its own file here. */
export const parts: BenchPart[] = [];
