#!/usr/bin/env bash
# Builds the metadata-only redirect package (see docs/dependencies.md) from its .nuspec.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/packages/patched.distributedlock.postgres.1.3.3.nupkg"
[ -f "$out" ] && [ "$out" -nt "$here/packages/Patched.DistributedLock.Postgres.nuspec" ] && exit 0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$here/packages/Patched.DistributedLock.Postgres.nuspec" "$tmp/"
mkdir -p "$tmp/lib/net8.0" && : > "$tmp/lib/net8.0/_._"
(cd "$tmp" && python3 - "$out" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write("Patched.DistributedLock.Postgres.nuspec")
    z.write("lib/net8.0/_._")
PY
)
