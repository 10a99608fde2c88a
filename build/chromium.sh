# Chromium for the dashboard's browser tests, from Debian's packages like PostgreSQL (Playwright's
# own browser download is not reachable everywhere). Sourced by ./ledger.

ensure_chromium() {
  local path="${LEDGER_CHROMIUM:-/usr/bin/chromium}"
  [ -x "$path" ] && return 0
  echo "ledger: installing Chromium from Debian's packages (browser tests)..." >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
}
