#!/usr/bin/env bash
# Headless Chromium for the real-browser tests (tests/test_dashboard_browser.py).
#
#   infra/browser.sh install   install Debian's chromium and chromium-driver when
#                              /usr/bin/chromium or /usr/bin/chromedriver is missing
#                              (as root, or through sudo); quiet when both are there
#   infra/browser.sh status    exit 0 if both are installed, 1 if not
set -euo pipefail

CHROMIUM=/usr/bin/chromium
DRIVER=/usr/bin/chromedriver

installed() { [[ -x "$CHROMIUM" && -x "$DRIVER" ]]; }

install() {
    installed && return 0
    local run=()
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            run=(sudo -n)
        else
            echo "browser.sh: chromium and chromium-driver are missing; install them as root:" >&2
            echo "  apt-get install -y chromium chromium-driver" >&2
            return 1
        fi
    fi
    echo "browser.sh: installing chromium and chromium-driver (Debian packages)"
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    installed
}

case "${1:-}" in
    install) install ;;
    status) installed ;;
    *) echo "usage: $0 install|status" >&2; exit 2 ;;
esac
