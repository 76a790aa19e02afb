// next-auth's routes, with a body limit and sign-out as a revocation (lib/api/sign-in-routes.ts).
import { signInRoutes } from "@/lib/api/sign-in-routes";

export const { GET, POST } = signInRoutes;
