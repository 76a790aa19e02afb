// A bench-only app: the framework floor, a route handler streaming a ReadableStream.
import path from "node:path";
import { fileURLToPath } from "node:url";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const config = { turbopack: { root }, outputFileTracingRoot: root, poweredByHeader: false };
export default config;
