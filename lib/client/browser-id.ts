// Who "this browser" is to the server. One id in localStorage is shared by
// every tab: the funnel counts a browser once, and a browser's new stream
// replaces its older one (a reload never meets "too many devices", even where
// the platform never reports that the old request closed). Tabs that each
// hold their own stream (no tab sharing, or a token) use an id of their own,
// or they would replace each other.
import { randomId } from "./random-id";

const BROWSER_KEY = "ntf-browser";

let memoryBrowserId: string | undefined;

export function sharedBrowserId(): string {
  try {
    let id = localStorage.getItem(BROWSER_KEY);
    if (!id) localStorage.setItem(BROWSER_KEY, (id = randomId()));
    return id;
  } catch {
    return (memoryBrowserId ??= randomId());
  }
}

/** An id for one page's own stream. */
export function pageStreamId(): string {
  return randomId();
}
