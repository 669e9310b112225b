import { readable, type Readable } from "svelte/store";

/**
 * Hash routes (#/dashboard, #/tasks/<id>, …): they work from file:// in the Electron window and from
 * the headless server alike, and need nothing from either. The headless launch token also arrives in
 * the fragment (`#token=…`); main.ts takes it out before this router ever looks at the hash.
 */
export type Route =
  | { name: "dashboard" }
  | { name: "tasks" }
  | { name: "task"; id: string }
  | { name: "models" }
  | { name: "wallet" }
  | { name: "settings" }
  | { name: "logs" }
  | { name: "setup" };

export type RouteName = Route["name"];

const simple = new Set<RouteName>(["dashboard", "tasks", "models", "wallet", "settings", "logs", "setup"]);

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  const [head = "", ...rest] = path.split("/");
  if (head === "tasks" && rest.length > 0 && rest[0]) {
    try {
      return { name: "task", id: decodeURIComponent(rest.join("/")) };
    } catch {
      return { name: "tasks" };
    }
  }
  return simple.has(head as RouteName) ? ({ name: head } as Route) : { name: "dashboard" };
}

/** Task ids look like `<taskId>#<slot>`, so they are always encoded into the fragment. */
export function hrefFor(route: Route): string {
  return route.name === "task" ? `#/tasks/${encodeURIComponent(route.id)}` : `#/${route.name}`;
}

export function navigate(route: Route): void {
  const target = hrefFor(route);
  if (location.hash !== target) location.hash = target;
}

/** The current route, following `hashchange` (links, back and forward). */
export const route: Readable<Route> = readable(
  parseRoute(typeof location === "undefined" ? "" : location.hash),
  (set) => {
    const update = () => set(parseRoute(location.hash));
    update();
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  },
);
