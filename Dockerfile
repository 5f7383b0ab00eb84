# flownally-mcp over Streamable HTTP. Build: docker build -t flownally-mcp .
# Run:   docker run -p 3000:3000 flownally-mcp   (each client sends its own Flownally key as its bearer token)
#   or:  docker run -p 3000:3000 -e FLOWNALLY_API_KEY=... -e FLOWNALLY_MCP_TOKEN=... flownally-mcp
#   the sandbox: docker run -p 127.0.0.1:3000:3000 -e FLOWNALLY_MCP_TOKEN=... flownally-mcp --sandbox
# Words after the image name are flags; the port is FLOWNALLY_PORT (-e FLOWNALLY_PORT=8080 -p 8080:8080).
# See README.md, "Any client over HTTP".

# Build stage: dev dependencies, TypeScript sources, esbuild bundle in dist/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Runtime stage: dist/ is self-contained (every dependency bundled), so no node_modules;
# run as the unprivileged node user.
FROM node:20-slim
ENV NODE_ENV=production
# HTTP on every interface of the container, set through the environment rather than flags, which would win
# over it: so -e FLOWNALLY_PORT moves the server, and the health check below follows it.
ENV FLOWNALLY_HTTP=1 FLOWNALLY_HOST=0.0.0.0 FLOWNALLY_PORT=3000
WORKDIR /app
COPY package.json LICENSE README.md ./
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FLOWNALLY_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
