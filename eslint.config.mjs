import boundaries from "eslint-plugin-boundaries";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The floors of lib/ (docs/how-it-works.md, "Where the code lives"): each wing
// may import only the wings below it. Browser code never reaches a server
// wing, lib/shared imports nothing but itself, and the store nothing above it.
const BROWSER = ["shared", "client"];
const SERVER_GROUND = ["shared", "server"];
const WINGS = {
  shared: [],
  client: BROWSER,
  hooks: BROWSER,
  components: [...BROWSER, "hooks"],
  server: ["shared"],
  store: SERVER_GROUND,
  auth: [...SERVER_GROUND, "store"],
  api: [...SERVER_GROUND, "store", "auth"],
  stream: [...SERVER_GROUND, "store", "auth", "api"],
  notifications: [...SERVER_GROUND, "store", "auth", "stream"],
  integrations: [...SERVER_GROUND, "store", "auth", "api", "notifications"],
};

const floors = {
  files: ["app/**", "components/**", "hooks/**", "lib/**"],
  plugins: { boundaries },
  settings: {
    "boundaries/elements": [
      // Whole paths from the root: app/api/hooks is no React hook.
      ...["app", "components", "hooks"].map((top) => ({ type: top, mode: "full", pattern: `${top}/**/*` })),
      ...Object.keys(WINGS)
        .filter((wing) => wing !== "components" && wing !== "hooks")
        .map((wing) => ({ type: wing, mode: "full", pattern: `lib/${wing}/**/*` })),
    ],
    "boundaries/include": ["app/**/*", "components/**/*", "hooks/**/*", "lib/**/*"],
    "import/resolver": { typescript: { alwaysTryTypes: true } },
  },
  rules: {
    "boundaries/dependencies": [
      2,
      {
        default: "disallow",
        rules: [
          { from: { type: "app" }, allow: { to: { type: "*" } } },
          ...Object.entries(WINGS).map(([wing, below]) => ({ from: { type: wing }, allow: { to: { type: [wing, ...below] } } })),
        ],
      },
    ],
    "boundaries/no-unknown-files": 2,
    "import/no-cycle": 2,
  },
};

// Routes are front doors: they call the wings, and only the health check asks the store itself.
const routesAreFrontDoors = {
  files: ["app/**"],
  ignores: ["app/api/health/route.ts"],
  rules: {
    "no-restricted-imports": [2, { patterns: [{ group: ["@/lib/store", "@/lib/store/*"], message: "Routes reach the store through a wing of lib/ (docs/how-it-works.md)." }] }],
  },
};

const config = [
  ...nextVitals,
  ...nextTs,
  floors,
  routesAreFrontDoors,
  // Playwright fixtures call `use()`, which is not React's hook.
  { files: ["e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  { ignores: [".next/**", "node_modules/**", "bench/apps/**/.next/**", "bench/results/**", "next-env.d.ts", "test-results/**", "playwright-report/**"] },
];

export default config;
