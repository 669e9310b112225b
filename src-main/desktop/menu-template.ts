import type { MenuItemConstructorOptions } from "electron";

/** Roles that open DevTools or reload the page: for development only. */
export const DEV_ONLY_ROLES = ["toggleDevTools", "reload", "forceReload"] as const;

type Role = NonNullable<MenuItemConstructorOptions["role"]>;
const item = (role: Role): MenuItemConstructorOptions => ({ role });
const separator: MenuItemConstructorOptions = { type: "separator" };

/**
 * The application menu, built from Electron's roles only (no handlers here: the window and the
 * tray carry the app's own actions). A packaged app has no DevTools and no reload anywhere — no
 * item and so no accelerator; a development build adds them to View. macOS gets the app menu
 * (About, Hide, Quit) first; elsewhere File holds Quit. Edit is there everywhere: on macOS copy and
 * paste in the window's fields work only through the menu's accelerators.
 */
export function appMenuTemplate(opts: {
  isPackaged: boolean;
  platform: NodeJS.Platform;
}): MenuItemConstructorOptions[] {
  const mac = opts.platform === "darwin";
  const dev = opts.isPackaged ? [] : [item("reload"), item("forceReload"), item("toggleDevTools"), separator];
  return [
    ...(mac ? [item("appMenu")] : []),
    { label: "File", submenu: [mac ? item("close") : item("quit")] },
    item("editMenu"),
    {
      label: "View",
      submenu: [...dev, item("resetZoom"), item("zoomIn"), item("zoomOut"), separator, item("togglefullscreen")],
    },
    item("windowMenu"),
  ];
}

/** Every role in a template, submenus included (what the tests walk). */
export function rolesOf(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((entry) => [
    ...(entry.role ? [entry.role] : []),
    ...(Array.isArray(entry.submenu) ? rolesOf(entry.submenu) : []),
  ]);
}
