# The scriba image: the CLI, and the Kubernetes controller that `scriba install` deploys.
#   docker build -t scriba:dev .

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its addon when no prebuilt binary matches; the image's Node headers serve node-gyp.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts as package.json's allowScripts has them: better-sqlite3's only.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/scriba
# Owned by root and read-only to the `node` user that runs it.
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/controller/manifests ./controller/manifests
COPY --from=build /src/suggestion-service/protos ./suggestion-service/protos
# The node user is uid 1000; the Deployment's runAsUser matches it.
USER node
# gRPC (Katib's DBManager and Suggestion), then the controller's /healthz and /readyz.
EXPOSE 6789 8080
ENTRYPOINT ["node", "/opt/scriba/dist/src/bin.js"]
