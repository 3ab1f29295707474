"""DNS servers for the tests: a real nsd serving zone files on loopback,
and a small dnslib server for the answers no real server gives on demand
(SERVFAIL for one name, truncation with and without a TCP answer,
silence, garbage). Both listen on 127.0.0.1 only and are stopped by the
test that started them."""
import os
import shutil
import socket
import struct
import subprocess
import threading
import time

from dnslib import DNSRecord, QTYPE, RCODE, RR

from harness import free_port, stop_process, tmpdir


def query(port, name, qtype="A", host="127.0.0.1", timeout=1.0):
    q = DNSRecord.question(name, qtype)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(q.pack(), (host, port))
        return DNSRecord.parse(s.recv(4096))


class Nsd:
    """nsd serving zones (name -> zone text) on 127.0.0.1 and ::1 at a free
    port; a zone given as None is declared without a file, so nsd answers
    SERVFAIL for it."""

    def __init__(self, zones, netns=None, address=None):
        """netns: run inside that network namespace, on address:53."""
        self.dir = tmpdir()
        self.netns = netns
        self.host = address or "127.0.0.1"
        self.port = 53 if netns else free_port()
        d = self.dir
        addrs = [self.host] if netns else ["127.0.0.1", "::1"]
        conf = ["server:"] + ["    ip-address: %s@%d" % (a, self.port) for a in addrs] + [
                "    port: %d" % self.port,
                '    username: ""',
                '    database: ""',
                '    chroot: ""',
                "    zonesdir: %s" % d,
                "    pidfile: %s/nsd.pid" % d,
                "    xfrdfile: %s/xfrd.state" % d,
                "    zonelistfile: %s/zone.list" % d,
                "    logfile: %s/nsd.log" % d,
                "    server-count: 1",
                "    verbosity: 1",
                "remote-control:",
                "    control-enable: no"]
        for name, text in zones.items():
            conf += ["zone:", "    name: %s" % name,
                     "    zonefile: %s.zone" % name]
            if text is not None:
                with open(os.path.join(d, name + ".zone"), "w") as f:
                    f.write(text)
        with open(os.path.join(d, "nsd.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        pre = ["ip", "netns", "exec", netns] if netns else []
        self.p = subprocess.Popen(pre + ["nsd", "-d", "-c", os.path.join(d, "nsd.conf")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.time() + 15
        first = next(iter(zones))
        while True:
            try:
                if netns:
                    time.sleep(0.2)
                    if subprocess.run(pre + [
                            "/usr/bin/python3", "-c",
                            "import sys; sys.path.insert(0, %r); import dnsd; "
                            "dnsd.query(%d, %r, 'SOA', host=%r, timeout=0.3)"
                            % (os.path.dirname(os.path.abspath(__file__)),
                               self.port, first, self.host)],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode:
                        raise OSError("not yet")
                else:
                    query(self.port, first, "SOA", timeout=0.3)
                break
            except OSError:
                if time.time() > end or self.p.poll() is not None:
                    log = open(os.path.join(d, "nsd.log")).read() if \
                        os.path.exists(os.path.join(d, "nsd.log")) else ""
                    self.stop()
                    raise AssertionError("nsd did not start: " + log[-800:])
                time.sleep(0.1)

    def resolver(self):
        return "--resolver=%s:%d" % (self.host, self.port)

    def stop(self):
        stop_process(self.p)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


class FaultDns:
    """A scriptable authoritative server on 127.0.0.1 (UDP and TCP).
    rules: name -> action, where action is one of
      ("answer", [zone-file lines])   the records, over UDP and TCP
      ("truncate", [lines])           UDP: TC bit, no records; TCP: the records
      ("truncate-notcp", [lines])     UDP: TC; TCP: connection closed
      ("servfail",) ("refused",) ("nxdomain",) ("silence",) ("garbage",)
    Names not in rules get NXDOMAIN. Counts queries per (name, type, proto)."""

    def __init__(self, rules):
        self.rules = {k.rstrip(".").lower(): v for k, v in rules.items()}
        self.port = free_port()
        self.count = {}
        self.lock = threading.Lock()
        self.stopping = False
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", self.port))
        self.tcp.listen(16)
        self.threads = [threading.Thread(target=self._serve_udp, daemon=True),
                        threading.Thread(target=self._serve_tcp, daemon=True)]
        for t in self.threads:
            t.start()

    def resolver(self):
        return "--resolver=127.0.0.1:%d" % self.port

    def _reply(self, data, proto):
        q = DNSRecord.parse(data)
        name = str(q.q.qname).rstrip(".").lower()
        qt = QTYPE[q.q.qtype]
        with self.lock:
            key = (name, qt, proto)
            self.count[key] = self.count.get(key, 0) + 1
        act = self.rules.get(name, ("nxdomain",))
        r = q.reply()
        kind = act[0]
        if kind == "silence":
            return None
        if kind == "garbage":
            return data[:2] + b"\x81\x80\x00\x01\x00\x05\x00\x00\x00\x00garbage"
        if kind == "servfail":
            r.header.rcode = RCODE.SERVFAIL
        elif kind == "refused":
            r.header.rcode = RCODE.REFUSED
        elif kind == "nxdomain":
            r.header.rcode = RCODE.NXDOMAIN
        elif kind in ("answer", "truncate", "truncate-notcp"):
            if kind != "answer" and proto == "udp":
                r.header.tc = 1
            elif kind == "truncate-notcp" and proto == "tcp":
                return None
            else:
                for line in act[1]:
                    for rr in RR.fromZone(line):
                        if QTYPE[rr.rtype] == qt or QTYPE[rr.rtype] == "CNAME":
                            r.add_answer(rr)
        return r.pack()

    def _serve_udp(self):
        while not self.stopping:
            try:
                data, addr = self.udp.recvfrom(4096)
            except OSError:
                return
            try:
                out = self._reply(data, "udp")
            except Exception:
                continue
            if out is not None:
                self.udp.sendto(out, addr)

    def _serve_tcp(self):
        while not self.stopping:
            try:
                c, _ = self.tcp.accept()
            except OSError:
                return
            try:
                c.settimeout(5)
                n = struct.unpack("!H", c.recv(2))[0]
                data = b""
                while len(data) < n:
                    data += c.recv(n - len(data))
                out = self._reply(data, "tcp")
                if out is not None:
                    c.sendall(struct.pack("!H", len(out)) + out)
            except (OSError, struct.error):
                pass
            finally:
                c.close()

    def queries(self, name, qtype, proto="udp"):
        return self.count.get((name.rstrip(".").lower(), qtype, proto), 0)

    def stop(self):
        self.stopping = True
        for s in (self.udp, self.tcp):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in self.threads:
            t.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()
