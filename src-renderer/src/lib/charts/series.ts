export interface ChartSeries {
  label: string;
  /** A hex colour (#rrggbb): the canvas cannot read CSS variables. */
  color: string;
  /** Draw as bars (earnings per period) instead of a line (live readings). */
  bars?: boolean;
  /** Bars of two series side by side: -1 left of the x value, 1 right of it, 0 centred on it. */
  barAlign?: -1 | 0 | 1;
}

/** Colours readable on both the light and the dark background. */
export const palette = {
  blue: "#3b82f6",
  green: "#16a34a",
  amber: "#d97706",
  violet: "#8b5cf6",
  red: "#dc2626",
  teal: "#0d9488",
} as const;
