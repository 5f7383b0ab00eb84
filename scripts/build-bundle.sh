#!/usr/bin/env bash
# Builds flownally-mcp.mcpb, the one-click Claude Desktop bundle: the built
# server, the manifest and production dependencies only (pinned by the lock file).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-flownally-mcp.mcpb}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

npm run build --silent
npx --no-install mcpb validate manifest.json

# What the npm package ships (dist, README, LICENSE) plus the manifest and lock file.
npm pack --silent --pack-destination "$stage" >/dev/null
tar -xzf "$stage"/flownally-mcp-*.tgz -C "$stage"
cp manifest.json package-lock.json "$stage/package/"
(cd "$stage/package" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
rm -f "$stage/package/package-lock.json"

npx --no-install mcpb pack "$stage/package" "$PWD/$out"
