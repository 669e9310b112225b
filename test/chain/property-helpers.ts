export { commitmentOf, outputHashOf, readSlots, readTask } from "../../src-main/chain/task-views.js";

/** Similarity scores are basis points. */
export const MAX_SCORE = 10_000;
