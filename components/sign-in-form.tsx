"use client";
// The ways to sign in this deployment offers, and only those: an email link
// (SMTP_URL), the demo accounts' password, OpenID Connect, GitHub, Google.
import { signIn } from "next-auth/react";
import { useState } from "react";
import { apiFetch } from "@/lib/client/api-client";

interface Props {
  callbackUrl: string;
  oauthProviders: { id: string; name: string }[];
  /** The demo accounts are on: the only ones with a password. */
  password: boolean;
  emailLinks: boolean;
}

const INPUT = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900";
const PRIMARY = "w-full rounded-lg bg-brand-600 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60";

export function SignInForm({ callbackUrl, oauthProviders, password, emailLinks }: Props) {
  return (
    <div className="space-y-4 rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      {oauthProviders.length > 0 && (
        <div className="space-y-2">
          {oauthProviders.map((p) => (
            <button
              key={p.id}
              type="button"
              data-testid={`signin-${p.id}`}
              onClick={() => void signIn(p.id, { callbackUrl })}
              className="w-full rounded-lg py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-700 dark:hover:bg-slate-800"
            >
              Continue with {p.name}
            </button>
          ))}
        </div>
      )}
      {emailLinks && <EmailLinkForm callbackUrl={callbackUrl} />}
      {password && <PasswordForm callbackUrl={callbackUrl} />}
    </div>
  );
}

function EmailLinkForm({ callbackUrl }: { callbackUrl: string }) {
  const [answer, setAnswer] = useState<{ sent?: string; error?: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(form: FormData) {
    setPending(true);
    setAnswer(null);
    try {
      const { sent } = await apiFetch<{ sent: string }>("/api/sign-in/email", { method: "POST", body: { email: String(form.get("email") ?? ""), callbackUrl } });
      setAnswer({ sent });
    } catch (error) {
      setAnswer({ error: (error as Error).message });
    } finally {
      setPending(false);
    }
  }

  return (
    <form action={submit} className="space-y-3">
      <div>
        <label htmlFor="link-email" className="mb-1 block text-sm font-medium">Email me a sign-in link</label>
        <input id="link-email" name="email" type="email" autoComplete="email" required data-testid="signin-link-email" className={INPUT} />
      </div>
      {answer?.sent && (
        <p role="status" data-testid="signin-link-sent" className="text-sm text-emerald-800 dark:text-emerald-300">
          {answer.sent}
        </p>
      )}
      {answer?.error && (
        <p role="alert" data-testid="signin-link-error" className="text-sm text-rose-700 dark:text-rose-300">
          {answer.error}
        </p>
      )}
      <button type="submit" disabled={pending} data-testid="signin-link-submit" className={PRIMARY}>
        {pending ? "Sending…" : "Send link"}
      </button>
    </form>
  );
}

function PasswordForm({ callbackUrl }: { callbackUrl: string }) {
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

  return (
    <form action={submit} className="space-y-4">
      <div>
        <label htmlFor="email" className="mb-1 block text-sm font-medium">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required data-testid="signin-email" className={INPUT} />
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block text-sm font-medium">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required data-testid="signin-password" className={INPUT} />
      </div>
      {error && (
        <p role="alert" data-testid="signin-error" className="text-sm text-rose-700 dark:text-rose-300">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} data-testid="signin-submit" className={PRIMARY}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
