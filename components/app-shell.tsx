// The frame of every signed-in page: product name, navigation, who is signed in.
import Link from "next/link";
import type { SessionUser } from "@/lib/shared/types";
import { PushDeviceGuard } from "./push-device-guard";
import { SignOutButton } from "./sign-out-button";

export function AppShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  // Compact on a phone: the logo, the links and "Sign out" keep to one row at 360 px.
  const link = "rounded-lg px-2 py-1.5 text-sm hover:bg-slate-100 sm:px-3 dark:hover:bg-slate-800";
  return (
    <div className="mx-auto max-w-6xl px-4 pb-24">
      {/* The first stop for a keyboard: past the header straight to the page's content (the feed on the dashboard). */}
      <a
        href="#main"
        data-testid="skip-link"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-lg focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:shadow dark:focus:bg-slate-900"
      >
        Skip to content
      </a>
      <header className="flex flex-wrap items-center gap-2 py-4">
        <Link href="/" className="mr-auto flex items-center gap-2 font-semibold">
          <span className="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-white" aria-hidden>
            ◉
          </span>
          <span className="sr-only sm:not-sr-only">Live notifications</span>
        </Link>
        <nav aria-label="Main" className="flex flex-wrap items-center sm:gap-1">
          <Link href="/" className={link}>Dashboard</Link>
          <Link href="/settings" className={link}>Settings</Link>
          {user.role === "admin" && <Link href="/admin" className={link}>Admin</Link>}
        </nav>
        <span className="hidden text-sm text-slate-600 dark:text-slate-400 sm:inline">
          {user.name} · {user.role}
        </span>
        <SignOutButton userId={user.id} />
        <PushDeviceGuard userId={user.id} />
      </header>
      <main id="main" tabIndex={-1} className="outline-none">
        {children}
      </main>
    </div>
  );
}
