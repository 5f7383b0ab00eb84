#!/usr/bin/env bash
# Builds flownally-mcp.mcpb, the one-click Claude Desktop bundle, with only what runs:
# dist/ (the self-contained bundle: no node_modules), package.json (it makes dist/cli.js
# an ES module), the manifest, and the licences (LICENSE, dist/THIRD_PARTY_LICENSES.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-flownally-mcp.mcpb}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

npm run build --silent
npx --no-install mcpb validate manifest.json

# What the npm package ships, less the README, plus the manifest.
npm pack --silent --pack-destination "$stage" >/dev/null
tar -xzf "$stage"/flownally-mcp-*.tgz -C "$stage"
rm "$stage/package/README.md"
cp manifest.json "$stage/package/"

npx --no-install mcpb pack "$stage/package" "$PWD/$out"
