"use client";
// Sign out, in this tab and every other tab of the browser; and leave when another tab signs out.
import { useEffect, useState } from "react";
import { goToSignIn, onSignedOutElsewhere, signOutEverywhere } from "@/lib/client/sign-out";

export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  useEffect(() => onSignedOutElsewhere(goToSignIn), []);
  return (
    <button
      type="button"
      data-testid="sign-out"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        // On failure the session still holds: stay, and let the person try again.
        signOutEverywhere().catch(() => setBusy(false));
      }}
      className="rounded-lg px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-60 dark:hover:bg-slate-800"
    >
      Sign out
    </button>
  );
}
