import type { Menu, MenuItemConstructorOptions } from "electron";
import { appMenuTemplate } from "../desktop/menu-template.js";

/** Electron's Menu class, as far as this uses it; main passes the real one, tests a fake. */
export interface MenuApi {
  buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
  setApplicationMenu(menu: Menu | null): void;
}

/** Sets the application menu: no DevTools and no reload in a packaged app (src-main/desktop/menu-template.ts). */
export function installAppMenu(
  menu: MenuApi,
  app: { isPackaged: boolean },
  platform: NodeJS.Platform = process.platform,
): void {
  menu.setApplicationMenu(menu.buildFromTemplate(appMenuTemplate({ isPackaged: app.isPackaged, platform })));
}
