"use client";
// On every signed-in page: this browser's push subscription, if someone
// else's, is dropped (lib/client/push-device.ts).
import { useEffect } from "react";
import { dropSubscriptionOfAnotherPerson, pushSupported } from "@/lib/client/push-device";

export function PushDeviceGuard({ userId }: { userId: string }) {
  useEffect(() => {
    // A failure (offline, the store away) is tried again on the next page.
    if (pushSupported()) dropSubscriptionOfAnotherPerson(userId).catch(() => {});
  }, [userId]);
  return null;
}
