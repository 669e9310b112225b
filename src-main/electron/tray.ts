import path from "node:path";
import { Menu, Tray, nativeImage } from "electron";
import type { MiningStatus } from "../../src-shared/app-contract.js";
import { trayAction, trayIconFile, trayTooltip } from "./tray-state.js";

export interface TrayActions {
  show(): void;
  start(): void;
  stop(): void;
  quit(): void;
}

/** The tray icon mirrors the mining state; its menu offers show, start/stop and quit. */
export function createTray(
  resourcesDir: string,
  actions: TrayActions,
): { update(status: MiningStatus): void; destroy(): void } {
  // createFromPath picks tray-<state>@2x.png next to the 1x file on HiDPI screens.
  const icon = (status: MiningStatus) =>
    nativeImage.createFromPath(path.join(resourcesDir, trayIconFile(status.state)));
  const tray = new Tray(icon({ state: "stopped", reason: "" }));
  tray.on("click", actions.show);

  const update = (status: MiningStatus): void => {
    tray.setImage(icon(status));
    tray.setToolTip(trayTooltip(status.state, status.reason));
    const action = trayAction(status.state);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: "Show PoUW Miner", click: actions.show },
        action === "start"
          ? { label: "Start mining", click: actions.start }
          : { label: "Stop mining", click: actions.stop },
        { type: "separator" },
        { label: "Quit", click: actions.quit },
      ]),
    );
  };
  return { update, destroy: () => tray.destroy() };
}
