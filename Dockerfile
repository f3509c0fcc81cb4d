# Kefu api and worker image. Node 24 runs the TypeScript sources directly (type stripping): the server has no build
# step. The web front end (widget, demo page, console) is built by Vite in a first stage that has the dev
# dependencies; the runtime image gets only web/dist and the production dependencies.
FROM node:24-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./web
RUN npm run build:web

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
COPY --from=web /app/web/dist ./web/dist
USER node
EXPOSE 3000
CMD ["node", "app/server.ts"]
