import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

/**
 * Draws the app icon and the tray icons (one per mining-state group, 1x and @2x) as real PNGs with
 * nothing but zlib, so they can be regenerated anywhere: `npx tsx scripts/make-icons.ts`.
 * Shapes are signed-distance functions sampled 4×4 per pixel for smooth edges.
 */
type Rgba = [number, number, number, number];
/** Returns the colour at (x, y) in 0..1 icon space, or undefined where transparent. */
type Painter = (x: number, y: number) => Rgba | undefined;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export function render(size: number, paint: Painter): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!c) continue;
          const alpha = c[3] / 255;
          r += c[0] * alpha;
          g += c[1] * alpha;
          b += c[2] * alpha;
          a += alpha;
        }
      }
      const i = (py * size + px) * 4;
      const n = samples * samples;
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
      out[i + 3] = Math.round((a / n) * 255);
    }
  }
  return out;
}

const circle = (cx: number, cy: number, r: number) => (x: number, y: number) => Math.hypot(x - cx, y - cy) - r;
const box = (x0: number, y0: number, x1: number, y1: number) => (x: number, y: number) =>
  Math.max(x0 - x, x - x1, y0 - y, y - y1);
function roundedSquare(inset: number, radius: number) {
  return (x: number, y: number) => {
    const dx = Math.max(Math.abs(x - 0.5) - (0.5 - inset - radius), 0);
    const dy = Math.max(Math.abs(y - 0.5) - (0.5 - inset - radius), 0);
    return Math.hypot(dx, dy) - radius;
  };
}

const INK: Rgba = [255, 255, 255, 255];
const appIcon: Painter = (x, y) => {
  if (roundedSquare(0.04, 0.2)(x, y) > 0) return undefined;
  const ring = Math.abs(circle(0.5, 0.5, 0.27)(x, y)) - 0.035;
  // Three nodes on the ring: the network's miners; the centre: the work they prove.
  const nodes = [0, 1, 2].map((k) => {
    const t = -Math.PI / 2 + (k * 2 * Math.PI) / 3;
    return circle(0.5 + 0.27 * Math.cos(t), 0.5 + 0.27 * Math.sin(t), 0.075)(x, y);
  });
  if (Math.min(ring, ...nodes, circle(0.5, 0.5, 0.1)(x, y)) <= 0) return INK;
  const t = y; // vertical gradient, indigo to teal
  return [Math.round(49 + (13 - 49) * t), Math.round(46 + (148 - 46) * t), Math.round(129 + (136 - 129) * t), 255];
};

const trayIcons: Record<string, Painter> = {
  idle: (x, y) => (Math.abs(circle(0.5, 0.5, 0.36)(x, y)) <= 0.08 ? [128, 128, 128, 255] : undefined),
  mining: (x, y) => (circle(0.5, 0.5, 0.42)(x, y) <= 0 ? [34, 170, 85, 255] : undefined),
  paused: (x, y) => {
    if (circle(0.5, 0.5, 0.42)(x, y) > 0) return undefined;
    const bars = Math.min(box(0.33, 0.3, 0.44, 0.7)(x, y), box(0.56, 0.3, 0.67, 0.7)(x, y));
    return bars <= 0 ? INK : [230, 160, 20, 255];
  },
  error: (x, y) => {
    if (circle(0.5, 0.5, 0.42)(x, y) > 0) return undefined;
    const mark = Math.min(box(0.44, 0.22, 0.56, 0.6)(x, y), box(0.44, 0.67, 0.56, 0.78)(x, y));
    return mark <= 0 ? INK : [210, 45, 45, 255];
  },
};

function main(): void {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "resources");
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, size: number, paint: Painter): void => {
    fs.writeFileSync(path.join(dir, name), encodePng(size, render(size, paint)));
    console.log(`make-icons: resources/${name} (${size}×${size})`);
  };
  write("icon.png", 512, appIcon);
  for (const [state, paint] of Object.entries(trayIcons)) {
    write(`tray-${state}.png`, 16, paint);
    write(`tray-${state}@2x.png`, 32, paint);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
