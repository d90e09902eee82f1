# One image recipe for every Fengqiao deployable; SERVICE picks which (intake, grid-dispatch,
# mediation, petitions, analytics, standalone). Multi-stage: dependencies are installed in a
# build stage, the runtime stage runs as the unprivileged `node` user with a health check.
# syntax=docker/dockerfile:1
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Node 24 is the base image; the `node` npm package's installer is not needed here.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ARG SERVICE=standalone
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json tsconfig.base.json tsconfig.json .swcrc ./
COPY --chown=node:node libs ./libs
COPY --chown=node:node services ./services
COPY --chown=node:node scripts ./scripts
# the server code compiled to plain JS under dist/node (as `npm start` does): no TypeScript
# compiler or register hook in the service's memory
RUN node scripts/build-node.mjs && chown -R node:node dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# scripts/build-node.mjs's SERVICE_ENV (glibc maps blocks of 128 KiB and more on their own, given
# back when freed) and its SERVICE_NODE_FLAGS (small young generation, heap grown by 30 %, no pretenuring by
# allocation site)
ENV MALLOC_MMAP_THRESHOLD_=131072
CMD ["sh", "-c", "exec node --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning --max-semi-space-size=16 --heap-growing-percent=30 --no-allocation-site-pretenuring dist/node/services/${SERVICE}/src/main.js"]
