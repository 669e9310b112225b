import type { App } from "electron";
import { applyStartOnLogin, followStartOnLogin, startedHidden } from "../desktop/login-item.js";

type LoginApp = Pick<App, "isPackaged" | "setLoginItemSettings">;

/**
 * Start on login from the startOnLogin setting, now and on each change (src-main/desktop/login-item.ts
 * decides: Electron's login item on macOS and Windows, an XDG autostart entry on Linux, nothing
 * from a source checkout). Returns the stop function.
 */
export function installLoginItem(
  core: Parameters<typeof followStartOnLogin>[0],
  app: LoginApp,
  platform: NodeJS.Platform = process.platform,
): () => void {
  return followStartOnLogin(
    core,
    (enabled) =>
      applyStartOnLogin(enabled, {
        platform,
        isPackaged: app.isPackaged,
        execPath: process.execPath,
        env: process.env,
        setLoginItem: (settings) => app.setLoginItemSettings(settings),
      }),
    (message) => console.warn(`PoUW Miner: ${message}`),
  );
}

/** Started at login: stay in the tray with no window (`--hidden`, or macOS's wasOpenedAtLogin). */
export function launchedHidden(
  app: Pick<App, "getLoginItemSettings">,
  argv: readonly string[] = process.argv,
  platform: NodeJS.Platform = process.platform,
): boolean {
  return startedHidden(argv, platform === "darwin" && app.getLoginItemSettings().wasOpenedAtLogin);
}
