// A bench-only app (minimal-next); Turbopack and file tracing rooted at the repo so the root node_modules resolve.
import path from "node:path";
import { fileURLToPath } from "node:url";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const config = { turbopack: { root }, outputFileTracingRoot: root, poweredByHeader: false };
export default config;
