"""DNSSEC for the DANE tests: a zone signed by a real signer
(ldns-keygen and ldns-signzone, ECDSA P-256), served by nsd, and a real
validating resolver (unbound) that trusts the zone's key as its only trust
anchor and reaches the zones through stub-zone entries. A zone without an
anchor is insecure to unbound: answers without AD. Everything listens on
127.0.0.1 and is stopped by the test that started it."""
import os
import shutil
import subprocess
import time

from dnsd import query
from harness import free_port, stop_process, tmpdir


def sign(folder, origin, text):
    """Signs zone text for origin; returns (signed zone text, anchor file:
    the key in DNSKEY form, for unbound's trust-anchor-file)."""
    base = subprocess.run(["ldns-keygen", "-a", "ECDSAP256SHA256", "-k", origin],
                          cwd=folder, check=True, capture_output=True,
                          text=True).stdout.strip()
    zf = os.path.join(folder, origin + ".unsigned")
    with open(zf, "w") as f:
        f.write(text)
    subprocess.run(["ldns-signzone", "-f", zf + ".signed", zf,
                    os.path.join(folder, base)], cwd=folder, check=True,
                   capture_output=True)
    with open(zf + ".signed") as f:
        return f.read(), os.path.join(folder, base + ".key")


class Unbound:
    """unbound validating with anchors (files), stub zones {name: port}."""

    def __init__(self, stubs, anchors):
        self.dir = tmpdir()
        self.port = free_port()
        d = self.dir
        conf = ["server:",
                "    interface: 127.0.0.1",
                "    port: %d" % self.port,
                "    do-ip6: no",
                "    do-daemonize: no",
                '    chroot: ""',
                '    username: ""',
                "    directory: %s" % d,
                "    pidfile: %s/unbound.pid" % d,
                "    logfile: %s/unbound.log" % d,
                "    use-syslog: no",
                "    verbosity: 1",
                "    val-log-level: 2",
                "    do-not-query-localhost: no",
                "    qname-minimisation: no",
                '    module-config: "validator iterator"',
                "    cache-max-ttl: 1",
                "    cache-max-negative-ttl: 1",
                # unbound answers NXDOMAIN itself for the special-use
                # names (RFC 6761) unless told not to.
                '    local-zone: "test." nodefault',
                '    local-zone: "invalid." nodefault']
        conf += ["    trust-anchor-file: %s" % a for a in anchors]
        conf += ["remote-control:", "    control-enable: no"]
        for name, port in stubs.items():
            conf += ["stub-zone:", '    name: "%s"' % name,
                     "    stub-addr: 127.0.0.1@%d" % port]
        with open(os.path.join(d, "unbound.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        self.p = subprocess.Popen(["unbound", "-d", "-c", os.path.join(d, "unbound.conf")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.time() + 15
        first = next(iter(stubs))
        while True:
            try:
                query(self.port, first, "SOA", timeout=0.5)
                break
            except OSError:
                if time.time() > end or self.p.poll() is not None:
                    log = self.log()
                    self.stop()
                    raise AssertionError("unbound did not start: " + log[-800:])
                time.sleep(0.1)

    def log(self):
        path = os.path.join(self.dir, "unbound.log")
        return open(path).read() if os.path.exists(path) else ""

    def resolver(self):
        return "--resolver=127.0.0.1:%d" % self.port

    def stop(self):
        stop_process(self.p)
        shutil.rmtree(self.dir, ignore_errors=True)
