// A team's day assembled from the measured parts (run.ts), each cost by what drives it: the streams'
// rotations (each stream opens again every lifetime, spread: lib/stream/lifetime.ts), the clock (presence,
// per instance), the alerts (publish, acknowledgements, marks), the admin's open page, and instance
// restarts. A part's own cost is what it billed beyond the quiet part's rates for its minutes and its
// stream opens, so a rotation wave that falls in another part stays a rotation's.
import { streamLifetimeMs } from "../../lib/stream/lifetime";
import { CATEGORIES, type Category } from "./billing";

export interface Part {
  minutes: number;
  billed: number;
  byCategory: Record<Category, number>;
  inner: number;
  streamConnects: number;
}

export interface Day {
  people: number;
  hoursPerDay: number;
  alertsPerDay: number;
  adminHoursPerDay: number;
  /** How often a day the admin opens /admin; each alert wakes it too (the same burst of fast polls). */
  adminOpensPerDay: number;
  instanceRestartsPerDay: number;
  /** SSE_MAX_DURATION_S, in ms. */
  maxStreamMs: number;
}

/** What a stream opening costs (its admission, resume, page if any, the request's sign-out check, a subscription). */
const PER_OPEN: readonly Category[] = ["admission", "resume", "history", "signOutChecks", "subscription"];

/** Streams open one after the other for `minutes`: how many opens that is, on average. */
function opensPer(minutes: number, maxStreamMs: number) {
  const samples = 100;
  let meanMs = 0;
  for (let i = 0; i < samples; i++) meanMs += streamLifetimeMs(maxStreamMs, (i + 0.5) / samples) / samples;
  return (minutes * 60_000) / meanMs;
}

/**
 * `adminOpen`: the admin's page from its opening until its polls have backed off (the burst an opening or a
 * publish's wake costs); `admin`: the page left open after that (its rate, all day).
 */
export function assembleDay(parts: { quiet: Part; alerts: Part; adminOpen: Part; admin: Part; scale: Part }, alertsMeasured: number, day: Day) {
  const { quiet } = parts;
  const perOpen = (c: Category) => (PER_OPEN.includes(c) ? quiet.byCategory[c] / Math.max(1, quiet.streamConnects) : 0);
  const perMinute = (c: Category) => (PER_OPEN.includes(c) ? 0 : quiet.byCategory[c] / quiet.minutes);
  const own = (part: Part, c: Category) => Math.max(0, part.byCategory[c] - perOpen(c) * part.streamConnects - perMinute(c) * part.minutes);
  const dayMinutes = day.hoursPerDay * 60;
  const opensPerDay = day.people * opensPer(dayMinutes, day.maxStreamMs);
  const adminPerMinute = CATEGORIES.reduce((sum, c) => sum + own(parts.admin, c), 0) / parts.admin.minutes;
  const adminBurst = CATEGORIES.reduce((sum, c) => sum + own(parts.adminOpen, c), 0);
  const where = Object.fromEntries(
    CATEGORIES.map((c) => {
      const cost =
        perOpen(c) * opensPerDay +
        perMinute(c) * dayMinutes +
        (own(parts.alerts, c) / alertsMeasured) * day.alertsPerDay +
        own(parts.scale, c) * day.instanceRestartsPerDay +
        (c === "admin" ? adminPerMinute * day.adminHoursPerDay * 60 + adminBurst * (day.adminOpensPerDay + day.alertsPerDay) : 0);
      return [c, Math.round(cost)];
    }),
  ) as Record<Category, number>;
  const billedPerDay = Object.values(where).reduce((a, b) => a + b, 0);
  // Redis's own count (scripts' inner commands) per billed one, over everything measured.
  const all = Object.values(parts);
  const innerPerBilled = all.reduce((a, p) => a + p.inner, 0) / Math.max(1, all.reduce((a, p) => a + p.billed, 0));
  const streamMinutesPerDay = day.people * dayMinutes;
  return {
    where,
    opensPerDay: Math.round(opensPerDay),
    billedPerDay: Math.round(billedPerDay),
    billedCommandsPerStreamMinute: billedPerDay / streamMinutesPerDay,
    innerCommandsPerStreamMinute: (billedPerDay * innerPerBilled) / streamMinutesPerDay,
  };
}
