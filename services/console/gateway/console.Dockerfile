# The web console behind nginx: the distributed mode's single origin (docker-compose.yml, `console`).
# Stage 1 builds the console with the workspace's own tools; stage 2 serves it and proxies the APIs.
# syntax=docker/dockerfile:1
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY services/console ./services/console
RUN node services/console/build.mjs

FROM nginx:1.29-alpine
COPY --from=build /app/services/console/dist /usr/share/nginx/html
COPY services/console/gateway/nginx.conf /etc/nginx/conf.d/default.conf
HEALTHCHECK --interval=10s --timeout=5s --retries=5 CMD wget -q -O /dev/null http://127.0.0.1/ --header 'accept: text/html' || exit 1
