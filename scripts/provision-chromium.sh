#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser suite (tests/browser/: the embeddable widget
# driven by playwright-core in headless Chromium). Idempotent; installs only when /usr/bin/chromium is missing.
#
# Env:
#   HELPERIQ_SKIP_PROVISION=1   do nothing (the caller already provisioned)
set -euo pipefail

# All output (including apt chatter) goes to stderr; stdout stays clean for callers.
exec 1>&2

# shellcheck source=provision-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/provision-lib.sh"

if [[ "${HELPERIQ_SKIP_PROVISION:-}" == "1" ]]; then
  log "HELPERIQ_SKIP_PROVISION=1: not checking Chromium"
  exit 0
fi

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  log "chromium already installed ($("$CHROMIUM" --version 2>/dev/null || echo '?'))"
  exit 0
fi

log "running apt-get update…"
apt_get update -q || die "apt-get update failed"
log "installing chromium from Debian packages (the browser the widget suite drives; ~100 MB the first time)…"
apt_get install -y -q --no-install-recommends chromium \
  || die "apt-get install chromium failed"
[[ -x "$CHROMIUM" ]] || die "chromium missing after install ($CHROMIUM)"
log "chromium installed ($("$CHROMIUM" --version 2>/dev/null || echo '?'))"
