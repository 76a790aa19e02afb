// Times people read, in their language: relative to now, by calendar day past an hour.
import { describe, expect, it } from "vitest";
import { dayKey, dayLabel, exactTime, relativeTime } from "./relative-time";

// Local times (the reader's zone, whatever the machine's): noon on 10 June 2026.
const at = (day: number, hour: number, minute = 0, second = 0) => new Date(2026, 5, day, hour, minute, second);
const now = at(10, 12).getTime();
const iso = (d: Date) => d.toISOString();

describe("relative times", () => {
  it("says now, minutes, hours, yesterday, days, then the date", () => {
    expect(relativeTime(iso(at(10, 11, 59, 30)), now, "en")).toBe("now");
    expect(relativeTime(iso(at(10, 12, 0, 5)), now, "en")).toBe("now"); // a clock a little behind the server's
    expect(relativeTime(iso(at(10, 11, 57)), now, "en")).toBe("3 minutes ago");
    expect(relativeTime(iso(at(10, 9, 30)), now, "en")).toBe("2 hours ago");
    expect(relativeTime(iso(at(9, 23, 0)), now, "en")).toBe("yesterday");
    expect(relativeTime(iso(at(7, 18, 0)), now, "en")).toBe("3 days ago");
    expect(relativeTime(iso(at(1, 8, 0)), now, "en")).toBe("Jun 1, 2026");
  });

  it("speaks the reader's language", () => {
    expect(relativeTime(iso(at(10, 11, 57)), now, "de")).toBe("vor 3 Minuten");
    expect(relativeTime(iso(at(9, 23, 0)), now, "de")).toBe("gestern");
    expect(relativeTime(iso(at(9, 23, 0)), now, "fr")).toBe("hier");
  });

  it("labels a feed's days, and groups by the reader's calendar day", () => {
    expect(dayLabel(iso(at(10, 0, 5)), now, "en")).toBe("Today");
    expect(dayLabel(iso(at(9, 23, 59)), now, "en")).toBe("Yesterday");
    expect(dayLabel(iso(at(9, 23, 59)), now, "de")).toBe("Gestern");
    expect(dayLabel(iso(at(8, 10)), now, "en")).toBe("Monday, June 8");
    expect(dayKey(iso(at(9, 23, 59)))).not.toBe(dayKey(iso(at(10, 0, 0))));
    expect(dayKey(iso(at(10, 0, 0)))).toBe(dayKey(iso(at(10, 23, 59))));
    expect(exactTime(iso(at(10, 9, 30)), "en")).toMatch(/Wednesday, June 10, 2026.*9:30/);
  });
});
