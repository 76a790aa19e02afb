"use client";
// A card's body: a long one shows its first lines with "Show more", so one
// notification does not push the rest of the feed off the screen.
import { useState } from "react";

/** Past either, the body shows four lines until the person asks for all of it. */
const LONG_LINES = 4;
const LONG_CHARS = 320;

export function NotificationBody({ text }: { text: string }) {
  const [expanded, setExpanded] = useState(false);
  const long = text.length > LONG_CHARS || text.split("\n").length > LONG_LINES;
  return (
    <>
      {/* wrap-anywhere: a long unbroken token wraps rather than widening the page; dir="auto": right-to-left text reads right to left. */}
      <p
        data-testid="notification-body"
        dir="auto"
        className={`mt-1 whitespace-pre-wrap wrap-anywhere text-sm text-slate-700 dark:text-slate-300 ${long && !expanded ? "line-clamp-4" : ""}`}
      >
        {text}
      </p>
      {long && (
        <button
          type="button"
          data-testid="notification-show-more"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
          className="mt-1 text-xs font-medium text-brand-600 hover:underline dark:text-brand-300"
        >
          {expanded ? "Show less" : "Show more"}
        </button>
      )}
    </>
  );
}
