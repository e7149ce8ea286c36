#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download does not work
# offline). Install it when missing; as a non-root user, say what to run instead.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium bubblewrap >/dev/null
