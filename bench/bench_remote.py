#!/usr/bin/python3
"""Remote clients through smbd: winipc against a server that speaks smbd's
handshake itself.  Root only; runs in a network namespace of its own.

    sudo bench/bench_remote.sh [BUILD_DIR]    (which runs this as
    unshare -n ... bench_remote.py BRIDGE ECHO LIBDIR [ROUNDS])

The same SMB client (Samba's own, libsmb through its Python bindings: one
C call per operation) opens a pipe on 127.0.0.1's IPC$ and either
  - round trip: writes a 64-byte message and reads the answer, or
  - connection: opens the pipe and closes it,
against (a) a winipc message-mode server reached through the bridge, and
(b) bench_remote_echo raw, a minimal C server listening on smbd's np/
socket itself (the floor: smbd and the client cost the same in both).
Each round measures both in 20 small batches each, alternating (so that
the load of a busy machine falls on both alike); the ratio of a round is
winipc's time per operation over the raw server's; the median and the
spread (lowest, highest) of the rounds are printed, and the bridge's CPU
time per connection (/proc/PID/stat).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tests', 'remote'))
import smbd_netns  # noqa: E402


BRIDGE, ECHO, LIBDIR = sys.argv[1:4]
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 7
TRIPS = int(os.environ.get("BENCH_TRIPS", 2000))
BATCHES = 20
CONNS = int(os.environ.get("BENCH_CONNS", 300))
PW = {'root': 'Wipc-bench-1'}


def wait_path(path):
    deadline = time.monotonic() + 20
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            sys.exit('%s never appeared' % path)
        time.sleep(0.01)  # polling for the bridge's scan, bounded


def ready(p):
    line = p.stdout.readline()
    if not line.startswith(b'READY'):
        sys.exit('a server did not start: %r' % line)


def cpu_seconds(pid):
    """User + system CPU time of process pid so far."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def trips(conn, f, n):
    """Seconds for n round trips of 64 bytes on the open pipe f."""
    msg = b'x' * 64
    t0 = time.perf_counter()
    for _ in range(n):
        conn.write(f, msg, 0)
        if len(conn.read(f, 0, 64)) != 64:
            sys.exit('short answer')
    return time.perf_counter() - t0


def opens(conn, name, n):
    """Seconds for n opens and closes of the pipe."""
    t0 = time.perf_counter()
    for _ in range(n):
        conn.close(conn.create(name, DesiredAccess=0x12019f))
    return time.perf_counter() - t0


def one_round(conn, bridge, names, r):
    """One round: the two servers in small alternating batches (so that
    the load of a busy machine falls on both alike); returns per server
    (seconds per round trip, seconds per open+close) and the bridge's CPU
    seconds per connection."""
    files = {n: conn.create(n, DesiredAccess=0x12019f) for n in names}
    rt = {n: 0.0 for n in names}
    op = {n: 0.0 for n in names}
    cpu = 0.0
    for k in range(BATCHES):
        order = names if (k + r) % 2 == 0 else names[::-1]
        for n in order:
            rt[n] += trips(conn, files[n], TRIPS // BATCHES)
    for f in files.values():
        conn.close(f)
    for k in range(BATCHES):
        order = names if (k + r) % 2 == 0 else names[::-1]
        for n in order:
            before = cpu_seconds(bridge.pid) if n == names[0] else 0
            op[n] += opens(conn, n, CONNS // BATCHES)
            if n == names[0]:
                cpu += cpu_seconds(bridge.pid) - before
    return ({n: (rt[n] / TRIPS, op[n] / CONNS) for n in names},
            cpu / CONNS)


def main():
    tmp = tempfile.mkdtemp(prefix='winipc-bench-remote.')
    root = os.path.join(tmp, 'root')
    os.makedirs(root)
    os.chmod(root, 0o1777)
    procs = []
    try:
        procs.append(smbd_netns.start_smbd(tmp, PW, 20))
        npdir = os.path.join(tmp, 'ncalrpc', 'np')
        env = dict(os.environ, WINIPC_ROOT=root, LD_LIBRARY_PATH=LIBDIR)
        os.makedirs(npdir, exist_ok=True)
        bridge = subprocess.Popen([BRIDGE, '--np-dir', npdir], env=env,
                                  stderr=subprocess.DEVNULL)
        procs.append(bridge)
        for argv in ([ECHO, 'winipc', 'benchwipc'],
                     [ECHO, 'raw', os.path.join(npdir, 'benchraw')]):
            p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE)
            procs.append(p)
            ready(p)
        wait_path(os.path.join(npdir, 'benchwipc'))
        conn = smbd_netns.samba_ipc(tmp, 'root', PW['root'])
        one_round(conn, bridge, ['benchwipc', 'benchraw'], 0)  # warm-up
        rows = {'rt': [], 'cps': []}
        abs_ = {'rt': [], 'cps': []}
        bridge_cpu = 0.0
        for r in range(ROUNDS):
            got, cpu = one_round(conn, bridge, ['benchwipc', 'benchraw'], r)
            bridge_cpu += cpu
            w, b = got['benchwipc'], got['benchraw']
            rows['rt'].append(w[0] / b[0])
            rows['cps'].append(w[1] / b[1])
            abs_['rt'].append((w[0], b[0]))
            abs_['cps'].append((w[1], b[1]))
            print('round %d: round trip %.1f us / %.1f us, open+close %.1f us '
                  '/ %.1f us' % (r + 1, w[0] * 1e6, b[0] * 1e6, w[1] * 1e6,
                                 b[1] * 1e6), flush=True)
        for key, what, target in (('rt', '64-byte round trip', 1.1),
                                  ('cps', 'open + close (connections)', None)):
            ratios = rows[key]
            wm = statistics.median(a for a, _ in abs_[key]) * 1e6
            bm = statistics.median(b for _, b in abs_[key]) * 1e6
            print('| %s | %.1f us | %.1f us | %.2f | %.2f-%.2f | %s |' %
                  (what, wm, bm, statistics.median(ratios), min(ratios),
                   max(ratios), '<= %.1f' % target if target else '-'))
        print('(the bridge: %.0f us of CPU per connection, scans included)' %
              (bridge_cpu / ROUNDS * 1e6))
        print('(per second: winipc %.0f, raw %.0f connections)' %
              (1e6 / (statistics.median(a for a, _ in abs_['cps']) * 1e6),
               1e6 / (statistics.median(b for _, b in abs_['cps']) * 1e6)))
    finally:
        for p in procs:
            smbd_netns.stop(p)
        subprocess.run(['rm', '-rf', tmp])


if __name__ == '__main__':
    main()
