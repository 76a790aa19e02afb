// A bench-only app: @upstash/realtime mounted as its docs show.
import path from "node:path";
import { fileURLToPath } from "node:url";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const config = { turbopack: { root }, outputFileTracingRoot: root, poweredByHeader: false };
export default config;
