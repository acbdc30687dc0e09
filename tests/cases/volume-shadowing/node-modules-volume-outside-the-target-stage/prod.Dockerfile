FROM alpine:3.24.1 AS node_base
RUN apk add --no-cache nodejs curl bash tini ca-certificates

FROM node_base AS base_builder
WORKDIR /usr/src/app
COPY pnpm-lock.yaml .
COPY . .
RUN pnpm install -f --prefer-offline

FROM base_builder AS backend_builder
WORKDIR /usr/src/app/packages/hoppscotch-backend
RUN pnpm --filter=hoppscotch-backend deploy /dist/backend --prod --legacy

FROM node_base AS backend
COPY --from=backend_builder /dist/backend /dist/backend
WORKDIR /dist/backend
CMD ["node", "prod_run.mjs"]

FROM node_base AS web
WORKDIR /app
COPY --from=base_builder /usr/src/app/node_modules ./node_modules
CMD ["node", "server.mjs"]
