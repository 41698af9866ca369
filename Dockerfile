# syntax=docker/dockerfile:1
# schwab-recorder: `record` in a container. Build stage compiles TypeScript; the runtime stage holds dist/, the
# production dependencies, config/ (defaults) and sql/ (migrations), and runs as the unprivileged `node` user.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
# V8 collects old-space garbage lazily: without a cap, a catch-up at full speed lets the heap reach ~450 MB of mostly
# garbage. The recorder's own memory is bounded by pipeline.maxBufferedBytes and the catch-up tail; 256 MB of heap
# keeps the process near 300 MB RSS (see README "Memory").
ENV NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config
COPY sql ./sql
# Recordings and tokens live under /app/.data (mount a volume there); the `node` user (uid 1000) owns it.
RUN mkdir -p /app/.data/recordings && chown -R node:node /app/.data
USER node
# config/default.json: http.port 9464 (/metrics, /healthz, /readyz) on 127.0.0.1; in a container it must listen on
# every interface to be reachable at all (compose publishes it on the host's 127.0.0.1 only).
ENV SCHWAB_RECORDER_HTTP_HOST=0.0.0.0
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/cli/main.js", "record"]
