import { describe, expect, it } from "vitest";
import { inAnHour, pickedTime, tomorrowAtNine } from "./snooze-times";

describe("snooze times", () => {
  const now = new Date(2026, 11, 6, 23, 30).getTime();

  it("offers an hour from now and 9:00 on the next local day, across a month's end", () => {
    expect(inAnHour(now).getTime() - now).toBe(3_600_000);
    expect(tomorrowAtNine(now)).toEqual(new Date(2026, 11, 7, 9, 0));
    expect(tomorrowAtNine(new Date(2026, 11, 31, 8, 0).getTime())).toEqual(new Date(2027, 0, 1, 9, 0));
  });

  it("takes a picked local time only when it is well formed and later than now", () => {
    expect(pickedTime("2026-12-07T09:30", now)).toEqual(new Date(2026, 11, 7, 9, 30));
    expect(pickedTime("2026-12-06T23:00", now)).toBeNull();
    expect(pickedTime("", now)).toBeNull();
    expect(pickedTime("tomorrow", now)).toBeNull();
  });
});
