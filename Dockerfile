# syntax=docker/dockerfile:1
# One image for the api, the worker and the one-shot migrate job (docker-compose.yml picks the
# command). TypeScript runs through tsx at run time, as in development, so there is no build step
# and the code in the image is the code in the repository.

# Same Node as the development machines (20.20.2). Debian (glibc), not Alpine: the Temporal core
# bridge, @swc/core and esbuild ship prebuilt glibc binaries.
FROM node:20.20.2-bookworm-slim

# NODE_ENV=production: Express turns off stack traces in error pages.
# TEMPORAL_SKIP_INSTALL=1: our postinstall would otherwise pip-install the Temporal dev server and
# test server, which only `npm start` and the tests use; production talks to the real cluster.
ENV NODE_ENV=production \
    TEMPORAL_SKIP_INSTALL=1

WORKDIR /app

# Dependencies first, so editing source does not re-run npm ci. The postinstall script must be
# present because npm ci runs the root package's postinstall (it exits at once, see above).
# --omit=dev is safe: tsx, zod, pg, node-pg-migrate and the Temporal SDK are all `dependencies`;
# only typing, test and type-check tools are dev ones.
COPY package.json package-lock.json ./
COPY scripts/install-temporal.js scripts/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# Source stays owned by root: the app never writes into /app (tsx caches in /tmp), and a
# compromised process cannot rewrite its own code. .dockerignore keeps secrets and local state out.
COPY . .

USER node

# Overridden per service in docker-compose.yml; the api is the sensible default for `docker run`.
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/main.ts"]
