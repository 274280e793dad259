#!/usr/bin/env bash
# Headless Chromium for the real-browser tests (tests/test_dashboard_browser.py).
#
#   infra/browser.sh install   install Debian's chromium and chromium-driver when
#                              /usr/bin/chromium or /usr/bin/chromedriver is missing
#                              (as root, or through sudo); quiet when both are there
#   infra/browser.sh status    exit 0 if both are installed, 1 if not
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CHROMIUM=/usr/bin/chromium
DRIVER=/usr/bin/chromedriver

installed() { [[ -x "$CHROMIUM" && -x "$DRIVER" ]]; }

install() {
    installed && return 0
    install_debian_packages "browser.sh" chromium chromium-driver
    installed
}

case "${1:-}" in
    install) install ;;
    status) installed ;;
    *) echo "usage: $0 install|status" >&2; exit 2 ;;
esac
