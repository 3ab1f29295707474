"""mts: the whole mail system of one test: a queue, a configuration, the
programs under their own names (sendmail, smtppd, smtprcd, mailq), a run
file that records every relay-client run, and the two daemons, started and
stopped by the test."""
import os
import signal
import subprocess
import time

from harness import PROG, RUN, stop_process, tmpdir


class Mts:
    def __init__(self, conf_lines=(), concurrency=4, verbose=False):
        self.dir = tmpdir()
        d = self.dir
        self.queue = os.path.join(d, "queue")
        self.sem = os.path.join(d, "sem")
        self.bin = os.path.join(d, "bin")
        self.runlog = os.path.join(d, "runs.log")
        self.errlog = os.path.join(d, "daemons.log")
        os.makedirs(self.queue)
        os.makedirs(self.bin)
        prog = os.path.abspath(PROG)
        for name in ("smtprc", "sendmail", "smtppd", "smtprcd", "mailq"):
            os.symlink(prog, os.path.join(self.bin, name))
        self.conf = os.path.join(d, "smtprc.conf")
        with open(self.conf, "w") as f:
            f.write("# written by the test\nqueue %s\nsemaphore-dir %s\n"
                    "helo-name nas1.smtprc-test.invalid\n"
                    "origin nas1.smtprc-test.invalid\n"
                    "concurrency %d\n" % (self.queue, self.sem, concurrency))
            for line in conf_lines:
                f.write(line + "\n")
            if any(l.startswith("resolver ") for l in conf_lines):
                # The test's DNS names servers on loopback (harness.local_dns).
                f.write("allow-local-mx yes\n")
        # The run file: a script that records each run's start and end
        # (domain, pid, time, status), so the test can see overlaps.
        self.run = os.path.join(d, "run")
        with open(self.run, "w") as f:
            f.write("#!/bin/sh\n"
                    "d=$1\n"
                    "echo \"start $d $$ $(date +%%s.%%N)\" >> %(log)s\n"
                    "%(run)s %(smtprc)s %(v)s \"$@\"\n"
                    "rc=$?\n"
                    "echo \"end $d $$ $(date +%%s.%%N) $rc\" >> %(log)s\n"
                    "exit $rc\n" % {
                        "log": self.runlog,
                        "run": " ".join(RUN),
                        "smtprc": os.path.join(self.bin, "smtprc"),
                        "v": "/V" if verbose else ""})
        os.chmod(self.run, 0o755)
        self.env = dict(os.environ, SMTPRC_CONF=self.conf)
        self.pd = self.rd = None
        self.err = open(self.errlog, "ab")

    def cmd(self, name, *args):
        return RUN + [os.path.join(self.bin, name)] + list(args)

    def sendmail(self, message, *args, timeout=60):
        """Returns (status, stderr)."""
        p = subprocess.run(self.cmd("sendmail", *args), input=message,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=self.env, timeout=timeout)
        return p.returncode, p.stderr.decode("utf-8", "replace")

    def mailq(self):
        p = subprocess.run(self.cmd("mailq"), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=self.env, timeout=60)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    def start_pd(self, *args):
        self.pd = subprocess.Popen(self.cmd("smtppd", "/TIMEOUT:5", *args),
                                   stdout=self.err, stderr=self.err,
                                   env=self.env)
        return self.pd

    def start_rd(self, *args):
        self.rd = subprocess.Popen(self.cmd("smtprcd", "/TIMEOUT:5", *args,
                                            self.run),
                                   stdout=self.err, stderr=self.err,
                                   env=self.env)
        return self.rd

    def fifo_ready(self, name, timeout=10):
        path = os.path.join(self.sem, "IU", "SMTP", name)
        end = time.time() + timeout
        while not os.path.exists(path):
            if time.time() > end:
                raise AssertionError("no FIFO %s: %s" % (path, self.log()[-2000:]))
            time.sleep(0.05)

    def start(self):
        self.start_pd()
        self.start_rd()
        self.fifo_ready("PD")
        self.fifo_ready("RD")

    def files(self, sub):
        p = os.path.join(self.queue, sub)
        return sorted(os.listdir(p)) if os.path.isdir(p) else []

    def pending(self):
        return {s: self.files(s) for s in ("maildrop", "remote", "mess",
                                           "local", "tmp", "done")
                if self.files(s)}

    def wait_empty(self, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if not self.pending() and not self.running_clients():
                return True
            time.sleep(0.2)
        return False

    def running_clients(self):
        starts, ends = set(), set()
        for kind, dom, pid, t, _ in self.runs():
            (starts if kind == "start" else ends).add(pid)
        return starts - ends

    def runs(self):
        """[(start|end, domain, pid, time, status)] from the run file log."""
        out = []
        try:
            lines = open(self.runlog).read().splitlines()
        except OSError:
            return out
        for line in lines:
            p = line.split()
            if len(p) >= 4:
                out.append((p[0], p[1], p[2], float(p[3]),
                            int(p[4]) if len(p) > 4 else None))
        return out

    def overlaps(self):
        """Pairs of runs for one domain whose lifetimes overlapped."""
        spans = {}
        for kind, dom, pid, t, _ in self.runs():
            s = spans.setdefault((dom, pid), [None, None])
            s[0 if kind == "start" else 1] = t
        by_dom = {}
        for (dom, pid), (a, b) in spans.items():
            by_dom.setdefault(dom, []).append((a, b if b else float("inf"), pid))
        bad = []
        for dom, lst in by_dom.items():
            lst.sort()
            for x, y in zip(lst, lst[1:]):
                if y[0] < x[1]:
                    bad.append((dom, x, y))
        return bad

    def max_concurrent(self):
        """The most relay-client runs alive at one time."""
        ev = sorted((t, 1 if kind == "start" else -1)
                    for kind, _, _, t, _ in self.runs())
        n = top = 0
        for _, d in ev:
            n += d
            top = max(top, n)
        return top

    def peak_rss_kib(self, which):
        """VmHWM of a running daemon (under qemu-user: qemu's own)."""
        p = self.pd if which == "pd" else self.rd
        try:
            for line in open("/proc/%d/status" % p.pid):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            return None

    def log(self):
        self.err.flush()
        return open(self.errlog, errors="replace").read()

    def kill9(self, which):
        p = self.pd if which == "pd" else self.rd
        if p and p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()

    def stop(self):
        for p in (self.pd, self.rd):
            if p:
                stop_process(p, timeout=30)
        # Relay clients left by a killed smtprcd finish on their own.
        end = time.time() + 60
        while self.running_clients() and time.time() < end:
            time.sleep(0.2)
        self.err.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()
