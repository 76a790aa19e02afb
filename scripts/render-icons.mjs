// Renders app/icon.svg (the favicon) into the PNGs that need a bitmap: the
// web app manifest's icons, the apple-touch icon and the desktop
// notifications' icon. Run after changing the SVG: node scripts/render-icons.mjs
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

const svg = readFileSync(new URL("../app/icon.svg", import.meta.url), "utf8");
// iOS fills transparent corners with black and rounds the icon itself: its icon is a full square.
const targets = [
  ["public/icon-192.png", 192, false],
  ["public/icon-512.png", 512, false],
  ["app/apple-icon.png", 180, true],
];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  for (const [path, size, square] of targets) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const background = square ? "background:#2f6fed" : "";
    await page.setContent(`<body style="margin:0;${background}">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body>`);
    await page.screenshot({ path, omitBackground: !square });
    await page.close();
  }
} finally {
  await browser.close();
}
