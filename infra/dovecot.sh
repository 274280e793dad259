#!/usr/bin/env bash
# Debian's Dovecot IMAP server, which the mail intake's tests start privately on loopback
# (tests/support/imap.py; never the system's service).
#
#   infra/dovecot.sh install   install Debian's dovecot-imapd when /usr/sbin/dovecot is missing
#                              (as root, or through sudo); quiet when it is there
#   infra/dovecot.sh status    exit 0 if it is installed, 1 if not
set -euo pipefail

DOVECOT=/usr/sbin/dovecot

installed() { [[ -x "$DOVECOT" ]]; }

install() {
    installed && return 0
    local run=()
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            run=(sudo -n)
        else
            echo "dovecot.sh: dovecot-imapd is missing; install it as root:" >&2
            echo "  apt-get install -y dovecot-imapd" >&2
            return 1
        fi
    fi
    echo "dovecot.sh: installing dovecot-imapd (Debian package)"
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
    installed
}

case "${1:-}" in
    install) install ;;
    status) installed ;;
    *) echo "usage: $0 install|status" >&2; exit 2 ;;
esac
