#!/bin/sh
# remote_smb.sh BRIDGE REMOTE_SERVER LIBDIR [NAMED_PIPE_SERVER]: runs
# remote_test.py in a network namespace of its own, where it starts smbd
# on the loopback.  Exit 77 (skipped) without root, smbd or the clients.
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "smbd and the bridge need root (uid $(id -u))"
command -v smbd >/dev/null || skip "samba is not installed"
command -v smbpasswd >/dev/null || skip "smbpasswd (samba-common-bin) is not installed"
/usr/bin/python3 -c 'import impacket' 2>/dev/null ||
    skip "python3-impacket is not installed"
/usr/bin/python3 -c 'import samba.samba3.libsmb_samba_internal' 2>/dev/null ||
    skip "python3-samba is not installed"
unshare -n true 2>/dev/null || skip "cannot make a network namespace"
here=$(dirname "$0")
exec unshare -n sh -c 'ip link set lo up && exec /usr/bin/python3 "$@"' \
    sh "$here/remote_test.py" "$@"
