// docs/integrations.md, shown in the app where admins create the tokens it
// asks for: the copy-paste configuration for Alertmanager, Grafana and
// GitHub, with this deployment's address in place of the guide's example
// one. Admins only: members make no tokens that publish.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { headers } from "next/headers";
import Markdown, { type Components } from "react-markdown";
import { AppShell } from "@/components/app-shell";
import { requireUser } from "@/lib/auth/session";

const EXAMPLE_ORIGIN = "https://alerts.example.com";

/** The URL people open: NEXTAUTH_URL, else what this request was sent to. */
async function deploymentOrigin() {
  const configured = process.env.NEXTAUTH_URL?.replace(/\/$/, "");
  if (configured) return configured;
  const request = await headers();
  return `${request.get("x-forwarded-proto") ?? "http"}://${request.get("host")}`;
}

// The guide as the app's own pages look. Its links to other files of docs/
// lead nowhere here: they read as their text.
const look: Components = {
  h2: ({ children }) => <h2 className="mt-6 mb-2 text-base font-semibold">{children}</h2>,
  h3: ({ children }) => <h3 className="mt-4 mb-1 font-semibold">{children}</h3>,
  p: ({ children }) => <p className="my-2">{children}</p>,
  ul: ({ children }) => <ul className="my-2 list-disc space-y-1 pl-5">{children}</ul>,
  ol: ({ children }) => <ol className="my-2 list-decimal space-y-1 pl-5">{children}</ol>,
  // Focusable: a long line scrolls sideways, and a keyboard must reach it.
  pre: ({ children }) => <pre tabIndex={0} className="my-3 overflow-x-auto rounded-lg bg-slate-100 p-3 text-xs dark:bg-slate-800">{children}</pre>,
  code: ({ children }) => <code className="font-mono text-[0.9em] wrap-anywhere">{children}</code>,
  a: ({ href, children }) =>
    href && /^(https?:|\/)/.test(href) ? (
      <a href={href} className="font-medium text-brand-600 hover:underline dark:text-brand-300">{children}</a>
    ) : (
      <>{children}</>
    ),
};

export default async function IntegrationsPage() {
  const user = await requireUser("/settings/integrations");
  return (
    <AppShell user={user}>
      <article aria-labelledby="integrations-heading" className="rounded-xl bg-white p-5 text-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
        <h1 id="integrations-heading" className="mb-3 text-lg font-semibold">Integrations</h1>
        {user.role === "admin" ? (
          <div data-testid="integrations-guide">
            <Markdown components={look}>{await guide()}</Markdown>
          </div>
        ) : (
          <p>Connecting Alertmanager, Grafana or GitHub needs the admin role: ask an admin.</p>
        )}
      </article>
    </AppShell>
  );
}

async function guide() {
  const text = await readFile(path.join(process.cwd(), "docs", "integrations.md"), "utf8");
  // Its own first line is the title above; the example address is this deployment's.
  return text
    .replace(/^# .*\n+/, "")
    .replaceAll(EXAMPLE_ORIGIN, await deploymentOrigin())
    .replace(/^Below, `[^`]+` stands for your deployment's address\.\n+/m, "");
}
