#!/usr/bin/python3
"""Handshake requests for tests/remote/vectors/, made by an NDR encoder
written from Samba's IDL (librpc/idl/named_pipe_auth.idl, auth.idl and
security.idl of 4.16.0, 4.17.12, 4.19.0 and 4.20.0), independent of the
C decoder in src/core/smb_npa.c.

    /usr/bin/python3 tests/remote/npa_vectors.py tests/remote/vectors

Reads the requests recorded from Debian 12's smbd 4.17.12 (level 7:
*-4.17.12-rec.bin, their session keys zeroed), checks that this encoder,
given the values Samba's own Python bindings (python3-samba) decode from
them, gives back the same bytes, then writes the same sessions at the
levels and layouts no smbd here sends: 5 (4.16 and 4.17.0-4.17.8), 7 as
4.19 sends it, and 8 (4.20 and later).
"""
import struct
import sys

from samba.dcerpc import auth
from samba.ndr import ndr_unpack


class Ndr:
    def __init__(self):
        self.b = bytearray()
        self.ref = 0x20000

    def align(self, a):
        while len(self.b) % a:
            self.b.append(0)

    def u8(self, v):
        self.b.append(v & 0xff)

    def u16(self, v):
        self.align(2)
        self.b += struct.pack('<H', v)

    def u32(self, v):
        self.align(4)
        self.b += struct.pack('<I', v)

    def u64(self, v, a):
        self.align(a)
        self.b += struct.pack('<Q', v & 0xffffffffffffffff)

    def ptr(self, present):
        if present:
            self.u32(self.ref)
            self.ref += 4
        else:
            self.u32(0)

    def string(self, s):
        data = s.encode() + b'\0'
        self.u32(len(data))
        self.u32(0)
        self.u32(len(data))
        self.b += data

    def blob(self, data):
        self.u32(len(data))
        self.b += data

    def sid(self, text):
        parts = text.split('-')
        subs = [int(x) for x in parts[3:]]
        self.align(4)
        self.u8(1)
        self.u8(len(subs))
        self.b += int(parts[2]).to_bytes(6, 'big')
        for s in subs:
            self.u32(s)

    def guid(self, g):
        self.u32(g[0]); self.u16(g[1]); self.u16(g[2]); self.b += g[3]


USER_STRINGS = ['account_name', 'user_principal_name', 'domain_name',
                'dns_domain_name', 'full_name', 'logon_script',
                'profile_path', 'home_directory', 'home_drive',
                'logon_server']


def encode(v, level, ticket, userflags, claims, idle):
    n = Ndr()
    n.b += b'\0\0\0\0NPAM'
    n.u32(level)
    n.u32(level)
    n.u8(v['transport'])
    n.ptr(True); n.ptr(True); n.u16(v['rport'])
    n.ptr(True); n.ptr(True); n.u16(v['lport'])
    n.ptr(True)
    if idle:
        n.u8(0)
    for s in (v['rname'], v['raddr'], v['lname'], v['laddr']):
        n.string(s)
    # auth_session_info_transport
    n.align(4)
    n.ptr(True)
    n.blob(b'')
    # auth_session_info
    for _ in range(4):
        n.ptr(True)
    n.ptr(False)           # torture
    n.blob(bytes(16))      # session key (zeroed)
    n.ptr(False)           # credentials
    n.guid(v['guid'])
    if ticket:
        n.u16(0)
    # security_token
    n.align(8)
    n.u32(len(v['sids']))
    n.u32(len(v['sids']))
    for s in v['sids']:
        n.sid(s)
    n.u64(v['privs'], 8)
    n.u32(v['rights'])
    if claims:
        for _ in range(4):
            n.u32(0)
        for _ in range(4):
            n.u32(0)
        n.u16(0)           # evaluate_claims
    # security_unix_token
    n.u32(len(v['groups']))
    n.align(8)
    n.u64(v['uid'], 8)
    n.u64(v['gid'], 8)
    n.u32(len(v['groups']))
    for g in v['groups']:
        n.u64(g, 8)
    # auth_user_info
    n.align(4)
    for i, name in enumerate(USER_STRINGS):
        n.ptr(v['info'][name] is not None)
        if i == 1:
            n.u8(v['upn_constructed'])
    for t in v['times']:
        n.u64(t, 4)
    n.u16(v['logon_count'])
    n.u16(v['bad_password_count'])
    n.u32(v['acct_flags'])
    if userflags:
        n.u32(0 if v['authenticated'] else 1)
    else:
        n.u8(v['authenticated'])
    for name in USER_STRINGS:
        if v['info'][name] is not None:
            n.string(v['info'][name])
    # auth_user_info_unix
    n.align(4)
    n.ptr(True); n.ptr(True)
    n.string(v['unix_name']); n.string(v['sanitized'])
    n.b[0:4] = struct.pack('>I', len(n.b) - 4)
    return bytes(n.b)


def values(rec):
    """The session in a recorded request, as Samba's bindings decode it
    (the strings before it are read here: the bindings of 4.17 have no
    named_pipe_auth module)."""
    def cstr(o):
        m, _, a = struct.unpack_from('<III', rec, o)
        return rec[o + 12:o + 12 + a - 1].decode(), (o + 12 + a + 3) & ~3
    v = {'transport': rec[16]}
    v['rport'] = struct.unpack_from('<H', rec, 0x1c)[0]
    v['lport'] = struct.unpack_from('<H', rec, 0x28)[0]
    o = 0x30
    v['rname'], o = cstr(o)
    v['raddr'], o = cstr(o)
    v['lname'], o = cstr(o)
    v['laddr'], o = cstr(o)
    t = ndr_unpack(auth.session_info_transport, rec[o:],
                   allow_remaining=True)
    s = t.session_info
    g = s.unique_session_token
    raw = rec[o + 0x34:o + 0x34 + 16]  # the GUID as sent
    v['guid'] = (struct.unpack_from('<I', raw)[0],
                 struct.unpack_from('<H', raw, 4)[0],
                 struct.unpack_from('<H', raw, 6)[0], raw[8:16])
    assert str(g)
    v['sids'] = [str(x) for x in s.security_token.sids]
    v['privs'] = s.security_token.privilege_mask
    v['rights'] = s.security_token.rights_mask
    v['uid'] = s.unix_token.uid
    v['gid'] = s.unix_token.gid
    v['groups'] = list(s.unix_token.groups)
    i = s.info
    v['info'] = {k: getattr(i, k) for k in USER_STRINGS}
    v['upn_constructed'] = i.user_principal_constructed
    v['times'] = [i.last_logon, i.last_logoff, i.acct_expiry,
                  i.last_password_change, i.allow_password_change,
                  i.force_password_change]
    v['logon_count'] = i.logon_count
    v['bad_password_count'] = i.bad_password_count
    v['acct_flags'] = i.acct_flags
    v['authenticated'] = i.authenticated
    v['unix_name'] = s.unix_info.unix_name
    v['sanitized'] = s.unix_info.sanitized_username
    return v


def main(out):
    for who in ('root', 'anonymous'):
        rec = open('%s/%s-4.17.12-rec.bin' % (out, who), 'rb').read()
        v = values(rec)
        mine = encode(v, 7, True, False, False, False)
        if mine != rec:
            for k in range(min(len(mine), len(rec))):
                if mine[k] != rec[k]:
                    break
            sys.exit('%s: the encoder differs from the recording at 0x%x'
                     ' (%d against %d bytes)' % (who, k, len(mine), len(rec)))
        made = {'5-4.16': encode(v, 5, False, False, False, True),
                '5-4.17.0': encode(v, 5, True, False, False, True),
                '7-4.19': encode(v, 7, True, True, False, False),
                '8-4.20': encode(v, 8, True, True, True, False)}
        for name, data in made.items():
            with open('%s/%s-%s-idl.bin' % (out, who, name), 'wb') as f:
                f.write(data)
    print('ok')


if __name__ == '__main__':
    main(sys.argv[1])
