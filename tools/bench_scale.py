"""make bench (second part): smtprcd at scale, printed as figures (never a
timed test). For each queue size (BENCH_SCALE, default 10 1000 10000 50000
100000 lists) and for 1 and 500 domains: the queue is written directly
(one list and message per recipient), then smtprcd --once drains it
through smtprc to Postfix's smtp-sink on loopback (route * to the sink).
Printed: smtprcd's own CPU seconds (user + system, its children not
counted), per 10,000 lists; its peak resident memory; the drain rate; and
mailq's time over the full queue.

Usage: bench_scale.py PROG"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "scenario"))
import harness  # noqa: E402

prog = os.path.abspath(sys.argv[1])
SIZES = [int(x) for x in os.environ.get(
    "BENCH_SCALE", "10 1000 10000 50000 100000").split()]
TICK = os.sysconf("SC_CLK_TCK")
BODY = b"From: ups@nas1.example.net\nSubject: scale\n\n" + b"x" * 400 + b"\n"


def write_queue(q, n, ndom):
    for sub in ("maildrop", "mess", "remote", "done", "tmp", "local", "lock"):
        os.makedirs(os.path.join(q, sub))
    now = int(time.time())
    for i in range(n):
        dom = "d%03d.example" % (i % ndom)
        mid = "%d-1-%d" % (now, i)
        name = "%s.%s" % (mid, dom)
        with open(os.path.join(q, "mess", name), "wb") as f:
            f.write(BODY)
        with open(os.path.join(q, "remote", name), "w") as f:
            f.write("smtprc-list 1\nmessage %s\ndomain %s\nsender <a@b.example>\n"
                    "queued %d\nattempts 0\nrcpt <r%d@%s>\n" % (mid, dom, now, i, dom))


def self_stat(pid):
    """(utime+stime seconds, VmHWM KiB) of pid while it is a zombie or
    alive: its own figures, not its children's."""
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    cpu = (int(parts[11]) + int(parts[12])) / TICK
    hwm = None
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    except OSError:
        pass
    return parts[0], cpu, hwm


def one(sink, n, ndom):
    d = tempfile.mkdtemp(prefix="smtprc-scale-", dir="/dev/shm")
    q = os.path.join(d, "queue")
    write_queue(q, n, ndom)
    bindir = os.path.join(d, "bin")
    os.makedirs(bindir)
    for name in ("smtprc", "smtprcd", "mailq"):
        os.symlink(prog, os.path.join(bindir, name))
    conf = os.path.join(d, "smtprc.conf")
    with open(conf, "w") as f:
        f.write("queue %s\nsemaphore-dir %s/sem\nhelo-name bench.invalid\n"
                "route * [127.0.0.1]:%d\nconcurrency 4\n" % (q, d, sink.port))
    run = os.path.join(d, "run")
    with open(run, "w") as f:
        f.write("program %s/smtprc\nargument smtprc\n" % bindir)
    env = dict(os.environ, SMTPRC_CONF=conf)
    t0 = time.monotonic()
    p = subprocess.run([os.path.join(bindir, "mailq")], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mailq_s = time.monotonic() - t0
    t0 = time.monotonic()
    errf = open(os.path.join(d, "smtprcd.err"), "w+")
    p = subprocess.Popen([os.path.join(bindir, "smtprcd"), "--once", run],
                         env=env, stdout=subprocess.DEVNULL, stderr=errf)
    cpu = hwm = None
    while True:
        try:
            state, cpu, h = self_stat(p.pid)
        except OSError:
            break
        hwm = h or hwm
        if state == "Z":
            break
        time.sleep(0.02)
    wall = time.monotonic() - t0
    p.wait()
    errf.seek(0)
    passes = [l for l in errf.read().splitlines() if "passes over" in l]
    passes = int(passes[-1].split("(")[-1].split()[0]) if passes else -1
    left = len(os.listdir(os.path.join(q, "remote")))
    shutil.rmtree(d)
    return cpu, hwm, wall, mailq_s, left, passes


def main():
    print("smtprcd at scale: %s; queue on /dev/shm; relay clients to smtp-sink, "
          "4 at once" % prog)
    print("%8s %7s | %10s %14s %9s %7s | %10s %9s | %5s" % (
        "lists", "domains", "smtprcd s", "s/10000 lists", "peak KiB",
        "passes", "drain/s", "wall s", "mailq s"))
    for ndom in (1, 500):
        for n in SIZES:
            if ndom > n:
                continue
            with harness.SmtpSink(backlog=100) as sink:
                cpu, hwm, wall, mq, left, passes = one(sink, n, ndom)
            print("%8d %7d | %10.3f %14.3f %9s %7d | %10.0f %9.2f | %5.2f%s" % (
                n, ndom, cpu, cpu * 10000 / n, hwm, passes, n / wall, wall, mq,
                "  (%d lists left!)" % left if left else ""))
            sys.stdout.flush()


main()
