"use client";
import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button type="button" data-testid="sign-out" onClick={() => void signOut({ callbackUrl: "/signin" })} className="rounded-lg px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
      Sign out
    </button>
  );
}
