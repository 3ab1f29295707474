"""Several hosts: network namespaces this test creates (a client and a
server side joined by a veth pair, private addresses inside the
namespaces only, no default route), with MX targets that refuse, drop
the SYN (nftables), answer unreachable, accept but never greet, and one
that answers, over IPv4 and IPv6. It proves the fallback order and that
each dead address costs only its short first connect attempt. The
namespaces are removed when the test ends."""
import os
import subprocess
import time

import qlib
from dnsd import Nsd
from harness import CONFIG_IPV6, CONFIG_LOG, PROG, RUN, Skip, test, tmpdir
from sysexits import EX_TEMPFAIL

TAG = "smtprc%d" % os.getpid()
C, S = TAG + "c", TAG + "s"
NET4, NET6 = "10.231.%d." % (os.getpid() % 200), "fd00:231:%x::" % (os.getpid() % 65536)
# host number -> role
ROLES = {2: "refuses", 3: "drops SYN", 4: "unreachable", 5: "never greets",
         6: "answers"}


def sh(*cmd, ns=None, check=True):
    pre = ["ip", "netns", "exec", ns] if ns else []
    return subprocess.run(pre + list(cmd), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)


class Hosts:
    def __init__(self):
        self.procs = []
        if os.geteuid() != 0:
            raise Skip("network namespaces need root")
        sh("ip", "netns", "add", C)
        sh("ip", "netns", "add", S)
        try:
            self._setup()
        except Exception:
            self.stop()
            raise

    def _setup(self):
        sh("ip", "link", "add", TAG + "a", "type", "veth", "peer", "name", TAG + "b")
        sh("ip", "link", "set", TAG + "a", "netns", C)
        sh("ip", "link", "set", TAG + "b", "netns", S)
        for ns, dev, hosts in ((C, TAG + "a", [1]), (S, TAG + "b", [2, 3, 4, 5, 6, 53])):
            sh("ip", "link", "set", "lo", "up", ns=ns)
            for h in hosts:
                sh("ip", "addr", "add", "%s%d/24" % (NET4, h), "dev", dev, ns=ns)
                sh("ip", "-6", "addr", "add", "%s%d/64" % (NET6, h), "dev", dev,
                   "nodad", ns=ns)
            sh("ip", "link", "set", dev, "up", ns=ns)
        # Host 3 drops SYNs; host 4 answers "unreachable".
        rules = """table inet smtprc_test {
  chain input {
    type filter hook input priority 0;
    ip daddr %(n4)s3 tcp dport 25 drop
    ip6 daddr %(n6)s3 tcp dport 25 drop
    ip daddr %(n4)s4 tcp dport 25 reject with icmp type host-unreachable
    ip6 daddr %(n6)s4 tcp dport 25 reject with icmpv6 type addr-unreachable
  }
}
""" % {"n4": NET4, "n6": NET6}
        p = subprocess.run(["ip", "netns", "exec", S, "nft", "-f", "-"],
                           input=rules.encode(), stderr=subprocess.PIPE)
        assert p.returncode == 0, p.stderr
        here = os.path.dirname(os.path.abspath(__file__))
        # Host 5 accepts and says nothing; host 6 is smtp-sink.
        for addr in ("%s5" % NET4, "%s5" % NET6):
            self.procs.append(subprocess.Popen(
                ["ip", "netns", "exec", S, "/usr/bin/python3", "-c",
                 "import socket,time\n"
                 "s=socket.socket(socket.AF_INET6 if ':' in %r else socket.AF_INET)\n"
                 "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                 "s.bind((%r,25)); s.listen(8); c=[]\n"
                 "while True: c.append(s.accept())\n" % (addr, addr)]))
        self.sink_out = open(os.path.join(tmpdir(), "sink.out"), "w+")
        for addr in ("%s6" % NET4, "[%s6]" % NET6):
            self.procs.append(subprocess.Popen(
                ["ip", "netns", "exec", S, "smtp-sink", "-u", "nobody", "-c",
                 "%s:25" % addr, "10"], stdout=self.sink_out,
                stderr=subprocess.STDOUT))
        zone = "$ORIGIN multi.test.\n$TTL 60\n@ SOA ns hostmaster 1 3600 600 86400 60\n" \
               "@ NS ns\nns A %s53\n" % NET4
        for h, pref in ((2, 10), (3, 20), (4, 30), (5, 40), (6, 50)):
            zone += "@ MX %d h%d\nh%d A %s%d\nh%d AAAA %s%d\n" % (
                pref, h, h, NET4, h, h, NET6, h)
        zone += "dead MX 10 h3\n"
        # Nsd returns once it answers an SOA query inside the namespace.
        self.dns = Nsd({"multi.test": zone}, netns=S, address="%s53" % NET4)

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()
        if getattr(self, "dns", None):
            self.dns.stop()
        sh("ip", "netns", "del", C, check=False)
        sh("ip", "netns", "del", S, check=False)


def run_in_client(q, domain, lists, *opts):
    cmd = ["ip", "netns", "exec", C] + RUN + [PROG, "--queue=" + q] + \
        list(opts) + [domain] + lists
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr.decode(), time.monotonic() - t0


@test
def fallback_across_dead_hosts():
    if not CONFIG_IPV6:
        raise Skip("IPv6 not built in (the IPv4 path is the same code)")
    h = Hosts()
    try:
        q = qlib.make_queue(tmpdir())
        lst = qlib.add_message(q, "multi.test", "a@example.org", ["u@multi.test"],
                               "Subject: across hosts\n\nhello\n")
        rc, err, took = run_in_client(
            q, "multi.test", [lst], h.dns.resolver(), "/V", "--timeout-connect=20",
            "--timeout-greeting=2", "--timeout-dns=5")
        assert rc == 0, (rc, err)
        assert qlib.queue_files(q) == [], qlib.queue_files(q)
        h.sink_out.flush()
        h.sink_out.seek(0)
        assert "mesg=1" in h.sink_out.read()
        # Each dead address costs at most its first, short attempt (3 s for
        # a dropped SYN, 2 s of greeting wait), not the 20 s time-out:
        # 2 x (3 + 2) plus DNS and start-up.
        print("     fallback over 8 dead addresses took %.1f s" % took)
        assert took < 16, took
        if CONFIG_LOG:
            order = [l for l in err.splitlines() if "connect to" in l or
                     "refused the session" in l or "timed out" in l]
            text = "\n".join(order)
            assert "Connection refused" in text, err
            assert "unreachable" in text.lower(), err
            assert text.count("connect to h3.multi.test") == 2, err
            assert "connected to h6.multi.test[%s6]" % NET6 in err, err
            # IPv6 first, then IPv4, for each host (RFC 8305 §4).
            first = err.index("h2.multi.test[%s2]" % NET6)
            assert first < err.index("h2.multi.test[%s2]" % NET4), err
    finally:
        h.stop()
    out = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE).stdout.decode()
    assert TAG not in out, out


@test
def dropped_syn_only_defers_after_the_connect_timeout():
    h = Hosts()
    try:
        q = qlib.make_queue(tmpdir())
        lst = qlib.add_message(q, "dead.multi.test", "a@example.org",
                               ["u@dead.multi.test"], "Subject: dead\n\nx\n")
        rc, err, took = run_in_client(
            q, "dead.multi.test", [lst], h.dns.resolver(), "--timeout-connect=5",
            "--timeout-dns=5", "/IP6ADDR-")
        assert rc == EX_TEMPFAIL, (rc, err)
        d = qlib.read_list(lst)["rcpts"][0][1]
        assert d.startswith("4.4.1 ") and "timed out" in d, d
        # A first pass of 3 s, then the remaining 2 s: 5 s, not 3 + 5.
        print("     one SYN-dropping host, 5 s connect time-out: deferred after %.1f s" % took)
        assert 4.5 < took < 9, took
    finally:
        h.stop()
