"""What reaches syslog, at which severity: a real datagram socket at
/dev/log inside a private mount namespace (its /dev a directory of the
test holding /dev/null and that socket), the programs run with
SMTPRC_SYSLOG=1 as the daemons' --syslog sets it."""
import os
import socket
import subprocess

import qlib
from faultsmtp import FaultServer
from harness import CONFIG_LOG, PROG, RUN, Skip, test, tmpdir

SCRIPT = r"""
set -u
[ -n "$D" ] && [ -S "$D/dev/log" ] || exit 99
mount --bind "$D/dev" /dev || exit 98
SMTPRC_SYSLOG=1 "$PROG" --queue="$Q" --timeout-connect=3 "127.0.0.1:$PORT" "$L"
echo $? > "$D/rc"
"""


@test
def outcomes_at_info_warning_and_err():
    """delivered at LOG_INFO, deferred at LOG_WARNING, bounced at LOG_ERR,
    facility mail: an administrator filtering on mail.warn sees every
    deferral and bounce."""
    if not CONFIG_LOG:
        raise Skip("CONFIG_LOG=0 logs no outcome")
    if RUN:
        raise Skip("the namespace runs the host binary")
    d = tmpdir()
    os.chmod(d, 0o755)
    dev = os.path.join(d, "dev")
    os.makedirs(dev)
    subprocess.run(["mknod", "-m", "666", os.path.join(dev, "null"), "c", "1", "3"],
                   check=True)
    log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    log.bind(os.path.join(dev, "log"))
    log.settimeout(5)
    q = qlib.make_queue(os.path.join(d, "q"))
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["a@example.com", "b@example.com", "c@example.com"],
                           "Subject: s\n\nbody\n")
    rules = {"rcpt": lambda a, s: "450 4.2.0 busy" if a.startswith("b") else
             "550 5.1.1 no" if a.startswith("c") else None}
    try:
        with FaultServer(rules) as srv:
            p = subprocess.run(["unshare", "--mount", "--propagation", "private",
                                "sh", "-c", SCRIPT], timeout=120,
                               env=dict(os.environ, D=d, PROG=os.path.abspath(PROG),
                                        Q=q, L=lst, PORT=str(srv.port)),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert p.returncode == 0, p.stdout.decode()
        lines = []
        while True:
            try:
                lines.append(log.recv(2048).decode())
            except socket.timeout:
                break
            if len([l for l in lines if "<a@" in l or "<b@" in l or "<c@" in l]) == 3:
                break
    finally:
        log.close()
    by = {}
    for l in lines:
        for who in ("a", "b", "c"):
            if "<%s@example.com>" % who in l:
                by[who] = l
    assert by.get("a", "").startswith("<22>smtprc["), lines   # mail.info
    assert by.get("b", "").startswith("<20>smtprc["), lines   # mail.warning
    assert by.get("c", "").startswith("<19>smtprc["), lines   # mail.err
    assert "delivered" in by["a"] and "deferred" in by["b"] and "bounced" in by["c"]
