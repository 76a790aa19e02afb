import { EmailLinkFinish } from "@/components/email-link-finish";
import { safeCallbackUrl } from "@/lib/auth/session";

// Where a sign-in link lands: a button, so that a mail scanner fetching the link does not use it up.
export default async function EmailLinkPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : "";
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm rounded-2xl bg-white p-6 text-center shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
        <h1 className="mb-4 text-xl font-semibold">Sign in to Live notifications</h1>
        <EmailLinkFinish token={token} callbackUrl={safeCallbackUrl(params.callbackUrl)} />
      </div>
    </main>
  );
}
