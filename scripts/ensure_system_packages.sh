#!/usr/bin/env bash
# What the tests need outside the Python lock, installed when missing:
# - Debian packages: chromium (the browser tests drive it; Playwright's own browser download
#   does not work offline), bubblewrap (the grading sandbox), postgresql (the gradebook and
#   room suites start a throw-away server from its binaries), nodejs + npm (to install the
#   JupyterHub proxy). As a non-root user, say what to run instead.
# - configurable-http-proxy from npm (JupyterHub's proxy) into <repo>/.npm, never globally;
#   its binary is .npm/node_modules/.bin/configurable-http-proxy.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v bwrap >/dev/null || missing+=(bubblewrap)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need Debian packages: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
chp="$repo/.npm/node_modules/.bin/configurable-http-proxy"
if [ ! -x "$chp" ]; then
  npm install --silent --no-audit --no-fund --prefix "$repo/.npm" configurable-http-proxy@5 >/dev/null
fi
"$chp" --version >/dev/null
