"""make bench: smtprc's speed and memory, printed as figures (never a timed
test). 1000 messages of about 2 KB, one list each, delivered over one
connection to Postfix's smtp-sink on loopback; RUNS runs; medians printed.

Loopback figures swing 2-4x between runs on shared machines: compare the
medians, and the CPU seconds, which swing less."""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "scenario"))
import harness  # noqa: E402
import qlib  # noqa: E402

prog = sys.argv[1]
peakrss = sys.argv[2]
N = int(os.environ.get("BENCH_MESSAGES", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
BODY = ("From: ups@nas1.example.net\nTo: admin@example.com\nSubject: bench %d\n"
        "Date: Sat, 28 Nov 2026 12:00:00 +0000\n\n" + ("x" * 75 + "\n") * 25)


def one_run(sink, base, *opts):
    q = qlib.make_queue(tempfile.mkdtemp(prefix="smtprc-bench-", dir=base))
    lists = [qlib.add_message(q, "example.com", "ups@nas1.example.net",
                              ["admin@example.com"], BODY % i) for i in range(N)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run([peakrss, prog, "--queue=" + q] + list(opts) +
                       ["127.0.0.1:%d" % sink.port] + lists,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err = p.stderr.decode()
    rss = int(err.split("peak_rss_kib ")[1].split()[0])
    assert p.returncode == 0, err[-500:]
    assert qlib.queue_files(q) == [], "queue not empty"
    shutil.rmtree(q)
    return wall, cpu, rss


def gnu_time_rss(sink, base):
    q = qlib.make_queue(tempfile.mkdtemp(prefix="smtprc-bench-", dir=base))
    lists = [qlib.add_message(q, "example.com", "ups@nas1.example.net",
                              ["admin@example.com"], BODY % i) for i in range(N)]
    p = subprocess.run(["/usr/bin/time", "-v", prog, "--queue=" + q,
                        "127.0.0.1:%d" % sink.port] + lists,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    shutil.rmtree(q)
    for line in p.stderr.decode().splitlines():
        if "Maximum resident" in line:
            return int(line.split()[-1])
    return -1


def main():
    size = os.path.getsize(prog)
    print("binary: %s, %d bytes stripped (%.1f KiB)" % (prog, size, size / 1024))
    print("workload: %d messages x %d bytes, one list each, one connection, "
          "smtp-sink on 127.0.0.1" % (N, len(BODY % 0)))
    for label, base in (("queue on disk (%s)" % os.path.realpath(tempfile.gettempdir()), None),
                        ("queue on tmpfs (/dev/shm)", "/dev/shm")):
        with harness.SmtpSink(backlog=100) as sink:
            rows = [one_run(sink, base) for _ in range(RUNS)]
            gt = gnu_time_rss(sink, base)
            sess, _, mesg = sink.stats()
        rates = [N / r[0] for r in rows]
        print("\n%s, %d runs:" % (label, RUNS))
        for i, (wall, cpu, rss) in enumerate(rows):
            print("  run %d: %.3f s wall, %.3f s CPU, %6.0f messages/s, peak RSS %d KiB"
                  % (i + 1, wall, cpu, N / wall, rss))
        print("  median: %.0f messages/s, %.3f s CPU per %d messages, peak RSS %d KiB"
              % (statistics.median(rates), statistics.median(r[1] for r in rows), N,
                 statistics.median(r[2] for r in rows)))
        print("  /usr/bin/time -v maximum resident set size: %d KiB (includes GNU "
              "time's own pages before exec; see tools/peakrss.c)" % gt)
        print("  smtp-sink counted %d sessions and %d messages for %d runs"
              % (sess, mesg, RUNS + 1))


class AioSink:
    """aiosmtpd on loopback, with STARTTLS when given a certificate: the
    same Python server with and without TLS, for a fair comparison."""

    def __init__(self, cert=None):
        import ssl
        from aiosmtpd.controller import Controller
        self.count = 0
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.count += 1
                return "250 2.0.0 ok"
        ctx = None
        if cert:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*cert)
        self.port = harness.free_port()
        self.c = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                            tls_context=ctx)
        self.c.start()

    def stop(self):
        self.c.stop()


def tls_figures():
    from tlscerts import Certs
    d = tempfile.mkdtemp(prefix="smtprc-bench-certs-")
    cert = Certs(d).leaf("bench", "localhost")
    print("\nTLS beside plaintext: the same aiosmtpd server on 127.0.0.1, once "
          "without and once with STARTTLS (TLS 1.2), %d runs each, interleaved:" % RUNS)
    res = {"plaintext": [], "TLS": []}
    for _ in range(RUNS):
        for label, c, opts in (("plaintext", None, ("--tls=none",)),
                               ("TLS", cert, ("--tls=encrypt",))):
            sink = AioSink(c)
            try:
                res[label].append(one_run(sink, "/dev/shm", *opts))
            finally:
                sink.stop()
    for label, rows in res.items():
        print("  %-9s median %5.0f messages/s, %.3f s CPU per %d messages, peak RSS "
              "%d KiB" % (label, statistics.median(N / r[0] for r in rows),
                          statistics.median(r[1] for r in rows), N,
                          statistics.median(r[2] for r in rows)))
    shutil.rmtree(d, ignore_errors=True)


main()
if b"CONFIG_TLS=1" in subprocess.run([prog, "--version"],
                                     stdout=subprocess.PIPE).stdout:
    tls_figures()
