"""make check-system BOARD=armhf|mipsel: the whole system on a real kernel
of the board's architecture under qemu-system, as a router or NAS runs it:
Debian's own kernel, busybox-static as init and shell, the board's build
installed by `make install INIT=busybox`, busybox syslogd and crond, a
read-only root, the queue on a persistent ext4 disk, /var/run and /var/log
on tmpfs. Mail leaves the box for a private Postfix on the host (qemu's
user network: the guest's 10.0.2.2:PORT is the host's 127.0.0.1:PORT).

Runs, each a boot of the box (tests/system/guest/systest does the box's
part and reports on the console):
  deliver  five messages from root and one from the user alice through
           the set-group-ID sendmail, and alice's crontab's output mailed
           by crond: all stored by Postfix over its STARTTLS, the
           conversation in the box's syslog; one more for a domain routed
           with TLS policy "none": stored, sent in plaintext
  power    a burst of messages, the power cut (qemu killed) at a random
           instant during injection or delivery, the box booted again
           with its disk: every accepted message stored at least once,
           none left in the queue; duplicates counted (several runs)
  clock    the box boots at 1970 (no real-time clock): TLS verify to the
           receiver defers (certificate not yet valid), nothing goes in
           plaintext; the clock set and sendmail -q: delivered, with a
           Date field of today

Figures printed for the notes: resident memory of the daemons (from their
page tables: this kernel's status counters lag for small processes), the
peak of each relay client (smtprcd logs it from wait4), the disk's bytes
written and flushes (fsyncs reaching the disk) per delivered message.

Usage: run.py BOARD BUILD-DIR (SYSTEST_POWER_RUNS, default 3;
SYSTEST_BURST, default 200; SMTPRC_SYSTEM_CACHE, default
/var/cache/smtprc-system)."""
import email
import email.utils
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(top, "tests", "scenario"))
import harness  # noqa: E402
from tlscerts import Certs  # noqa: E402

BOARD = sys.argv[1]
BUILD = os.path.abspath(sys.argv[2])
CACHE = os.environ.get("SMTPRC_SYSTEM_CACHE", "/var/cache/smtprc-system")
POWER_RUNS = int(os.environ.get("SYSTEST_POWER_RUNS", "3"))
BURST = int(os.environ.get("SYSTEST_BURST", "200"))
GUEST = os.path.join(top, "tests", "system", "guest")
MX = "mx.systest.example"

QEMU = {
    "armhf": (["qemu-system-arm", "-M", "virt", "-m", "128",
               "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
               "-drive", "file=%(disk)s,format=raw,if=none,id=d0",
               "-device", "virtio-blk-device,drive=d0"],
              "console=ttyAMA0", "/dev/vda"),
    "mipsel": (["qemu-system-mipsel", "-M", "malta", "-m", "256", "-vga", "none",
                "-netdev", "user,id=n0", "-device", "pcnet,netdev=n0,romfile=",
                "-drive", "file=%(disk)s,format=raw,if=ide"],
               "console=ttyS0", "/dev/sda"),
}


def say(*a):
    print("system(%s):" % BOARD, *a, flush=True)


class Box:
    """One boot of the box: its console lines as they come."""

    def __init__(self, kernel, initrd, disk, mode, rtc=None, extra=()):
        argv, console, self.dev = QEMU[BOARD]
        argv = [a % {"disk": disk} for a in argv]
        cmdline = [console, "quiet", "SYSTEST_MODE=" + mode,
                   "SYSTEST_DISK=" + self.dev] + list(extra)
        argv += ["-nographic", "-no-reboot", "-kernel", kernel,
                 "-initrd", initrd, "-append", " ".join(cmdline)]
        if rtc:
            argv += ["-rtc", "base=" + rtc]
        self.lines = []
        self.cond = threading.Condition()
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for raw in self.p.stdout:
            line = raw.decode("latin-1").rstrip("\r\n")
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        """The first console line matching pattern, waiting up to timeout
        seconds (None when the box ended or time ran out)."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        with self.cond:
            i = 0
            while True:
                while i < len(self.lines):
                    if rx.search(self.lines[i]):
                        return self.lines[i]
                    i += 1
                left = end - time.time()
                if left <= 0 or (self.p.poll() is not None and not self.t.is_alive()):
                    return None
                self.cond.wait(min(left, 0.5))

    def end(self, timeout):
        """Waits for the power-off (killing qemu at the time-out)."""
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise AssertionError("the box did not power off in %d s:\n%s"
                                 % (timeout, "\n".join(self.lines[-40:])))
        self.t.join(5)

    def cut(self):
        """The power cut: qemu killed, nothing flushed."""
        self.p.kill()
        self.p.wait()
        self.t.join(5)

    def report(self, key):
        return [l.split("SYSTEST " + key, 1)[1].strip()
                for l in self.lines if ("SYSTEST " + key) in l]

    def syslog(self):
        out, inside = [], False
        for l in self.lines:
            if "SYSTEST SYSLOG BEGIN" in l:
                inside = True
            elif "SYSTEST SYSLOG END" in l:
                inside = False
            elif inside:
                out.append(l)
        return out


def stored(pf):
    """Message-ID -> count of the messages Postfix stored."""
    d = os.path.join(pf.mail, "all", "new")
    got = {}
    for n in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        with open(os.path.join(d, n), "rb") as f:
            m = email.message_from_bytes(f.read())
        got.setdefault(m.get("Message-ID", "?"), []).append(m)
    return got


def clear_mail(pf):
    """Empties Postfix's mailbox between runs."""
    d = os.path.join(pf.mail, "all", "new")
    for f in os.listdir(d) if os.path.isdir(d) else []:
        os.unlink(os.path.join(d, f))


def wait_stored(pf, want, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        got = stored(pf)
        if all(k in got for k in want):
            return got
        time.sleep(0.5)
    return stored(pf)


def rootfs(work, port, ca_file):
    """The box's files: busybox, modules, the board's install, the test's
    configuration; packed as initrd.gz."""
    root = os.path.join(work, "root")
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc/init.d", "etc/crontabs",
              "lib/modules", "proc", "sys", "dev", "tmp", "var/run", "var/log",
              "var/spool", "root"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(os.path.join(CACHE, BOARD, "busybox"), os.path.join(root, "bin"))
    os.chmod(os.path.join(root, "bin", "busybox"), 0o755)
    mods = os.path.join(CACHE, BOARD, "modules")
    for f in os.listdir(mods):
        shutil.copy(os.path.join(mods, f), os.path.join(root, "lib", "modules"))
    etc = os.path.join(root, "etc")
    files = {
        "passwd": "root:x:0:0:root:/root:/bin/sh\n"
                  "alice:x:1000:1000:Alice:/tmp:/bin/sh\n"
                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
        "group": "root:x:0:\nsmtprc:x:50:\nalice:x:1000:\nnogroup:x:65534:\n",
        "hosts": "127.0.0.1 localhost\n10.0.2.2 %s\n" % MX,
        "crontabs/alice": "MAILTO=admin@example.com\n"
                          "* * * * * echo cron output of alice; touch /tmp/cron-ran\n",
    }
    base = ("queue /var/spool/smtprc\nsemaphore-dir /var/run/smtprc\n"
            "helo-name nas1.example.net\norigin nas1.example.net\n"
            "retry-first 5\nretry-max 10\nconcurrency 2\nsyslog yes\n")
    # plain.example.com goes to the same Postfix by its name, a route
    # target of its own whose policy is no TLS: its relay client runs in
    # plaintext (the others take Postfix's STARTTLS: "may").
    files["smtprc.conf.plain"] = (base + "route * [10.0.2.2]:%d\n" % port +
                                  "route plain.example.com %s:%d\n" % (MX, port) +
                                  "tls-policy %s none\n" % MX)
    files["smtprc.conf.tls"] = (base + "route * %s:%d\ntls verify\n"
                                "tls-ca-file /etc/systest-ca.pem\n" % (MX, port))
    for name, text in files.items():
        with open(os.path.join(etc, name), "w") as f:
            f.write(text)
    shutil.copy(ca_file, os.path.join(etc, "systest-ca.pem"))
    for name, dest in (("init", "init"), ("inittab", "etc/inittab"),
                       ("rcS", "etc/init.d/rcS"), ("systest", "etc/systest")):
        shutil.copy(os.path.join(GUEST, name), os.path.join(root, dest))
        os.chmod(os.path.join(root, dest), 0o755)
    subprocess.run(["make", "-s", "-C", top, "install", "BOARD=" + BOARD,
                    "O=" + BUILD, "DESTDIR=" + root, "INIT=busybox"],
                   check=True, stdout=subprocess.DEVNULL)
    initrd = os.path.join(work, "initrd.gz")
    subprocess.run("find . | cpio -o -H newc --quiet | gzip -1 > %s" % initrd,
                   shell=True, cwd=root, check=True)
    return initrd


def new_disk(work, name):
    disk = os.path.join(work, name)
    with open(disk, "wb") as f:
        f.truncate(64 << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", disk], check=True)
    return disk


def disk_figures(box, delivered):
    """Bytes written and flushes per delivered message, from the disk's
    /sys/block/DEV/stat before and after the run."""
    rep = box.report("DISK")
    if not rep or delivered <= 0:
        return None
    before, after = [list(map(int, s.split())) for s in rep[0].split("|")]
    written = (after[6] - before[6]) * 512
    # Field 16: flush requests completed (what fsync asks of the disk).
    flushes = (after[15] - before[15]) if len(after) > 15 else None
    return written / delivered, (flushes / delivered if flushes is not None else None)


def peaks(box, target=None):
    """Relay clients' peak resident memory (smtprcd's log, from wait4; of
    target's runs only when given) and the daemons' resident memory at the
    end (smaps_rollup), KiB. A child's peak counts smtprcd's pages it
    shared between fork and exec too, so none is below smtprcd's."""
    clients = [int(m.group(2)) for l in box.syslog()
               for m in re.finditer(r"(\S+): relay client \d+ .*peak (\d+) KiB", l)
               if target is None or m.group(1) == target]
    rss = box.report("RSS") + box.report("PEAK")
    return clients, "; largest sampled: ".join(rss) if rss else "?"


def keep_log(box, name):
    """The box's syslog, copied out into BUILD/system-logs/."""
    d = os.path.join(BUILD, "system-logs")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".log"), "w") as f:
        f.write("\n".join(box.syslog()) + "\n")


def boot_and_finish(kernel, initrd, disk, mode, timeout, **kw):
    box = Box(kernel, initrd, disk, mode, **kw)
    box.end(timeout)
    # The appliance's own boot went as it should: modules, the disk, a
    # read-only root, the daemons (rcS says otherwise on the console).
    bad = [l for l in box.lines if re.search(r"SYSTEST (insmod|no disk|root "
                                             r"stays|smtprc did not)", l)]
    assert not bad, bad
    # Nothing left on the disk but the daemons' lock files.
    assert not box.report("FILE"), box.report("FILE")
    keep_log(box, mode)
    return box


def run_deliver(kernel, initrd, work, pf):
    disk = new_disk(work, "deliver.img")
    # alice's crontab runs at the next full minute: the clock starts 20 s
    # before one.
    t = int(time.time())
    start = (t // 60 + 1) * 60 - 20
    rtc = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start))
    t0 = time.time()
    box = boot_and_finish(kernel, initrd, disk, "deliver", 240, rtc=rtc,
                          extra=["SYSTEST_CONF=plain", "SYSTEST_VERBOSE=1"])
    booted = box.report("BOOTED")
    assert booted, "\n".join(box.lines[-40:])
    want = ["<root-%d@nas1.example.net>" % i for i in range(1, 6)] + \
        ["<alice@nas1.example.net>", "<plain@nas1.example.net>"]
    got = wait_stored(pf, want)
    for k in want:
        assert len(got.get(k, [])) == 1, (k, sorted(got), box.lines[-60:])
        # The stored bytes: the text the box wrote, and the fields sendmail
        # added (the clock was set: a Date of today).
        m = got[k][0]
        tag = k[1:].split("@")[0]
        assert m.get_payload() == "mail %s from the box\n" % tag, m.as_string()
        assert m["Subject"] == tag and m["From"], m.items()
        when = email.utils.parsedate_to_datetime(m["Date"]).timestamp()
        assert abs(when - time.time()) < 600, m["Date"]
    cron = [m for k, ms in got.items() for m in ms
            if "cron output of alice" in m.get_payload()]
    assert len(cron) == 1, (sorted(got), box.syslog()[-40:])
    alice = got["<alice@nas1.example.net>"][0]
    assert any("userid 1000" in r for r in alice.get_all("Received")), \
        alice.items()
    log = "\n".join(box.syslog())
    assert re.search(r"smtprc\[\d+\]: delivered <admin@example.com>", log), log[-3000:]
    # The conversation (/V) is in the box's syslog, credentials never.
    assert re.search(r"smtprc\[\d+\]: > MAIL FROM:<alice@nas1.example.net>", log), \
        log[-3000:]
    assert re.search(r"smtprc\[\d+\]: < 250 2\.0\.0 Ok: queued as", log), log[-3000:]
    # The route's TLS policy "none": that message in plaintext, the
    # others over Postfix's STARTTLS.
    assert re.search(r"delivered <admin@plain\.example\.com> \S+ via "
                     r"mx\.systest\.example\[10\.0\.2\.2\]:\d+ \(plaintext\)",
                     log), log[-3000:]
    assert re.search(r"delivered <admin@example\.com> \S+ via \S+ \(TLSv1\.[23] ",
                     log), log[-3000:]
    assert box.report("LEFT") == ["0"], box.report("LEFT")
    _, rss = peaks(box)
    tls, _ = peaks(box, "[10.0.2.2]:%d" % pf.port)
    plain, _ = peaks(box, "%s:%d" % (MX, pf.port))
    assert tls and plain, box.syslog()[-40:]
    per = disk_figures(box, 8)
    say("deliver: 8 messages (5 root, alice, alice's cron, one in plaintext) "
        "stored once each; boot to power-off %.1f s" % (time.time() - t0))
    say("  resident memory after the run (page tables): %s; relay clients' "
        "peak (smtprcd's log): TLS %s KiB, plaintext %s KiB"
        % (rss, ", ".join(map(str, sorted(set(tls)))),
           ", ".join(map(str, sorted(set(plain))))))
    for code in box.report("CODE"):
        say("  code pages mapped, %s" % code)
    if per:
        say("  disk: %.0f bytes written and %s flushes per delivered message"
            % (per[0], "%.1f" % per[1] if per[1] is not None else "?"))
    return log


def run_power(kernel, initrd, work, pf, n):  # noqa: C901
    """One power-cut run: a burst, the cut at a random instant, a boot
    with the same disk. Returns (accepted, stored counts, duplicates)."""
    disk = new_disk(work, "power%d.img" % n)
    before = stored(pf)
    # During injection, delivery running beside it (after a random number
    # of messages); or with the daemons held until the burst is queued,
    # while smtppd sorts it and the relay clients deliver it (a random
    # delay after they start). The first run cuts during injection, the
    # second during delivery, the others either way.
    hold = n == 2 or (n > 2 and random.random() < 0.5)
    box = Box(kernel, initrd, disk, "burst",
              extra=["SYSTEST_CONF=plain", "SYSTEST_COUNT=%d" % BURST] +
              (["SYSTEST_HOLD=1"] if hold else []))
    assert box.wait_for(r"SYSTEST BOOTED", 120), "\n".join(box.lines[-40:])
    if not hold:
        k = random.randint(1, BURST)
        seen = box.wait_for(r"SYSTEST ACCEPTED burst-%d$" % k, 180)
        where = "after message %d of %d was accepted%s" % (
            k, BURST, "" if seen else " (or the wait for it ran out)")
    else:
        box.wait_for(r"SYSTEST STARTED", 240)
        delay = random.uniform(0, 2.5)
        time.sleep(delay)
        where = "%.1f s into sorting and delivering the queued burst" % delay
    box.cut()
    time.sleep(1)     # Postfix stores what was in flight
    at_cut = len([k for k in stored(pf) if k.startswith("<burst-")]) - \
        len([k for k in before if k.startswith("<burst-")])
    accepted = set(re.findall(r"SYSTEST ACCEPTED (burst-\d+)", "\n".join(box.lines)))
    again = boot_and_finish(kernel, initrd, disk, "drain", 240,
                            extra=["SYSTEST_CONF=plain"])
    assert again.report("LEFT") == ["0"], (again.report("LEFT"),
                                            "\n".join(again.syslog()[-40:]))
    want = ["<%s@nas1.example.net>" % a for a in accepted]
    got = wait_stored(pf, want)
    lost = [k for k in want if not got.get(k)]
    assert not lost, ("lost after the power cut %s: %s" % (where, lost),
                      "\n".join(again.syslog()[-60:]))
    new = {k: len(v) - len(before.get(k, [])) for k, v in got.items()
           if k.startswith("<burst-")}
    dups = sum(c - 1 for c in new.values() if c > 1)
    extra = len([k for k in new if k not in want])
    say("power cut %d %s (%d stored by then): %d accepted, all stored after "
        "the next boot; %d duplicate(s), %d stored that the box had not "
        "reported accepted yet" % (n, where, at_cut, len(accepted), dups, extra))
    clients, rss = peaks(again)
    say("  after the cut: %s; %s" % (rss, "relay clients' peak: %s KiB" % ", ".join(
        map(str, sorted(set(clients)))) if clients else "no relay client ran "
        "(everything had gone before the cut)"))
    clear_mail(pf)
    return len(accepted), dups


def run_clock(kernel, initrd, work, pf):
    disk = new_disk(work, "clock.img")
    now = int(time.time())
    box = boot_and_finish(kernel, initrd, disk, "clock", 240,
                          rtc="1970-01-02T00:00:00",
                          extra=["SYSTEST_CONF=tls", "SYSTEST_NOW=%d" % now])
    booted = box.report("BOOTED")
    assert booted and booted[0].startswith("1970-01-02"), booted
    deferral = box.report("DEFERRAL")
    assert deferral and deferral[0], ("no deferral", box.syslog()[-40:])
    assert "4.7.5" in deferral[0] and "certificate" in deferral[0].lower(), deferral
    got = wait_stored(pf, ["<clock@nas1.example.net>"])
    ms = got.get("<clock@nas1.example.net>", [])
    assert len(ms) == 1, (sorted(got), box.syslog()[-40:])
    date = email.utils.parsedate_to_datetime(ms[0]["Date"]).timestamp()
    assert abs(date - now) < 600, (ms[0]["Date"], now)
    log = pf.log()
    assert re.search(r"TLS connection established from", log), log[-2000:]
    assert box.report("LEFT") == ["0"], box.report("LEFT")
    say("clock: booted at %s, TLS verify deferred (%s), after date -s and "
        "sendmail -q delivered over TLS, Date: %s"
        % (booted[0].split(" mode")[0], deferral[0].split(": ", 1)[-1][:90],
           ms[0]["Date"]))


def main():
    subprocess.run([os.path.join(top, "tools", "system-fetch.sh"), BOARD, CACHE],
                   check=True)
    kernel = os.path.join(CACHE, BOARD, "vmlinuz")
    work = harness.tmpdir()
    certs = Certs(work)
    cert = certs.leaf("mx", MX)
    failed = 0
    with harness.PrivatePostfix(domains=("example.com", "plain.example.com"), tls=cert) as pf:
        initrd = rootfs(work, pf.port, certs.ca_file)
        only = os.environ.get("SYSTEST_ONLY", "")
        for name, fn in (("deliver", lambda: run_deliver(kernel, initrd, work, pf)),
                         ("power", lambda: [run_power(kernel, initrd, work, pf, i + 1)
                                            for i in range(POWER_RUNS)]),
                         ("clock", lambda: run_clock(kernel, initrd, work, pf))):
            if only and name not in only.split(","):
                continue
            t0 = time.time()
            try:
                fn()
                print("ok   system(%s).%s (%.1f s)" % (BOARD, name, time.time() - t0))
            except AssertionError as e:
                failed += 1
                print("FAIL system(%s).%s: %s" % (BOARD, name, str(e)[:6000]))
            clear_mail(pf)
    if not os.environ.get("SYSTEST_KEEP"):
        shutil.rmtree(work, ignore_errors=True)
    else:
        say("kept", work)
    print("system(%s): %d failed" % (BOARD, failed))
    return 1 if failed else 0


sys.exit(main())
