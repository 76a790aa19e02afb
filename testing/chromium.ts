// Debian's Chromium as the tests and the benchmark launch it (never a downloaded browser): as root it needs
// --no-sandbox, and the rest keeps it quiet on a closed network.
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};
