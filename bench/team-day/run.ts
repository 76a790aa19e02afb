// npm run bench -- --team-day: what a team's month costs on Upstash, measured as Upstash bills it (at
// the local endpoint: each command of a pipeline or transaction, a script as one, a subscribe as one)
// and as Redis runs it (INFO commandstats, scripts' inner commands included).
//
// A day is assembled from measured parts, each in real time with the product's real timers:
//   quiet:  PEOPLE browsers hold their streams (rotating at SSE_MAX_DURATION_S, resuming by id), nothing sent;
//   alerts: ALERTS published, every browser acknowledges them, some read them or open the bell; every
//           person has a device subscribed to Web Push (a real push service run locally), so each
//           error alert is pushed to all of them; those fire with a 10 s escalation, half of them
//           acknowledged ("I'm on it"), the other half escalating through both steps;
//   admin-open: one admin opens /admin in Chromium, until its polls have backed off (what an opening, or
//           a publish waking them, costs);
//   admin:  the page left open (its rate all day);
//   scale:  an instance stops (SIGTERM) and a new one starts, its streams moving over.
// Each part's cost beyond the quiet rate is its own; the day is quiet × stream-minutes + the rest × how
// often it happens. Writes bench/results/team-day.json.
import { randomUUID } from "node:crypto";
import webpush from "web-push";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { chromium } from "@playwright/test";
import { CHROMIUM_LAUNCH } from "../../testing/chromium";
import { startNextServer, TEST_SECRET, type NextServer } from "../../testing/next-server";
import { startPushService } from "../../testing/push-service";
import { signInCookie } from "../../testing/session";
import { PRODUCT_SOURCES, ensureBuilt } from "../build";
import { InfraManager } from "../infra";
import { guardRun, stopDescendants } from "../lifecycle";
import { cpuSeconds, processTree, rssBytes } from "../measure/proc";
import { round } from "../measure/stats";
import { billedSince } from "./billing";
import { assembleDay } from "./day";
import { SimulatedBrowser } from "./browser";

const ROOT = path.resolve(__dirname, "../..");

interface Options {
  people: number;
  quietMinutes: number;
  adminMinutes: number;
  lifetimeS: number | null;
  mode: "upstash" | "redis";
  out: string;
  noBuild: boolean;
  /** --detail: each part's most billed commands, as the endpoint counted them. */
  detail: boolean;
}

/**
 * What the day is made of (the team): 50 people, 8 hours, 22 workdays, 20 alerts a day (every
 * fourth an error that pushes and may escalate: every eighth acknowledged, the others escalating), one
 * admin, 4 instance restarts a day.
 */
const DAY = { hoursPerDay: 8, workdaysPerMonth: 22, alertsPerDay: 20, adminHoursPerDay: 8, adminOpensPerDay: 4, instanceRestartsPerDay: 4 };
/** Long enough for /admin's polls to back off from every 2–3 s to their slowest (hooks/use-polled.ts). */
const ADMIN_SETTLE_MS = 4 * 60_000;
/** The shortest escalation there is: both steps fall inside the alerts part. */
const ESCALATE_AFTER_S = 10;

function parse(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return argv[i]!.includes("=") ? argv[i]!.split("=").slice(1).join("=") : argv[i + 1];
  };
  const number = (name: string, fallback: number) => (value(name) === undefined ? fallback : Number(value(name)));
  return {
    people: number("people", 50),
    quietMinutes: number("quiet-minutes", 10),
    adminMinutes: number("admin-minutes", 4),
    lifetimeS: value("lifetime-s") === undefined ? null : Number(value("lifetime-s")),
    mode: value("mode") === "redis" ? "redis" : "upstash",
    out: value("out") ?? path.join(ROOT, "bench/results/team-day.json"),
    noBuild: argv.includes("--no-build"),
    detail: argv.includes("--detail"),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A member's session cookie, minted as next-auth would (one secret on every instance). */
async function memberCookie(i: number, cookieName: string) {
  const email = `person${i}@team.example`;
  const token = await encode({ token: { email, name: `Person ${i}`, uid: `u_team${String(i).padStart(4, "0")}`, role: "member", sid: randomUUID() }, secret: TEST_SECRET });
  return `${cookieName}=${token}`;
}

async function main() {
  const options = parse(process.argv.slice(2));
  guardRun((options.quietMinutes + options.adminMinutes + ADMIN_SETTLE_MS / 60_000 + 20) * 60_000);
  ensureBuilt(ROOT, ROOT, PRODUCT_SOURCES, options.noBuild);
  const infra = new InfraManager(ROOT);
  const { redis, meter, upstash } = await infra.get();
  const pushService = await startPushService();
  const vapid = webpush.generateVAPIDKeys();
  const billing = (reset = false) => billedSince(upstash, reset, !reset && options.detail);
  const env = (i: number) => ({
    UPSTASH_REDIS_REST_URL: options.mode === "upstash" ? upstash.url : "",
    UPSTASH_REDIS_REST_TOKEN: options.mode === "upstash" ? upstash.token : "",
    REDIS_URL: options.mode === "redis" ? redis.url : "",
    INSTANCE_ID: `team-${i}`,
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: "mailto:bench@example.com",
    PUSH_SERVICE_ORIGINS: pushService.origin,
    RATE_PUBLISH_PER_MIN: "100000",
    RATE_CONNECT_PER_MIN: "100000",
    RATE_READ_PER_MIN: "100000",
    RATE_ACK_PER_MIN: "100000",
    RATE_HISTORY_PER_MIN: "100000",
    ...(options.lifetimeS ? { SSE_MAX_DURATION_S: String(options.lifetimeS) } : {}),
  });
  const servers: NextServer[] = [await startNextServer(env(0)), await startNextServer(env(1))];
  const urls = servers.map((s) => s.url);
  const browsers: SimulatedBrowser[] = [];
  const chrome = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const admin = await signInCookie(urls[0]!, "admin@example.com");
    const cookieName = /(?:^|; )((?:__Secure-)?next-auth\.session-token)=/.exec(admin)![1]!;
    const cookies: string[] = [];
    for (let i = 0; i < options.people; i++) {
      cookies.push(await memberCookie(i, cookieName));
      browsers.push(new SimulatedBrowser({ urls, cookie: cookies[i]!, browserId: `team-browser-${i}`, reads: i % 3 === 0, opensBell: i % 5 === 0 }));
    }
    // Everyone's device says "Notify this device" once (not a daily cost: counted apart).
    await billing(true);
    for (const [i, cookie] of cookies.entries()) {
      const { subscription } = await pushService.subscribe(vapid.publicKey);
      const url = urls[i % urls.length]!;
      const res = await fetch(`${url}/api/push/subscriptions`, { method: "POST", headers: { cookie, origin: url, "content-type": "application/json" }, body: JSON.stringify(subscription) });
      if (res.status !== 201) throw new Error(`push subscription: ${res.status} ${await res.text()}`);
    }
    const subscribing = await billing();
    const billedPerSubscription = Object.values(subscribing).reduce((a, b) => a + b, 0) / cookies.length;
    // Yesterday's alerts: the feed has history, so a stream resumes from an id (as a dashboard in use does).
    const publish = async (i: number, title: string, escalating = false) => {
      const url = urls[i % urls.length]!;
      const error = i % 4 === 0;
      const res = await fetch(`${url}/api/notifications`, {
        method: "POST",
        headers: { cookie: admin, origin: url, "content-type": "application/json" },
        body: JSON.stringify({
          audience: { kind: "all" },
          title,
          body: "Something the team should see.",
          severity: error ? "error" : "warning",
          ...(error && escalating ? { status: "firing", collapseKey: `bench:${title}`, escalateAfter: `${ESCALATE_AFTER_S}s` } : {}),
        }),
      });
      if (res.status !== 201) throw new Error(`publish: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    for (let i = 0; i < 5; i++) await publish(i, `Yesterday ${i}`);
    // The morning: people arrive over half a minute.
    for (const b of browsers) {
      b.start();
      await sleep(30_000 / options.people);
    }
    const connects = () => browsers.reduce((n, b) => n + b.tally.connects, 0);
    await until(() => browsers.every((b) => b.tally.connects > 0 && b.tally.historyFetches > 0 && b.resumesFromAnId), "every browser's first stream and page");
    await sleep(5_000);

    const phase = async (name: string, run: () => Promise<void>) => {
      await billing(true);
      await meter.reset();
      const started = Date.now();
      const serverPids = () => processTree(servers.map((s) => s.process.pid!));
      const cpuBefore = cpuSeconds(serverPids());
      const connectsBefore = connects();
      const historyBefore = browsers.reduce((n, b) => n + b.tally.historyFetches, 0);
      await run();
      const minutes = (Date.now() - started) / 60_000;
      const byCategory = await billing();
      const inner = await meter.commands();
      const result = {
        minutes,
        billed: Object.values(byCategory).reduce((a, b) => a + b, 0),
        byCategory,
        inner,
        /** The product servers' CPU over the part, and their resident memory at its end (for the Vercel estimate). */
        serverCpuSeconds: cpuSeconds(serverPids()) - cpuBefore,
        serverRssBytes: rssBytes(serverPids()),
        streamConnects: connects() - connectsBefore,
        historyFetches: browsers.reduce((n, b) => n + b.tally.historyFetches, 0) - historyBefore,
      };
      console.log(`${name}: ${round(minutes, 2)} min, ${result.billed} billed (${inner} run), ${result.streamConnects} stream connects, ${result.historyFetches} history pages`, JSON.stringify(byCategory));
      return result;
    };

    const quiet = await phase("quiet", () => sleep(options.quietMinutes * 60_000));

    const alerts = await phase("alerts", async () => {
      const acksBefore = browsers.reduce((n, b) => n + b.tally.acks, 0);
      for (let i = 0; i < DAY.alertsPerDay; i++) {
        const id = await publish(i, `Alert ${i}`, true);
        // Someone is on every other error alert; the rest escalate.
        if (i % 8 === 0) {
          const url = urls[0]!;
          const res = await fetch(`${url}/api/alerts/${id}/acknowledge`, { method: "POST", headers: { cookie: cookies[0]!, origin: url } });
          if (res.status !== 200) throw new Error(`acknowledge: ${res.status} ${await res.text()}`);
        }
        await sleep(3_000);
      }
      await until(() => browsers.reduce((n, b) => n + b.tally.acks, 0) - acksBefore >= browsers.length, "acknowledgements");
      // Both steps of the last escalation (ESCALATE_AFTER_S apart), and the due-time set's polls meanwhile.
      await sleep(2 * ESCALATE_AFTER_S * 1000 + 5_000);
    });

    // The admin opens /admin (its burst of fast polls, until they back off), then leaves it open (its rate).
    const context = await chrome.newContext();
    const adminOpen = await phase("admin-open", async () => {
      const [name, value] = admin.split("; ").find((c) => c.startsWith(cookieName))!.split("=") as [string, string];
      await context.addCookies([{ name, value, url: urls[0]! }]);
      const page = await context.newPage();
      await page.goto(`${urls[0]}/admin`);
      await page.getByTestId("funnel").first().waitFor();
      await sleep(ADMIN_SETTLE_MS);
    });
    const adminPhase = await phase("admin", async () => {
      await sleep(options.adminMinutes * 60_000);
      await context.close();
    });

    const scale = await phase("scale", async () => {
      const leaving = servers[1]!;
      await leaving.stop(); // SIGTERM: its streams are told to reconnect, and go to the other instance
      urls.splice(1, 1);
      await until(() => browsers.every((b) => b.streamUrl !== null && b.streamUrl !== leaving.url), "the stopped instance's streams to reconnect");
      const replacement = await startNextServer(env(2));
      servers[1] = replacement;
      urls.push(replacement.url);
      await sleep(10_000);
    });

    const day = assembleDay({ quiet, alerts, adminOpen, admin: adminPhase, scale }, DAY.alertsPerDay, {
      ...DAY,
      people: options.people,
      maxStreamMs: (options.lifetimeS ?? 300) * 1000,
    });
    const result = {
      mode: options.mode,
      people: options.people,
      hoursPerDay: DAY.hoursPerDay,
      workdaysPerMonth: DAY.workdaysPerMonth,
      alertsPerDay: DAY.alertsPerDay,
      adminHoursPerDay: DAY.adminHoursPerDay,
      adminOpensPerDay: DAY.adminOpensPerDay,
      instanceRestartsPerDay: DAY.instanceRestartsPerDay,
      streamLifetimeS: options.lifetimeS ?? 300,
      /** Server CPU per open stream-hour while quiet (heartbeats, rotations, presence): what Vercel bills as active CPU. */
      serverCpuSecondsPerStreamHour: round((quiet.serverCpuSeconds / (quiet.minutes * options.people)) * 60, 3),
      serverRssBytesPerInstance: Math.round(quiet.serverRssBytes / servers.length),
      billedCommandsPerStreamMinute: round(day.billedCommandsPerStreamMinute, 3),
      innerCommandsPerStreamMinute: round(day.innerCommandsPerStreamMinute, 3),
      streamOpensPerDay: day.opensPerDay,
      billedPerDay: day.billedPerDay,
      billedPerMonth: day.billedPerDay * DAY.workdaysPerMonth,
      where: day.where,
      /** Once per device, not a daily cost. */
      billedPerPushSubscription: round(billedPerSubscription, 2),
      pushSubscriptions: cookies.length,
      /** Of the alerts a day: error ones pushed to every device, acknowledged, or escalated (two steps each). */
      pushedAlertsPerDay: Math.ceil(DAY.alertsPerDay / 4),
      acknowledgedPerDay: Math.ceil(DAY.alertsPerDay / 8),
      escalatedPerDay: Math.ceil(DAY.alertsPerDay / 4) - Math.ceil(DAY.alertsPerDay / 8),
      parts: { quiet, alerts, adminOpen, admin: adminPhase, scale },
      measuredAt: new Date().toISOString(),
    };
    console.log(JSON.stringify({ billedCommandsPerStreamMinute: result.billedCommandsPerStreamMinute, billedPerMonth: result.billedPerMonth, where: day.where }, null, 2));
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, options.out)}`);
  } finally {
    await Promise.all(browsers.map((b) => b.stop()));
    await chrome.close();
    await Promise.all(servers.map((s) => s.stop()));
    await infra.stop();
    await pushService.stop();
    await stopDescendants();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
