"""make bench-peers: smtprc side by side with the peers a firmware builder
would otherwise ship, in one run, interleaved (every round runs every
system once), medians and ranges, ratios to smtprc. Figures, never a test.

Systems: smtprc (its daemons and relay client), a private Postfix
instance (relayhost to the sink; its queue held with a HOLD header check
and released with postsuper -H), msmtp (called per message, as appliances
use it: it has no queue to drain), and the floor: tools/floor.c, a
pipelined SMTP client doing nothing else; dma from its Debian package
(dpkg-deb -x), in a private mount namespace (its /etc/dma is compiled in;
the namespace's set-up, a few milliseconds, is in its figures);
nullmailer the same way (overlays on /usr, /etc and /var/spool), its
daemon nullmailer-send in the namespace and sendmail entering it.

Figures per system:
  drain     N queued messages (about 2 KB) to Postfix's smtp-sink on
            loopback: messages/s, and CPU seconds per 1000 messages (every
            process of the system, exited ones included: a cgroup v1
            cpuacct group per system)
  e2e       N calls of the system's sendmail, one after the other, until
            the sink has them all: seconds
  alert     one message from sendmail to the sink: milliseconds
  rss       resident memory of the idle daemons: KiB

Usage: bench_peers.py PROG FLOOR   (BENCH_MESSAGES, default 1000;
BENCH_ROUNDS, default 5; BENCH_SYSTEMS, names to run beside smtprc, as
floor,dma; BENCH_CPU, a processor number: every system, the sink and
this script on that one processor, as on a single-core router, and the
figures no longer depend on how fast a virtual machine wakes an idle
processor for the peer: on the 2-vCPU VM of 2026-12-07, smtprc's drain
ranged 7,574-14,295 msg/s unpinned and 15,439-17,590 pinned). Run as
root (cgroups, Postfix)."""
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "scenario"))
import harness  # noqa: E402
import qlib  # noqa: E402

prog = os.path.abspath(sys.argv[1])
floor = os.path.abspath(sys.argv[2])
N = int(os.environ.get("BENCH_MESSAGES", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
BODY = ("From: ups@nas1.example.net\nTo: admin@example.com\nSubject: bench\n"
        "Date: Sat, 28 Nov 2026 12:00:00 +0000\n\n" + ("x" * 75 + "\n") * 25)
CG = "/sys/fs/cgroup/cpuacct"
# Postfix's held messages: only those marked so (the e2e ones go at once).
HOLD = os.path.join(tempfile.mkdtemp(prefix="bench-hold-"), "hold.regexp")
with open(HOLD, "w") as f:
    f.write("/^Subject: bench hold/ HOLD\n")
os.chmod(os.path.dirname(HOLD), 0o755)


class Cpu:
    """A cpuacct cgroup: every process started through run() and all its
    descendants are counted, exited ones too."""

    def __init__(self, name):
        self.path = os.path.join(CG, "smtprc-bench-%s-%d" % (name, os.getpid()))
        os.makedirs(self.path, exist_ok=True)

    def seconds(self):
        with open(os.path.join(self.path, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9

    def wrap(self, argv):
        return ["sh", "-c", 'echo $$ > "$0/tasks" && exec "$@"', self.path] + argv

    def adopt(self, pid):
        with open(os.path.join(self.path, "tasks"), "w") as f:
            f.write("%d\n" % pid)

    def pids(self):
        with open(os.path.join(self.path, "tasks")) as f:
            return [int(x) for x in f.read().split()]

    def close(self):
        for pid in self.pids():
            with open(os.path.join(CG, "tasks"), "w") as f:
                f.write("%d\n" % pid)
        try:
            os.rmdir(self.path)
        except OSError:
            pass


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            for line in open("/proc/%d/status" % pid):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def sink_count(sink):
    """smtp-sink's message counter, from the end of its output only (the
    whole output grows with every message)."""
    f = sink.out
    f.seek(0, 2)
    size = f.tell()
    f.seek(max(0, size - 4096))
    m = re.findall(r"mesg=(\d+)", f.read().decode("latin-1"))
    return int(m[-1]) if m else 0


def wait_sink(sink, want, limit=600):
    end = time.monotonic() + limit
    while sink_count(sink) < want:
        if time.monotonic() > end:
            raise AssertionError("sink has %d of %d" % (sink_count(sink), want))
        time.sleep(0.002)
    return time.monotonic()


def msgfile(d):
    p = os.path.join(d, "message")
    with open(p, "w") as f:
        f.write(BODY)
    return p


def timed(s, n, work):
    """Runs work(); returns (seconds until the sink has n more messages,
    CPU seconds of s's processes meanwhile)."""
    base = sink_count(s.sink)
    c0, t0 = s.cpu.seconds(), time.monotonic()
    work()
    t1 = wait_sink(s.sink, base + n)
    return t1 - t0, s.cpu.seconds() - c0


class Peer:
    """A system: its folder (with the message), its cgroup; no daemon, no
    queue to drain unless it says so."""
    drain = None

    def __init__(self, sink):
        self.sink = sink
        self.d = tempfile.mkdtemp(prefix="bench-%s-" % self.name.lower(),
                                  dir="/dev/shm")
        self.msg = msgfile(self.d)
        self.cpu = Cpu(self.name.lower())

    def start(self):
        pass

    def stop(self):
        pass

    def rss(self):
        return 0

    def close(self):
        self.stop()
        self.cpu.close()
        shutil.rmtree(self.d, ignore_errors=True)


class Smtprc(Peer):
    name = "smtprc"

    def __init__(self, sink):
        Peer.__init__(self, sink)
        self.q = os.path.join(self.d, "queue")
        os.makedirs(self.q)
        self.bin = os.path.join(self.d, "bin")
        os.makedirs(self.bin)
        for n in ("smtprc", "smtprcd", "smtppd", "sendmail", "mailq"):
            os.symlink(prog, os.path.join(self.bin, n))
        self.conf = os.path.join(self.d, "smtprc.conf")
        with open(self.conf, "w") as f:
            f.write("queue %s\nsemaphore-dir %s/sem\nhelo-name nas1.example.net\n"
                    "origin nas1.example.net\nroute * [127.0.0.1]:%d\n"
                    % (self.q, self.d, sink.port))
        self.run = os.path.join(self.d, "run")
        with open(self.run, "w") as f:
            f.write("program %s/smtprc\nargument smtprc\n" % self.bin)
        self.env = dict(os.environ, SMTPRC_CONF=self.conf)
        self.daemons = []
        qlib.make_queue(self.q)

    def start(self):
        for argv in (["smtppd"], ["smtprcd", self.run]):
            self.daemons.append(subprocess.Popen(
                self.cpu.wrap([os.path.join(self.bin, argv[0])] + argv[1:]),
                env=self.env, stderr=subprocess.DEVNULL))
        fifo = os.path.join(self.d, "sem", "IU", "SMTP", "RD")
        end = time.time() + 10
        while not os.path.exists(fifo) and time.time() < end:
            time.sleep(0.01)
        time.sleep(0.2)

    def stop(self):
        for p in self.daemons:
            harness.stop_process(p)
        self.daemons = []

    def rss(self):
        return rss_kib(p.pid for p in self.daemons)

    def drain(self):
        for i in range(N):
            qlib.add_message(self.q, "example.com", "ups@nas1.example.net",
                             ["admin@example.com"], BODY)
        return timed(self, N, lambda: subprocess.run(
            self.cpu.wrap([os.path.join(self.bin, "smtprcd"), "--once", self.run]),
            env=self.env, stderr=subprocess.DEVNULL))

    def sendmail_argv(self):
        return [os.path.join(self.bin, "sendmail"), "-f", "ups@nas1.example.net",
                "admin@example.com"]



class Postfix:
    name = "Postfix"

    def __init__(self, sink):
        self.sink = sink
        self.pf = harness.PrivatePostfix(domains=("local.invalid",), main_cf="""
default_transport = smtp
relay_transport = smtp
relayhost = [127.0.0.1]:%d
smtp_tls_security_level = none
header_checks = regexp:%s
""" % (sink.port, HOLD))
        self.msg = msgfile(self.pf.dir)
        self.cpu = Cpu("postfix")
        self.adopt()

    def adopt(self):
        """Master and its children into the cgroup (new ones follow)."""
        with open(os.path.join(self.pf.dir, "queue", "pid", "master.pid")) as f:
            master = int(f.read().split()[0])
        self.cpu.adopt(master)
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    ppid = int(open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if ppid == master:
                    self.cpu.adopt(int(pid))

    def postfix(self, *args):
        subprocess.run(["postfix", "-c", self.pf.conf] + list(args),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        pass

    def stop(self):
        pass

    def rss(self):
        return rss_kib(self.cpu.pids())

    def count(self, sub):
        n = 0
        for _, _, files in os.walk(os.path.join(self.pf.dir, "queue", sub)):
            n += len(files)
        return n

    def drain(self):
        held = BODY.replace("Subject: bench", "Subject: bench hold")
        sh = ('for i in $(seq %d); do sendmail -C %s -f ups@nas1.example.net '
              'admin@example.com < %s || exit 1; done' % (N, self.pf.conf, self.msg + ".h"))
        with open(self.msg + ".h", "w") as f:
            f.write(held)
        subprocess.run(["sh", "-c", sh], check=True, stderr=subprocess.DEVNULL)
        end = time.time() + 300
        while self.count("hold") < N and time.time() < end:
            time.sleep(0.05)
        def release():
            for argv in (["postsuper", "-H", "ALL"], ["postqueue", "-f"]):
                subprocess.run(self.cpu.wrap([argv[0], "-c", self.pf.conf] + argv[1:]),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return timed(self, N, release)

    def sendmail_argv(self):
        return ["sendmail", "-C", self.pf.conf, "-f", "ups@nas1.example.net",
                "admin@example.com"]

    def close(self):
        self.cpu.close()
        self.pf.stop()


class Msmtp(Peer):
    """Called per message; no daemon, no queue."""
    name = "msmtp"

    def sendmail_argv(self):
        return ["msmtp", "--host=127.0.0.1", "--port=%d" % self.sink.port,
                "--tls=off", "--auth=off", "--from=ups@nas1.example.net",
                "admin@example.com"]


class Dma(Peer):
    """dma (DragonFly Mail Agent) from its Debian package, unpacked with
    dpkg-deb -x; its configuration path (/etc/dma) is compiled in, so it
    runs in a private mount namespace with an overlay on /etc. No daemon:
    each sendmail call forks a delivery; DEFER queues only, dma -q flushes."""
    name = "dma"

    def __init__(self, sink):
        Peer.__init__(self, sink)
        deb = os.path.join(self.d, "deb")
        os.makedirs(deb)
        subprocess.run(["apt-get", "download", "-q", "dma"], cwd=deb, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        debfile = [f for f in os.listdir(deb) if f.endswith(".deb")][0]
        self.root = os.path.join(self.d, "root")
        subprocess.run(["dpkg-deb", "-x", os.path.join(deb, debfile), self.root],
                       check=True)
        self.dma = os.path.join(self.root, "usr", "sbin", "dma")
        for sub in ("etc-up", "etc-work", "spool"):
            os.makedirs(os.path.join(self.d, sub))
        # dma works as the mail group: its spool as Debian lays it out.
        os.chmod(self.d, 0o755)
        shutil.chown(os.path.join(self.d, "spool"), "root", "mail")
        os.chmod(os.path.join(self.d, "spool"), 0o2775)

    def script(self, body, defer=False):
        return ("set -e\nmount -t overlay overlay -o lowerdir=/etc,upperdir=%(d)s/etc-up,"
                "workdir=%(d)s/etc-work /etc\nmkdir -p /etc/dma\n"
                "printf 'SMARTHOST 127.0.0.1\\nPORT %(p)d\\nSPOOLDIR %(d)s/spool\\n"
                "MAILNAME nas1.example.net\\n%(defer)s' > /etc/dma/dma.conf\n"
                ": > /etc/dma/auth.conf\n%(body)s\n"
                % {"d": self.d, "p": self.sink.port, "body": body,
                   "defer": "DEFER\\n" if defer else ""})

    def ns(self, body, defer=False):
        subprocess.run(self.cpu.wrap(["unshare", "--mount", "--propagation", "private",
                                      "sh", "-c", self.script(body, defer)]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def loop(self, n, defer=False):
        self.ns("for i in $(seq %d); do %s -f ups@nas1.example.net admin@example.com "
                "< %s; done" % (n, self.dma, self.msg), defer)

    def drain(self):
        self.loop(N, defer=True)
        return timed(self, N, lambda: self.ns("%s -q" % self.dma))


class Nullmailer(Peer):
    """nullmailer from its Debian package (dpkg-deb -x; it conflicts with
    postfix), in a private mount namespace: overlays put its programs on
    /usr (its paths are compiled in: sendmail runs /usr/bin/nullmailer-inject,
    that /usr/sbin/nullmailer-queue, nullmailer-send /usr/lib/nullmailer/smtp)
    and its configuration and spool on /etc and /var/spool. Its daemon,
    nullmailer-send, runs one protocol program, one connection, per message;
    sendmail calls enter the daemon's namespace (nsenter)."""
    name = "nullmailer"

    def __init__(self, sink):
        Peer.__init__(self, sink)
        deb = os.path.join(self.d, "deb")
        os.makedirs(deb)
        subprocess.run(["apt-get", "download", "-q", "nullmailer"], cwd=deb,
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        debfile = [f for f in os.listdir(deb) if f.endswith(".deb")][0]
        self.root = os.path.join(self.d, "root")
        subprocess.run(["dpkg-deb", "-x", os.path.join(deb, debfile), self.root],
                       check=True)
        for sub in ("etc-up/nullmailer", "etc-work", "usr-work", "usr-up",
                    "spool-up/nullmailer/queue", "spool-up/nullmailer/tmp",
                    "spool-up/nullmailer/failed", "spool-work"):
            os.makedirs(os.path.join(self.d, sub))
        os.mkfifo(os.path.join(self.d, "spool-up/nullmailer/trigger"))
        # nullmailer-queue is set-user-ID mail: its spool is mail's.
        for sub in ("", "queue", "tmp", "failed", "trigger"):
            shutil.chown(os.path.join(self.d, "spool-up/nullmailer", sub),
                         "mail", "mail")
        etc = os.path.join(self.d, "etc-up")
        for name, text in (("nullmailer/remotes", "127.0.0.1 smtp --port=%d\n"
                            % sink.port), ("nullmailer/defaultdomain",
                                           "nas1.example.net\n"),
                           ("nullmailer/adminaddr", ""),
                           ("mailname", "nas1.example.net\n")):
            with open(os.path.join(etc, name), "w") as f:
                f.write(text)
        self.daemon = None

    def setup(self):
        return ("set -e\nmount -t overlay overlay -o lowerdir=%(r)s/usr:/usr,"
                "upperdir=%(d)s/usr-up,workdir=%(d)s/usr-work /usr\n"
                "mount -t overlay overlay -o lowerdir=/etc,upperdir=%(d)s/etc-up,"
                "workdir=%(d)s/etc-work /etc\n"
                "mount -t overlay overlay -o lowerdir=/var/spool,upperdir="
                "%(d)s/spool-up,workdir=%(d)s/spool-work /var/spool\n"
                % {"d": self.d, "r": self.root})

    def start(self):
        if self.daemon:
            return
        self.daemon = subprocess.Popen(self.cpu.wrap(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c",
             self.setup() + "exec /usr/sbin/nullmailer-send"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Ready once its namespace has the overlays and it runs.
        end = time.time() + 10
        while time.time() < end:
            try:
                if os.readlink("/proc/%d/exe" % self.daemon.pid).endswith(
                        "nullmailer-send"):
                    break
            except OSError:
                pass
            time.sleep(0.01)

    def stop(self):
        if self.daemon:
            harness.stop_process(self.daemon)
            self.daemon = None

    def rss(self):
        return rss_kib([self.daemon.pid]) if self.daemon else 0

    def loop(self, n):
        script = ("for i in $(seq %d); do /usr/sbin/sendmail -f "
                  "ups@nas1.example.net admin@example.com < %s; done"
                  % (n, self.msg))
        if self.daemon:
            argv = ["nsenter", "-t", str(self.daemon.pid), "-m", "sh", "-c",
                    script]
        else:
            argv = ["unshare", "--mount", "--propagation", "private", "sh",
                    "-c", self.setup() + script]
        subprocess.run(self.cpu.wrap(argv), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def drain(self):
        self.loop(N)
        return timed(self, N, self.start)


class Floor(Peer):
    """The floor: the next message's commands behind each dot."""
    name = "floor"
    mode = []

    def drain(self):
        return timed(self, N, lambda: subprocess.run(
            self.cpu.wrap([floor, "127.0.0.1", str(self.sink.port), str(N),
                           self.msg] + self.mode), check=True))


class FloorWait(Floor):
    """The floor reading each dot's reply before the next MAIL (pipelining
    within a transaction only, as most clients do)."""
    name = "floor-wait"
    mode = ["wait"]


def e2e(s):
    if hasattr(s, "loop"):
        return timed(s, N, lambda: s.loop(N))
    argv = " ".join("'%s'" % a for a in s.sendmail_argv())
    return timed(s, N, lambda: subprocess.run(
        s.cpu.wrap(["sh", "-c", 'for i in $(seq %d); do %s < %s || exit 1; done'
                    % (N, argv, s.msg)]), check=True, env=getattr(s, "env", None),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))


def alert(s):
    time.sleep(0.5)      # an idle system, as an alert finds it
    base = sink_count(s.sink)
    t0 = time.monotonic()
    if hasattr(s, "loop"):
        s.loop(1)
        return (wait_sink(s.sink, base + 1, 60) - t0) * 1000
    subprocess.run(s.sendmail_argv(), stdin=open(s.msg), check=True,
                   env=getattr(s, "env", None), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return (wait_sink(s.sink, base + 1, 60) - t0) * 1000


def fmt(vals, unit, digits=0):
    if not vals:
        return "-"
    med = statistics.median(vals)
    return "%.*f %s (%.*f-%.*f)" % (digits, med, unit, digits, min(vals), digits, max(vals))


def main():
    # Stopped (SIGTERM, Ctrl-C): the systems are still closed (their
    # daemons, Postfix instance and cgroups), through the finally below.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    pin = os.environ.get("BENCH_CPU")
    if pin:   # inherited by every process started from here on
        os.sched_setaffinity(0, {int(pin)})
    if not shutil.which("msmtp"):
        subprocess.run(["apt-get", "install", "-y", "-q", "msmtp"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res = {}
    with harness.SmtpSink(backlog=200) as sink:
        kinds = [Smtprc, Postfix, Msmtp, Dma, Nullmailer, Floor, FloorWait]
        only = os.environ.get("BENCH_SYSTEMS")
        systems = [k(sink) for k in kinds
                   if k is Smtprc or not only or k.name in only.split(",")]
        try:
            for r in range(ROUNDS):
                for s in systems:
                    out = res.setdefault(s.name, {"drain": [], "cpu": [], "e2e": [],
                                                  "e2ecpu": [], "alert": [], "rss": []})
                    if getattr(s, "drain", None):
                        if hasattr(s, "stop"):
                            s.stop()
                        wall, cpu = s.drain()
                        out["drain"].append(N / wall)
                        out["cpu"].append(cpu * 1000 / N)
                    if hasattr(s, "sendmail_argv") or hasattr(s, "loop"):
                        s.start()
                        out["rss"].append(s.rss())
                        wall, cpu = e2e(s)
                        out["e2e"].append(wall)
                        out["e2ecpu"].append(cpu)
                        out["alert"].append(statistics.median(alert(s) for _ in range(5)))
                    print("  round %d: %s done" % (r + 1, s.name), file=sys.stderr)
        finally:
            for s in systems:
                s.close()
    if pin:
        print("every process on processor %s (BENCH_CPU)" % pin)
    print("smtprc and its peers, %d rounds interleaved, %d messages of %d bytes, "
          "Postfix's smtp-sink on 127.0.0.1; median (range)" % (ROUNDS, N, len(BODY)))
    print("%-10s | %-26s %-22s | %-22s %-16s | %-18s | %s" % (
        "system", "drain", "CPU s/1000", "e2e (N sendmail)", "e2e CPU s",
        "one alert", "idle daemons"))
    for name, o in res.items():
        print("%-10s | %-26s %-22s | %-22s %-16s | %-18s | %s" % (
            name, fmt(o["drain"], "msg/s"), fmt(o["cpu"], "s", 3),
            fmt(o["e2e"], "s", 2), fmt(o["e2ecpu"], "s", 2),
            fmt(o["alert"], "ms", 1), fmt(o["rss"], "KiB") if any(o["rss"]) else "-"))
    ref = res["smtprc"]
    print("\nratios (smtprc's figure against the other's; > 1: smtprc better):")
    for name, o in res.items():
        if name == "smtprc":
            continue
        parts = []
        if o["drain"]:
            parts.append("drain %.2fx" % (statistics.median(ref["drain"]) /
                                          statistics.median(o["drain"])))
            parts.append("drain CPU %.2fx" % (statistics.median(o["cpu"]) /
                                              statistics.median(ref["cpu"])))
        if o["e2e"]:
            parts.append("e2e %.2fx" % (statistics.median(o["e2e"]) /
                                        statistics.median(ref["e2e"])))
            parts.append("alert %.2fx" % (statistics.median(o["alert"]) /
                                          statistics.median(ref["alert"])))
        if any(o["rss"]):
            parts.append("memory %.1fx" % (statistics.median(o["rss"]) /
                                           statistics.median(ref["rss"])))
        print("  %-10s %s" % (name, ", ".join(parts)))
    for f, what in (("floor", "the floor client's rate"),
                    ("floor-wait", "the rate of the floor client that waits "
                     "for each dot's reply")):
        if res.get(f, {}).get("drain"):
            print("  smtprc drains at %.0f%% of %s"
                  % (100 * statistics.median(ref["drain"]) /
                     statistics.median(res[f]["drain"]), what))


main()
