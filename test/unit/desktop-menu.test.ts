import { describe, expect, it, vi } from "vitest";
import { DEV_ONLY_ROLES, appMenuTemplate, rolesOf } from "../../src-main/desktop/menu-template.js";
import { installAppMenu } from "../../src-main/electron/app-menu.js";

const platforms = ["darwin", "win32", "linux"] as const;
const devOnly = (roles: string[]) =>
  roles.filter((r) => (DEV_ONLY_ROLES as readonly string[]).includes(r) || /devtools|reload/i.test(r));

describe("application menu", () => {
  it("a packaged app has no DevTools and no reload anywhere in its menu, on every platform", () => {
    for (const platform of platforms) {
      const roles = rolesOf(appMenuTemplate({ isPackaged: true, platform }));
      expect(devOnly(roles)).toEqual([]);
      expect(roles).toEqual(expect.arrayContaining(["editMenu", "windowMenu", "zoomIn", "togglefullscreen"]));
    }
  });

  it("a development build has DevTools, reload and force reload", () => {
    for (const platform of platforms) {
      expect(devOnly(rolesOf(appMenuTemplate({ isPackaged: false, platform })))).toEqual([
        "reload",
        "forceReload",
        "toggleDevTools",
      ]);
    }
  });

  it("macOS gets the app menu first; elsewhere File holds Quit", () => {
    const mac = appMenuTemplate({ isPackaged: true, platform: "darwin" });
    expect(mac[0]).toEqual({ role: "appMenu" });
    expect(rolesOf(mac)).not.toContain("quit");
    for (const platform of ["win32", "linux"] as const) {
      const menu = appMenuTemplate({ isPackaged: true, platform });
      expect(rolesOf(menu)).not.toContain("appMenu");
      expect(menu[0]).toEqual({ label: "File", submenu: [{ role: "quit" }] });
    }
  });

  it("installs the menu built from the template", () => {
    const built = { built: true };
    const menu = { buildFromTemplate: vi.fn(() => built as never), setApplicationMenu: vi.fn() };
    installAppMenu(menu, { isPackaged: true }, "linux");
    expect(menu.buildFromTemplate).toHaveBeenCalledWith(appMenuTemplate({ isPackaged: true, platform: "linux" }));
    expect(menu.setApplicationMenu).toHaveBeenCalledWith(built);
  });
});
