"use client";
// Acknowledges what this tab shows, when it is the tab the person looks at
// (lib/client/display-acks.ts sends them, once per browser).
import { useEffect } from "react";
import type { DisplayAcks } from "@/lib/client/display-acks";
import type { TabAttention } from "@/lib/client/tab-attention";

export function useDisplayAcks(acks: DisplayAcks | null, attention: TabAttention | null, shownIds: string[]) {
  const key = shownIds.join(",");
  useEffect(() => {
    if (!acks || !attention) return;
    const ids = key ? key.split(",") : [];
    const acknowledge = () => {
      if (document.visibilityState === "visible" && attention.holdsAttention()) acks.displayed(ids);
    };
    acknowledge();
    // A hidden tab's items reach the screen when it comes into view.
    document.addEventListener("visibilitychange", acknowledge);
    window.addEventListener("focus", acknowledge);
    return () => {
      document.removeEventListener("visibilitychange", acknowledge);
      window.removeEventListener("focus", acknowledge);
    };
  }, [acks, attention, key]);

  useEffect(() => {
    acks?.start();
    return () => acks?.stop();
  }, [acks]);
}
