// Signing out ends the session in every tab of the browser at once: the tab
// that signs out tells the others over a BroadcastChannel. (The server has
// revoked the session too, so a tab that misses the message gets 401 from
// its stream and leaves all the same.)
import { ApiClientError } from "./api-client";
import { forgetDisplayed } from "./display-acks";
import { unsubscribeThisDevice } from "./push-device";
import type { ApiErrorBody } from "../shared/types";

const CHANNEL = "ntf-session";
export const SIGN_IN_PATH = "/signin";

/**
 * This tab is signing out: its own flow leaves once it has cleaned up. The
 * server ends the session's streams before it answers, so the stream's 401
 * arrives about when that answer does; leaving on it too started a second
 * navigation that aborted the first, and could leave before what was
 * displayed was forgotten.
 */
let signingOut = false;
/** A navigation to sign-in has started: a second would abort it. */
let leaving = false;
// Back from the back/forward cache, the page is here again: it may leave again.
if (typeof window !== "undefined") {
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) signingOut = leaving = false;
  });
}

/** Throws (with the server's sentence) when the sign-out could not be recorded: the session then still holds. */
export async function signOutEverywhere(userId: string) {
  signingOut = true;
  // While the session still holds: the server forgets this device, so the next person here gets none of this one's pushes.
  await unsubscribeThisDevice().catch(() => {});
  try {
    await recordSignOut();
  } catch (error) {
    signingOut = false;
    throw error;
  }
  forgetDisplayed(userId);
  if (typeof BroadcastChannel !== "undefined") {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage("signed-out");
    channel.close();
  }
  leaveFor(SIGN_IN_PATH);
}

/** next-auth's own flow (csrf token, then POST), checked: its client helper reports no failure. */
async function recordSignOut() {
  const { csrfToken } = (await (await fetch("/api/auth/csrf", { cache: "no-store" })).json()) as { csrfToken: string };
  const res = await fetch("/api/auth/signout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, json: "true" }),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({ error: `Signing out failed (${res.status}).` }))) as ApiErrorBody;
    throw new ApiClientError(res.status, body);
  }
}

/** Calls `onSignedOut` when another tab signs out; returns the unsubscribe. */
export function onSignedOutElsewhere(onSignedOut: () => void): () => void {
  if (typeof BroadcastChannel === "undefined") return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => onSignedOut();
  return () => channel.close();
}

/** Where a tab goes once its session has ended, coming back to this page after signing in (unless it is signing out itself). */
export function goToSignIn() {
  if (signingOut) return;
  const here = window.location.pathname + window.location.search;
  leaveFor(`${SIGN_IN_PATH}?callbackUrl=${encodeURIComponent(here)}`);
}

/** A full page load, not a client-side navigation: nothing of the ended session stays in memory. */
function leaveFor(path: string) {
  if (leaving) return;
  leaving = true;
  window.location.assign(new URL(path, window.location.origin).href);
}
