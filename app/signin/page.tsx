import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { NOT_ALLOWED } from "@/lib/auth/allow";
import { authOptions } from "@/lib/auth/options";
import { config } from "@/lib/server/config";
import { getCurrentUser, safeCallbackUrl } from "@/lib/auth/session";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const refused = refusal(params.error);
  if (await getCurrentUser()) redirect(callbackUrl);
  const oauth = authOptions.providers.filter((p) => p.type === "oauth").map((p) => ({ id: p.id, name: p.name }));
  const { demoUsers, production, emailSignIn } = config();
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <span className="mx-auto grid h-12 w-12 place-items-center rounded-xl bg-brand-600 text-2xl text-white" aria-hidden>
            ◉
          </span>
          <h1 className="mt-3 text-xl font-semibold">Sign in to Live notifications</h1>
        </div>
        {refused && (
          <p role="alert" data-testid="signin-refused" className="mb-4 rounded-lg bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-900">
            {refused}
          </p>
        )}
        <SignInForm callbackUrl={callbackUrl} oauthProviders={oauth} password={demoUsers} emailLinks={emailSignIn} />
        {demoUsers && !production && (
          <p className="mt-4 rounded-lg bg-slate-100 p-3 text-xs text-slate-600 dark:bg-slate-900 dark:text-slate-400">
            Demo accounts: admin@example.com (admin), alice@example.com and bob@example.com (members). The password is in your DEMO_PASSWORD setting, &quot;demo&quot; by default.
          </p>
        )}
      </div>
    </main>
  );
}

/** What the sign-in page says when a provider's sign-in came back refused. */
function refusal(error: string | string[] | undefined): string | null {
  if (error === "not-allowed" || error === "AccessDenied") return NOT_ALLOWED;
  if (error === "unverified") return "Your account there has no verified email address, so it cannot sign in here. Verify your email with that provider, then try again.";
  if (error === "OAuthCallback" || error === "OAuthSignin" || error === "Callback") return "The sign-in did not complete: the provider's answer could not be checked. Try again; if it keeps failing, tell an admin.";
  return null;
}
