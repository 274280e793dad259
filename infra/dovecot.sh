#!/usr/bin/env bash
# Debian's Dovecot IMAP server, which the mail intake's tests start privately on loopback
# (tests/support/imap.py; never the system's service).
#
#   infra/dovecot.sh install   install Debian's dovecot-imapd when /usr/sbin/dovecot is missing
#                              (as root, or through sudo); quiet when it is there
#   infra/dovecot.sh status    exit 0 if it is installed, 1 if not
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DOVECOT=/usr/sbin/dovecot

installed() { [[ -x "$DOVECOT" ]]; }

install() {
    installed && return 0
    install_debian_packages "dovecot.sh" dovecot-imapd
    installed
}

case "${1:-}" in
    install) install ;;
    status) installed ;;
    *) echo "usage: $0 install|status" >&2; exit 2 ;;
esac
