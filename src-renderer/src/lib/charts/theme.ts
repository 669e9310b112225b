/**
 * Calls `onChange` whenever the page's colours may have changed: the system switches between light
 * and dark, or the theme setting pins one (App.svelte sets data-theme on <html>). Canvas charts read
 * their colours from CSS, so they read them again then. Returns the stop function.
 */
export function watchTheme(onChange: () => void): () => void {
  const stops: (() => void)[] = [];
  const media =
    typeof globalThis.matchMedia === "function" ? globalThis.matchMedia("(prefers-color-scheme: dark)") : undefined;
  if (media) {
    media.addEventListener("change", onChange);
    stops.push(() => media.removeEventListener("change", onChange));
  }
  if (typeof MutationObserver === "function") {
    const observer = new MutationObserver(onChange);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    stops.push(() => observer.disconnect());
  }
  return () => stops.forEach((stop) => stop());
}
