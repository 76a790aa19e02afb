// The times a snooze offers, in the reader's own calendar and time zone
// (which the server does not know): in an hour, tomorrow at 9:00, or a time
// picked in a datetime-local field.

/** An hour from `now` (ms). */
export function inAnHour(now: number): Date {
  return new Date(now + 3_600_000);
}

/** 9:00 on the reader's next calendar day (a daylight-saving change moves the hour, not the day). */
export function tomorrowAtNine(now: number): Date {
  const day = new Date(now);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1, 9, 0, 0, 0);
}

/** A datetime-local field's value ("2026-12-07T09:30") as that local time; null when empty, malformed or not after `now`. */
export function pickedTime(value: string, now: number): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const time = new Date(year, month - 1, day, hour, minute);
  return time.getTime() > now ? time : null;
}
