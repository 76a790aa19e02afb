# The app in a container: built in one stage, run as the unprivileged `node`
# user in the next, with `node` itself as the command (no shell or npm in
# between, so `docker stop`'s SIGTERM reaches the server and its graceful
# shutdown runs). docs/self-hosting.md, "Containers".
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
COPY --from=build --chown=node:node /app/package.json /app/next.config.mjs ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/.next ./.next
# The in-app integrations page shows this guide (app/settings/integrations/page.tsx).
COPY --from=build --chown=node:node /app/docs/integrations.md ./docs/integrations.md
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "node_modules/next/dist/bin/next", "start", "-H", "0.0.0.0", "-p", "3000"]
