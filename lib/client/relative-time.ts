// Times as people read them: "3 minutes ago", "yesterday", in the browser's
// language (Intl.RelativeTimeFormat), with the exact time for a title
// (Intl.DateTimeFormat), and the day a feed groups by ("Today", "Yesterday",
// a date). Pure: the caller passes the time now and the locale.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Whole calendar days from `then` to `now` in the reader's time zone (0: the same day). */
function calendarDaysBetween(then: Date, now: Date): number {
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((startOf(now) - startOf(then)) / DAY);
}

export function relativeTime(iso: string, now: number, locale?: string): string {
  const then = new Date(iso);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const ago = now - then.getTime();
  // A clock a little behind the server's must not say "in 2 seconds".
  if (ago < MINUTE) return rtf.format(0, "second");
  if (ago < HOUR) return rtf.format(-Math.floor(ago / MINUTE), "minute");
  const days = calendarDaysBetween(then, new Date(now));
  if (days === 0) return rtf.format(-Math.floor(ago / HOUR), "hour");
  if (days < 7) return rtf.format(-days, "day");
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(then);
}

export function exactTime(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short" }).format(new Date(iso));
}

/** The heading of a feed's day: "Today", "Yesterday" (in the locale's words), else the date. */
export function dayLabel(iso: string, now: number, locale?: string): string {
  const then = new Date(iso);
  const days = calendarDaysBetween(then, new Date(now));
  if (days === 0 || days === 1) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-days, "day");
    return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
  }
  return new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", ...(days > 300 ? { year: "numeric" } : {}) }).format(then);
}

/** The key a feed groups by: the reader's calendar day. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}
