// Signing out ends the session in every tab of the browser at once: the tab
// that signs out tells the others over a BroadcastChannel. (The server has
// revoked the session too, so a tab that misses the message gets 401 from
// its stream and leaves all the same.)
import { signOut } from "next-auth/react";

const CHANNEL = "ntf-session";
export const SIGN_IN_PATH = "/signin";

export async function signOutEverywhere() {
  await signOut({ redirect: false });
  if (typeof BroadcastChannel !== "undefined") {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage("signed-out");
    channel.close();
  }
  window.location.assign(SIGN_IN_PATH);
}

/** Calls `onSignedOut` when another tab signs out; returns the unsubscribe. */
export function onSignedOutElsewhere(onSignedOut: () => void): () => void {
  if (typeof BroadcastChannel === "undefined") return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => onSignedOut();
  return () => channel.close();
}

/** Where a tab goes once its session has ended, coming back to this page after signing in. */
export function goToSignIn() {
  const here = window.location.pathname + window.location.search;
  window.location.assign(`${SIGN_IN_PATH}?callbackUrl=${encodeURIComponent(here)}`);
}
