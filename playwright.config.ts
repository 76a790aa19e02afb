// End-to-end tests against production builds, in Debian's Chromium (never a
// downloaded browser). Servers are started by e2e/global-setup.ts on free ports.
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "./testing/chromium";

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  use: {
    trace: "retain-on-failure",
    launchOptions: CHROMIUM_LAUNCH,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
});
