"use client";
// The last step of an email sign-in link (lib/auth/email-link.ts): one click takes the link.
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState } from "react";

export function EmailLinkFinish({ token, callbackUrl }: { token: string; callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function finish() {
    setPending(true);
    setError(null);
    const result = await signIn("email-link", { token, callbackUrl, redirect: false });
    if (result?.ok && !result.error) return window.location.assign(callbackUrl);
    setPending(false);
    setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "This sign-in link does not work. Ask for a new one.");
  }

  return (
    <div className="space-y-4">
      <button type="button" onClick={() => void finish()} disabled={pending} data-testid="signin-link-finish" className="w-full rounded-lg bg-brand-600 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {error && (
        <p role="alert" data-testid="signin-link-refused" className="text-sm text-rose-700 dark:text-rose-300">
          {error} <Link href="/signin" className="underline">Back to sign-in</Link>
        </p>
      )}
    </div>
  );
}
