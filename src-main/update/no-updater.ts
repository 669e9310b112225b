import { PouwError } from "../../src-shared/errors.js";
import type { CoreActions } from "../session/main-core.js";

const NONE = "this miner has no updater: the desktop app updates itself; elsewhere install the new release yourself";

/**
 * The update methods of a core without an updater (the headless miner, a source checkout, the
 * in-memory preview): its snapshot has no `update`, so the dashboard hides the update card, and a
 * call anyway says why on one line.
 */
export const noUpdater: Pick<CoreActions, "checkForUpdate" | "installUpdate"> = {
  checkForUpdate: async () => Promise.reject(new PouwError("NOT_FOUND", NONE)),
  installUpdate: async () => Promise.reject(new PouwError("NOT_FOUND", NONE)),
};
