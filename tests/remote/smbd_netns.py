"""smbd for the tests and the benchmark, in the network namespace the
caller runs in (unshare -n, loopback up): a private smb.conf and private
folders under tmp, standalone, SMB on 127.0.0.1:445 only, users added
to its own passdb."""
import os
import signal
import socket
import subprocess
import sys
import time


def start_smbd(tmp, passwords, wait):
    """Starts smbd with its folders under tmp and the users of passwords
    (Unix users that exist); returns its Popen once port 445 answers.
    Pipe opens go to tmp/ncalrpc/np."""
    for d in ('lock', 'state', 'cache', 'pid', 'private', 'ncalrpc'):
        os.makedirs(os.path.join(tmp, d))
    os.chmod(tmp, 0o755)
    conf = os.path.join(tmp, 'smb.conf')
    with open(conf, 'w') as f:
        f.write('''[global]
  netbios name = WIPCHOST
  workgroup = WIPCNET
  server role = standalone server
  interfaces = lo
  bind interfaces only = yes
  smb ports = 445
  disable netbios = yes
  lock directory = {t}/lock
  state directory = {t}/state
  cache directory = {t}/cache
  pid directory = {t}/pid
  private dir = {t}/private
  ncalrpc dir = {t}/ncalrpc
  log file = {t}/log.%m
  passdb backend = tdbsam:{t}/private/passdb.tdb
  map to guest = never
  restrict anonymous = 0
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
'''.format(t=tmp))
    for user, pw in passwords.items():
        subprocess.run(['smbpasswd', '-s', '-a', '-c', conf, user],
                       input='%s\n%s\n' % (pw, pw), text=True, check=True,
                       stdout=subprocess.DEVNULL)
    log = os.path.join(tmp, 'smbd.out')
    # A process group of its own, so that stop() ends its children too.
    p = subprocess.Popen(['smbd', '--foreground', '--no-process-group',
                          '--debug-stdout', '-s', conf],
                         stdout=open(log, 'w'), stderr=subprocess.STDOUT,
                         start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        s = socket.socket()
        try:
            s.connect(('127.0.0.1', 445))
            return p
        except OSError:
            time.sleep(0.05)  # polling for smbd's port, bounded
        finally:
            s.close()
    stop(p)
    sys.exit('smbd did not start: ' + open(log).read())


def stop(p):
    """Ends process p, and its process group if it leads one (smbd's
    forked children)."""
    if p.poll() is None:  # not reaped: its pid is still its own
        try:
            if os.getpgid(p.pid) == p.pid:
                os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.kill()
    p.wait()


def samba_ipc(tmp, user, password):
    """A connection to 127.0.0.1's IPC$ by Samba's own client (its Python
    bindings, which rely on Samba's s3 loadparm, as Samba's own tests)."""
    from samba import credentials
    from samba.samba3 import libsmb_samba_internal as libsmb
    from samba.samba3 import param as s3param
    lp = s3param.get_context()
    lp.load(os.path.join(tmp, 'smb.conf'))
    creds = credentials.Credentials()
    creds.guess(lp)
    creds.set_username(user)
    creds.set_password(password)
    return libsmb.Conn('127.0.0.1', 'IPC$', lp, creds)
