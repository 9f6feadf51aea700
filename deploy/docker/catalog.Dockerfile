# syntax=docker/dockerfile:1.7
# Image accord/catalog: the catalog service (port 7102).
# Build context: the repository root (scripts/images/build.sh; deploy/docker/README.md).
#
# Every deploy/docker/*.Dockerfile has the same three stages; only the lines
# marked "per image" differ, so BuildKit builds the common `build` stage once
# for all images:
#   build    all npm dependencies installed as scripts/ensure-deps.sh does, every package compiled
#   runtime  this image's production-only node_modules; workspace packages cut down to package.json + dist
#   (final)  distroless Node.js 20: no shell, npm or package manager; numeric non-root user 10001
# deploy/docker/dockerfiles.spec.ts checks these rules against the build output.
ARG BUILD_IMAGE=node:20.20.2-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
COPY . .
# Not `npm ci`: the lockfile leaves out other platforms' optional binaries (see scripts/ensure-deps.sh).
RUN --mount=type=cache,target=/root/.npm \
    npm install --no-save --no-audit --no-fund --loglevel=error
RUN npx tsc -b tsconfig.build.json

FROM build AS runtime
# Per image: the workspace whose production dependencies (and nothing else) node_modules keeps.
RUN --mount=type=cache,target=/root/.npm \
    rm -rf node_modules libs/*/node_modules services/*/node_modules tools/*/node_modules \
    && npm install --no-save --no-audit --no-fund --loglevel=error --omit=dev --workspace=services/catalog \
    && find libs services tools -mindepth 2 -maxdepth 2 ! -name package.json ! -name dist ! -name node_modules -exec rm -rf {} + \
    && find libs services tools -path '*/dist/*' \( -name '*.d.ts' -o -name '*.d.ts.map' -o -name '*.tsbuildinfo' \) -delete

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=runtime /app/node_modules node_modules
# Per image: the service and the workspace libraries it depends on (package.json, dist, own node_modules).
COPY --from=runtime /app/libs/event-bus libs/event-bus
COPY --from=runtime /app/libs/events libs/events
COPY --from=runtime /app/libs/ledger-core libs/ledger-core
COPY --from=runtime /app/libs/object-store libs/object-store
COPY --from=runtime /app/libs/persistence libs/persistence
COPY --from=runtime /app/libs/protocol libs/protocol
COPY --from=runtime /app/libs/rules libs/rules
COPY --from=runtime /app/libs/service-kit libs/service-kit
COPY --from=runtime /app/services/catalog services/catalog
COPY deploy/docker/healthcheck.mjs deploy/docker/healthcheck.mjs
# Read-only root filesystem: the service writes only under /tmp (an emptyDir or tmpfs).
ENV NODE_ENV=production \
    HOME=/tmp \
    ACCORD_DATA_DIR=/tmp/accord \
    ACCORD_HTTP_HOST=0.0.0.0 \
    ACCORD_HTTP_PORT=7102
USER 10001:10001
EXPOSE 7102
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/nodejs/bin/node", "/app/deploy/docker/healthcheck.mjs"]
# The distroless entrypoint is node itself.
CMD ["services/catalog/dist/main.js"]
