"use client";
// The feed's keyboard: j/k move between cards, Enter or o opens (the link,
// else marks read), e archives, u reads or unreads, x selects, s snoozes, /
// searches, ? lists them. Each acts by pressing the focused card's own
// control, so a shortcut does exactly what the click does. None fires while
// typing in a field, or with Ctrl, Alt or Cmd held.
import { useEffect, useState, type RefObject } from "react";

/** What each key does, as the help lists it. */
export const FEED_SHORTCUTS = [
  ["j / k", "Next / previous notification"],
  ["Enter or o", "Open it (or mark it read)"],
  ["e", "Archive"],
  ["u", "Mark read / unread"],
  ["x", "Select"],
  ["s", "Snooze"],
  ["/", "Search"],
  ["?", "Show these shortcuts"],
] as const;

const CARD = '[data-testid="card"]';
/** The controls a key presses in the focused card, the first there is. */
const PRESSES: Record<string, string[]> = {
  e: ['[data-testid="archive"]', '[data-testid="unarchive"]'],
  u: ['[data-testid="mark-read"]', '[data-testid="mark-unread"]'],
  x: ['[data-testid="select"]'],
  s: ['[data-testid="snooze"]'],
  o: ['[data-testid="notification-link"]', '[data-testid="mark-read"]'],
};

/** Where keys type text (a card's checkbox is no such place: j and k go on from it). */
function isTyping(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit"].includes(target.type);
  return target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName);
}

/** `feed`: the element holding the cards. Answers whether the shortcuts' help shows, and a way to close it. */
export function useFeedShortcuts(feed: RefObject<HTMLElement | null>) {
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || !feed.current) return;
      const cardsNow = () => [...(feed.current?.querySelectorAll<HTMLElement>(CARD) ?? [])];
      const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(CARD) ?? null;
      const index = focused ? cardsNow().indexOf(focused) : -1;
      const focusCard = (i: number) => {
        const cards = cardsNow();
        const card = cards[Math.max(0, Math.min(i, cards.length - 1))];
        card?.focus();
        card?.scrollIntoView({ block: "nearest" });
      };
      const key = event.key === "Enter" ? (document.activeElement === focused ? "o" : null) : event.key;
      if (key === "j" || key === "k") focusCard(index < 0 ? 0 : index + (key === "j" ? 1 : -1));
      else if (key === "/") document.getElementById("search-q")?.focus();
      else if (key === "?") setHelpOpen((open) => !open);
      else if (key === "Escape" && helpOpen) setHelpOpen(false);
      else if (key && focused && PRESSES[key]) {
        const control = PRESSES[key].map((selector) => focused.querySelector<HTMLElement>(selector)).find(Boolean);
        if (!control) return;
        control.click();
        // Archived, it leaves: the next card takes the focus (what held it is gone).
        if (key === "e") requestAnimationFrame(() => focusCard(index));
      } else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [feed, helpOpen]);
  return { helpOpen, closeHelp: () => setHelpOpen(false) };
}
