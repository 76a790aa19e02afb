// The files a deployment copies (Dockerfile, compose.yaml, the systemd unit,
// .env.example), checked as far as this machine can: no container registry
// is reachable here, so no image is built (docs/self-hosting.md says what
// ran); systemd-analyze verifies the unit.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./settings";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** KEY=value lines, comments and blanks left out. */
function envFile(text: string): Record<string, string> {
  return Object.fromEntries(text.split("\n").flatMap((line) => (/^[A-Z_]+=/.test(line) ? [[line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]] : [])));
}

describe("deployment files", () => {
  it("the Dockerfile runs node itself as a user that is not root, with a health check and two stages", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    // Exec form: no shell between the runtime's SIGTERM and the server.
    expect(JSON.parse(cmd!)).toEqual(["node", "--max-semi-space-size=64", "node_modules/next/dist/bin/next", "start", "-H", "0.0.0.0", "-p", "3000"]);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/api\/health\/live/);
    // The start flags are npm start's.
    expect(JSON.parse(read("package.json")).scripts.start).toBe("exec node --max-semi-space-size=64 node_modules/next/dist/bin/next start -H 127.0.0.1");
  });

  it("compose.yaml runs two instances on Valkey behind the repository's Caddyfile, each told it is behind one proxy", () => {
    const compose = load(read("compose.yaml")) as { services: Record<string, { environment?: Record<string, string>; volumes?: string[]; image?: string; build?: string }> };
    const apps = Object.entries(compose.services).filter(([, s]) => s.build === ".");
    expect(apps.map(([name]) => name)).toEqual(["app-a", "app-b"]);
    for (const [name, app] of apps) expect(app.environment, name).toMatchObject({ REDIS_URL: "redis://valkey:6379", TRUST_PROXY: "1", INSTANCE_ID: name });
    expect(compose.services.valkey!.image).toMatch(/^valkey\//);
    expect(compose.services.proxy!.volumes).toContain("./deploy/Caddyfile:/etc/caddy/Caddyfile:ro");
    expect(compose.services.proxy!.environment).toMatchObject({ APP_A: "app-a:3000", APP_B: "app-b:3000" });
  });

  it("the systemd unit passes systemd-analyze verify, and runs node itself", () => {
    const unit = read("deploy/notifications@.service");
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node --max-semi-space-size=64 node_modules\/next\/dist\/bin\/next start -H 127\.0\.0\.1 -p %i$/m);
    const dir = mkdtempSync(path.join(tmpdir(), "unit-"));
    copyFileSync(path.join(root, "deploy/notifications@.service"), path.join(dir, "notifications@.service"));
    const verified = spawnSync("systemd-analyze", ["verify", path.join(dir, "notifications@3000.service")], { encoding: "utf8" });
    if (verified.error) throw new Error(`systemd-analyze is not installed here: ${verified.error.message}`);
    expect(verified.stderr.split("\n").filter((line) => line.includes("notifications@"))).toEqual([]);
  });

  it(".env.example names every setting, and its values start a production deployment once a secret is filled in", () => {
    const example = envFile(read(".env.example"));
    const settings = [...read("lib/server/settings.ts").matchAll(/^ {2}([A-Z][A-Z_]+):/gm)].map((m) => m[1]!).filter((name) => !["NODE_ENV", "VERCEL"].includes(name));
    for (const name of settings) expect(Object.keys(example), name).toContain(name);
    const env = Object.fromEntries(Object.entries({ ...example, NODE_ENV: "production", NEXTAUTH_SECRET: "a-real-secret-of-more-than-32-characters-0123" }).filter(([, v]) => v !== ""));
    expect(loadConfig(env as NodeJS.ProcessEnv).production).toBe(true);
  });
});
