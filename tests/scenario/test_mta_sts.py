"""MTA-STS (RFC 8461) end to end, in a network namespace the test creates
so that the policy host can listen on port 443 as the RFC fixes it: nsd
serves the domain's MX, A and _mta-sts TXT records; the policy is served
over HTTPS with the test's CA; mx.sts.test answers with STARTTLS and a
certificate for its name (aiosmtpd), evil.sts.test (the better MX
preference, which the policy does not allow) in plaintext. The namespace
and every server are removed when the test ends."""
import os
import subprocess
import time

import qlib
from dnsd import Nsd
from harness import PROG, RUN, Skip, stop_process, test, tmpdir
from sysexits import EX_TEMPFAIL
from tlscerts import Certs

TLS = os.environ.get("CONFIG_TLS", "1") == "1"
NS = "smtprcsts%d" % os.getpid()
HERE = os.path.dirname(os.path.abspath(__file__))


def zone(txt):
    return """$ORIGIN sts.test.
$TTL 60
@ IN SOA ns.sts.test. hostmaster.sts.test. 1 3600 600 86400 60
@ IN NS ns.sts.test.
ns IN A 127.0.0.1
@ IN MX 10 evil.sts.test.
@ IN MX 20 mx.sts.test.
evil IN A 127.0.0.3
mx IN A 127.0.0.2
mta-sts IN A 127.0.0.4
%s""" % ('_mta-sts IN TXT "%s"\n' % txt if txt else "")


class Box:
    def __init__(self):
        if os.geteuid() != 0:
            raise Skip("network namespaces need root")
        if RUN:
            raise Skip("the namespace runs the host binary")
        self.procs = []
        self.nsd = None
        subprocess.run(["ip", "netns", "add", NS], check=True)
        try:
            subprocess.run(["ip", "netns", "exec", NS, "ip", "link", "set", "lo",
                            "up"], check=True)
            d = self.d = tmpdir()
            self.certs = Certs(d)
            self.mx = self.certs.leaf("mx", "mx.sts.test")
            self.web = self.certs.leaf("web", "mta-sts.sts.test")
            self.expired = self.certs.leaf("old", "mta-sts.sts.test", expired=True)
            self.root = os.path.join(d, "www")
            os.makedirs(os.path.join(self.root, ".well-known"))
            self.good, self.evil = os.path.join(d, "good"), os.path.join(d, "evil")
            os.mkdir(self.good)
            os.mkdir(self.evil)
            self.spawn("smtp", self.mx[0], self.mx[1], "127.0.0.2", self.good)
            self.spawn("smtp", "-", "-", "127.0.0.3", self.evil)
            self.web_p = None
            self.dns("v=STSv1; id=1;")
            self.q = qlib.make_queue(tmpdir())
        except Exception:
            self.stop()
            raise

    def spawn(self, *args):
        p = subprocess.Popen(["ip", "netns", "exec", NS, "/usr/bin/python3",
                              os.path.join(HERE, "stspeers.py")] + list(args),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(p)
        self.wait_port(args[3], 25 if args[0] == "smtp" else 443)
        return p

    def wait_port(self, addr, port):
        probe = "import socket; socket.create_connection((%r, %d), 0.5)" % (addr, port)
        for _ in range(100):
            if subprocess.run(["ip", "netns", "exec", NS, "/usr/bin/python3", "-c",
                               probe], stderr=subprocess.DEVNULL).returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("nothing listens at %s:%d" % (addr, port))

    def dns(self, txt):
        if self.nsd:
            self.nsd.stop()
        self.nsd = Nsd({"sts.test": zone(txt)}, netns=NS, address="127.0.0.1")

    def policy(self, text, cert=None):
        with open(os.path.join(self.root, ".well-known", "mta-sts.txt"), "w") as f:
            f.write(text)
        if self.web_p:
            stop_process(self.web_p)
            self.procs.remove(self.web_p)
            self.web_p = None
        if cert is not False:
            c = cert or self.web
            self.web_p = self.spawn("https", c[0], c[1], "127.0.0.4", self.root)

    def send(self, n, *extra):
        lst = qlib.add_message(self.q, "sts.test", "nas@nas.example",
                               ["u%d@sts.test" % n], "Subject: sts %d\n\nhi\n" % n)
        p = subprocess.run(["ip", "netns", "exec", NS, PROG, "--queue=" + self.q,
                            "--resolver=127.0.0.1", "--allow-local-mx",
                            "--tls-ca-file=" + self.certs.ca_file, "/V"] +
                           list(extra) + ["sts.test", lst],
                           stderr=subprocess.PIPE, timeout=120)
        return p.returncode, p.stderr.decode("utf-8", "replace"), lst

    def got(self):
        return (sorted(os.listdir(self.good)), sorted(os.listdir(self.evil)))

    def stop(self):
        for p in self.procs:
            stop_process(p)
        if self.nsd:
            self.nsd.stop()
        subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)


def policy(mode, mx="mx.sts.test", max_age=86400):
    return "version: STSv1\r\nmode: %s\r\nmx: %s\r\nmax_age: %d\r\n" % (mode, mx, max_age)


@test
def mta_sts_enforce_testing_none_cache_and_failures():
    if not TLS:
        raise Skip("TLS is not built in (CONFIG_TLS=0): no MTA-STS")
    b = Box()
    try:
        # enforce: the better MX is not allowed; the allowed one verified.
        b.policy(policy("enforce"))
        rc, err, lst = b.send(1)
        assert rc == 0 and not os.path.exists(lst), err
        good, evil = b.got()
        assert len(good) == 1 and not evil, (good, evil, err)
        assert open(os.path.join(b.good, good[0]), "rb").read().startswith(b"TLS 1"), err
        assert "evil.sts.test is not an MX the policy allows: skipped" in err, err
        assert "certificate verified" in err, err
        assert os.path.exists(os.path.join(b.q, "sts", "sts.test"))
        # Under dane, without usable TLSA records (nsd does not validate:
        # no AD), MTA-STS decides server by server: the same result.
        rc, err, lst = b.send(11, "--tls=dane")
        assert rc == 0 and len(b.got()[0]) == 2 and not b.got()[1], (b.got(), err)
        assert "evil.sts.test: not an MX the MTA-STS policy allows" in err, err
        assert "mx.sts.test[127.0.0.2]:25 (TLSv1.2" in err and \
            "certificate verified)" in err, err
        # The policy host down, the same id: the cached policy holds.
        b.policy(policy("none"), cert=False)
        rc, err, lst = b.send(2)
        assert rc == 0 and b.got()[1] == [], err
        assert "MTA-STS policy 1 from the cache" in err, err
        # The TXT record stripped (as an attacker would): still the cache.
        b.dns(None)
        rc, err, lst = b.send(3)
        assert rc == 0 and b.got()[1] == [] and len(b.got()[0]) == 4, err
        # A new id: fetched again; "none" now: the better MX, plaintext.
        b.dns("v=STSv1; id=2;")
        b.policy(policy("none"))
        rc, err, lst = b.send(4)
        assert rc == 0 and len(b.got()[1]) == 1, err
        # testing: the policy's MX is not the one used; logged only.
        b.dns("v=STSv1; id=3;")
        b.policy(policy("testing"))
        rc, err, lst = b.send(5)
        assert rc == 0 and len(b.got()[1]) == 2, err
        assert "MTA-STS testing: server evil.sts.test is not an MX" in err, err
        # enforce allowing no MX of the domain: deferred 4.7.5, nothing sent.
        b.dns("v=STSv1; id=4;")
        b.policy(policy("enforce", mx="*.elsewhere.test"))
        before = b.got()
        rc, err, lst = b.send(6)
        assert rc == EX_TEMPFAIL and os.path.exists(lst), err
        text = open(lst).read()
        assert "4.7.5" in text and "allows none of its MX hosts" in text, text
        assert b.got() == before
        # A new id served with an expired certificate and no valid cache
        # (max_age 0): not fetched, so no policy: delivered as before.
        b.dns("v=STSv1; id=5;")
        b.policy(policy("enforce", max_age=0))
        rc, err, lst = b.send(7)        # caches id 5 with max_age 0
        b.dns("v=STSv1; id=6;")
        b.policy(policy("enforce"), cert=b.expired)
        rc, err, lst = b.send(8)
        assert rc == 0 and "MTA-STS policy not fetched" in err, err
        assert len(b.got()[1]) == 3, (b.got(), err)
        # A policy host that accepts and never answers: the fetch gives up
        # after STS_FETCH_TIMEOUT, the cached enforce policy (id 8 is new,
        # so a fetch is tried) holds: the allowed MX, verified.
        b.dns("v=STSv1; id=7;")
        b.policy(policy("enforce"))
        good = len(b.got()[0])
        rc, err, lst = b.send(9)          # caches id 7, enforce
        assert rc == 0 and len(b.got()[0]) == good + 1, (b.got(), err)
        b.dns("v=STSv1; id=8;")
        b.policy(policy("none"), cert=False)
        silent = b.spawn("silent", "-", "-", "127.0.0.4", "-")
        t0 = time.time()
        rc, err, lst = b.send(10)
        took = time.time() - t0
        assert rc == 0 and len(b.got()[0]) == good + 2, (b.got(), err)
        assert "MTA-STS policy not fetched" in err and "timed out" in err, err
        assert "MTA-STS policy 7 from the cache" in err, err
        assert 25 < took < 60, took
        # A cache whose first line is damaged (an id over 32 bytes, a
        # time with a letter) is not used: the policy is fetched again
        # and the cache rewritten.
        stop_process(silent)
        b.procs.remove(silent)
        b.policy(policy("enforce"))
        cache = os.path.join(b.q, "sts", "sts.test")
        for n, head in ((12, "smtprc-sts 1 %s 1700000000" % ("9" * 33)),
                        (13, "smtprc-sts 1 9 17000x0000")):
            with open(cache) as f:
                rest = f.read().split("\n", 1)[1]
            with open(cache, "w") as f:
                f.write(head + "\n" + rest)
            b.dns("v=STSv1; id=%d;" % n)
            good = len(b.got()[0])
            rc, err, lst = b.send(n)
            assert "MTA-STS cache sts/sts.test unreadable: fetched again" in err, err
            assert rc == 0 and len(b.got()[0]) == good + 1, (b.got(), err)
            assert open(cache).read().startswith("smtprc-sts 1 %d " % n), err
    finally:
        b.stop()
