"use client";
// Email and password sign-in through next-auth, plus any OAuth providers.
import { signIn } from "next-auth/react";
import { useState } from "react";

interface Props {
  callbackUrl: string;
  oauthProviders: { id: string; name: string }[];
}

export function SignInForm({ callbackUrl, oauthProviders }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(form: FormData) {
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      callbackUrl,
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong email or password.");
  }

  const input = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";
  return (
    <div className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <form action={submit} className="space-y-4">
        <div>
          <label htmlFor="email" className="mb-1 block text-sm font-medium">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required data-testid="signin-email" className={input} />
        </div>
        <div>
          <label htmlFor="password" className="mb-1 block text-sm font-medium">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required data-testid="signin-password" className={input} />
        </div>
        {error && (
          <p role="alert" data-testid="signin-error" className="text-sm text-rose-700 dark:text-rose-300">
            {error}
          </p>
        )}
        <button type="submit" disabled={pending} data-testid="signin-submit" className="w-full rounded-lg bg-brand-600 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {oauthProviders.length > 0 && (
        <div className="mt-4 space-y-2 border-t border-slate-200 pt-4 dark:border-slate-800">
          {oauthProviders.map((p) => (
            <button key={p.id} type="button" onClick={() => void signIn(p.id, { callbackUrl })} className="w-full rounded-lg py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-700 dark:hover:bg-slate-800">
              Continue with {p.name}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
