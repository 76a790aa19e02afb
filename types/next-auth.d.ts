import type { Role } from "@/lib/shared/types";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role; name?: string | null; email?: string | null; image?: string | null; adminByGroup?: boolean };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    /** This sign-in's id: signing out revokes it on every instance. */
    sid?: string;
    /** The OpenID provider put this person in an OIDC_ADMIN_GROUPS group when they signed in. */
    adminByGroup?: boolean;
  }
}
