"use client";
// Sign out, in this tab and every other tab of the browser; and leave when another tab signs out.
import { useEffect, useState } from "react";
import { goToSignIn, onSignedOutElsewhere, signOutEverywhere } from "@/lib/client/sign-out";

export function SignOutButton({ userId }: { userId: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => onSignedOutElsewhere(goToSignIn), []);
  return (
    <>
      {error && (
        <span role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {error}
        </span>
      )}
      <button
        type="button"
        data-testid="sign-out"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          // On failure the session still holds: say so, stay, and let the person try again.
          signOutEverywhere(userId).catch((e: Error) => {
            setError(e.message);
            setBusy(false);
          });
        }}
        className="rounded-lg px-2 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-60 sm:px-3 dark:hover:bg-slate-800"
      >
        Sign out
      </button>
    </>
  );
}
