// The repository's reverse-proxy configurations (deploy/nginx.conf,
// deploy/Caddyfile), run by Debian's nginx and Caddy in front of two
// instances, on free ports of 127.0.0.1, as the tests and docs use them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnLogged, type LoggedChild } from "./child-process";
import { freePort } from "./ports";

export interface ReverseProxy {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..");

async function untilAnswering(child: LoggedChild, url: string) {
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`the proxy exited:\n${child.output()}`);
    try {
      await (await fetch(`${url}/api/health/live`)).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** `upstreams`: the two instances' ports, in place of 3000 and 3001. */
export async function startReverseProxy(kind: "nginx" | "caddy", upstreams: [number, number], port?: number): Promise<ReverseProxy> {
  const listen = port ?? (await freePort());
  const url = `http://127.0.0.1:${listen}`;
  const dir = mkdtempSync(path.join(tmpdir(), `${kind}-`));
  let child: LoggedChild;
  if (kind === "nginx") {
    const site = readFileSync(path.join(ROOT, "deploy/nginx.conf"), "utf8")
      .replace("listen 80;", `listen 127.0.0.1:${listen};`)
      .replace("127.0.0.1:3000", `127.0.0.1:${upstreams[0]}`)
      .replace("127.0.0.1:3001", `127.0.0.1:${upstreams[1]}`);
    writeFileSync(path.join(dir, "site.conf"), site);
    for (const temp of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, temp));
    writeFileSync(
      path.join(dir, "nginx.conf"),
      [
        // As root, workers would run as nobody and could not use this directory.
        process.getuid?.() === 0 ? "user root;" : "",
        `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;`,
        "events {}",
        `http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi; include ${dir}/site.conf; }`,
      ].join("\n"),
    );
    child = spawnLogged("nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"]);
  } else {
    child = spawnLogged("caddy", ["run", "--config", path.join(ROOT, "deploy/Caddyfile"), "--adapter", "caddyfile"], {
      env: {
        ...process.env,
        SITE_ADDRESS: url,
        BIND_HOST: "127.0.0.1",
        APP_A: `127.0.0.1:${upstreams[0]}`,
        APP_B: `127.0.0.1:${upstreams[1]}`,
        XDG_DATA_HOME: dir,
        XDG_CONFIG_HOME: dir,
      },
    });
  }
  await untilAnswering(child, url);
  return {
    url,
    output: () => child.output() + (kind === "nginx" ? safeRead(path.join(dir, "error.log")) : ""),
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(file: string) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
