"""The system around smtprc: sendmail, smtppd, smtprcd and mailq, alone
and together, against nsd and real receiving servers on loopback."""
import email
import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time

from dnsd import Nsd
from faultsmtp import FaultServer
from harness import CONFIG_LOG, RUN, Skip, SmtpSink, PrivatePostfix, free_port, smtprc, test, tmpdir
from mts import Mts
import qlib
from sysexits import EX_DATAERR, EX_IOERR, EX_TEMPFAIL, EX_USAGE


def entry(m, name=None):
    """(envelope lines, message bytes) of a maildrop entry."""
    names = m.files("maildrop")
    data = open(os.path.join(m.queue, "maildrop", name or names[0]), "rb").read()
    env, msg = data.split(b"\n\n", 1)
    return env.decode().split("\n"), msg


@test
def sendmail_writes_one_maildrop_entry():
    m = Mts()
    try:
        long_line = b"x" * 3000
        msg = (b"Subject: disk failing\nTo: Admin <Admin@Example.COM>, "
               b"\"Ops, team\" <ops@two.example>\nCc: undisclosed:;\n"
               b"Bcc: hidden@three.example (secret)\n\n"
               b"caf\xc3\xa9 8-bit\n" + long_line + b"\n..leading dots\n")
        rc, err = m.sendmail(msg, "-t", "-F", "NAS \"one\"", "-oi", "-odb",
                             "extra@four.example")
        assert rc == 0, err
        env, stored = entry(m)
        assert env[0] == "smtprc-maildrop 1"
        assert env[1].startswith("sender <") and \
            env[1].endswith("@nas1.smtprc-test.invalid>"), env
        assert sorted(env[2:]) == sorted([
            "rcpt <extra@four.example>", "rcpt <Admin@Example.COM>",
            "rcpt <ops@two.example>", "rcpt <hidden@three.example>"]), env
        head, body = stored.split(b"\n\n", 1)
        assert b"Bcc" not in head and b"hidden" not in head, head
        assert body == b"caf\xc3\xa9 8-bit\n" + long_line + b"\n..leading dots\n"
        parsed = email.message_from_bytes(stored)
        assert parsed["From"] == "\"NAS \\\"one\\\"\" <%s>" % env[1][8:-1], parsed["From"]
        assert re.match(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$",
                        parsed["Date"]), parsed["Date"]
        assert parsed["Message-ID"].endswith("@nas1.smtprc-test.invalid>")
        assert not m.files("tmp")
        # Kept as given: From, Date and Message-ID are not added twice.
        os.unlink(os.path.join(m.queue, "maildrop", m.files("maildrop")[0]))
        msg = (b"From: me@x.example\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
               b"Message-ID: <a@b>\n\nhi\n")
        rc, err = m.sendmail(msg, "-f", "<ups@nas1.example>", "root")
        assert rc == 0, err
        env, stored = entry(m)
        assert env[1:] == ["sender <ups@nas1.example>",
                           "rcpt <root@nas1.smtprc-test.invalid>"], env
        assert stored == msg, stored
    finally:
        m.stop()


@test
def sendmail_dot_line_and_dash_i():
    m = Mts()
    try:
        rc, err = m.sendmail(b"Subject: a\n\nline\n.\nnot part\n", "a@b.example")
        assert rc == 0, err
        _, stored = entry(m)
        assert stored.endswith(b"\n\nline\n") and b"not part" not in stored, stored
        os.unlink(os.path.join(m.queue, "maildrop", m.files("maildrop")[0]))
        rc, err = m.sendmail(b"Subject: a\n\nline\n.\nstill part\n.", "-i",
                             "a@b.example")
        assert rc == 0, err
        _, stored = entry(m)
        assert stored.endswith(b"line\n.\nstill part\n."), stored
    finally:
        m.stop()


@test
def sendmail_refuses_clearly_and_writes_nothing():
    m = Mts(conf_lines=["max-message-size 2000"])
    try:
        cases = [
            ((b"Subject: x\n\nhi\n",), EX_USAGE, "no recipients"),
            ((b"Subject: x\n\nhi\n", "-t"), EX_DATAERR, "no recipients"),
            ((b"Subject: x\n\nhi\n", "bad address@x.example"), EX_USAGE,
             "not a valid address"),
            ((b"To: <open@x.example\n\nhi\n", "-t"), EX_DATAERR, "malformed address list"),
            ((b"Subject: x\n\n" + b"y" * 3000 + b"\n", "a@b.example"), EX_DATAERR,
             "larger than max-message-size"),
            ((b"X: " + b"h" * 70000 + b"\n\nhi\n", "a@b.example"), EX_DATAERR,
             "SENDMAIL_HEADER_SIZE"),
            ((b"hi\n", "-bx"), EX_USAGE, "the modes are -bm"),
            ((b"hi\n", "-Z"), EX_USAGE, "unknown option"),
            ((b"hi\n",) + tuple("r%d@x.example" % i for i in range(101)), EX_USAGE,
             "MAILDROP_RCPT_MAX"),
        ]
        for args, want, text in cases:
            rc, err = m.sendmail(*args)
            assert rc == want and text in err, (args[1:3], rc, err)
            assert not m.files("maildrop") and not m.files("tmp"), m.pending()
        # -bp is mailq.
        rc, out = subprocess.run(m.cmd("sendmail", "-bp"), env=m.env,
                                 stdout=subprocess.PIPE).returncode, None
        assert rc == 0
    finally:
        m.stop()


@test
def sendmail_twenty_at_once():
    m = Mts()
    try:
        results = [None] * 20

        def one(i):
            body = ("Subject: n%d\n\n" % i + "line %d\n" % i * 2000).encode()
            results[i] = m.sendmail(body, "u%d@d%d.example" % (i, i % 3))
        threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert all(r and r[0] == 0 for r in results), results
        names = m.files("maildrop")
        assert len(names) == 20 and not m.files("tmp"), m.pending()
        seen = set()
        for n in names:
            env, msg = entry(m, n)
            i = int(re.search(rb"Subject: n(\d+)", msg).group(1))
            assert env[2] == "rcpt <u%d@d%d.example>" % (i, i % 3)
            assert msg.split(b"\n\n", 1)[1] == ("line %d\n" % i * 2000).encode()
            seen.add(i)
        assert seen == set(range(20))
    finally:
        m.stop()


def mount_tmpfs(path, size):
    os.makedirs(path, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size,
                        "tmpfs", path], stderr=subprocess.PIPE)
    if p.returncode:
        raise Skip("cannot mount a tmpfs: " + p.stderr.decode())


@test
def full_disk_during_injection_and_bounces():
    m = Mts()
    mount_tmpfs(m.queue, "160k")
    try:
        body = b"Subject: big\n\n" + b"z" * 30000 + b"\n"
        ok = full = 0
        for i in range(12):
            rc, err = m.sendmail(body, "to%d@full.example" % i)
            if rc == 0:
                ok += 1
            else:
                assert rc == EX_TEMPFAIL and "No space left on device" in err, (rc, err)
                full += 1
            # Never a partial file: every entry is whole.
            assert not m.files("tmp"), m.files("tmp")
            for n in m.files("maildrop"):
                assert entry(m, n)[1].endswith(b"z" * 30000 + b"\n")
        assert ok == len(m.files("maildrop")) and full > 0 and ok > 0, (ok, full)
        # The posting office on a full disk: an unroutable recipient needs a
        # bounce that cannot be written; the entry stays, nothing is lost.
        for n in m.files("maildrop"):
            os.unlink(os.path.join(m.queue, "maildrop", n))
        rc, err = m.sendmail(b"Subject: s\n\n" + b"q" * 20000 + b"\n", "-f",
                             "sender@nas1.example", "x@no-dot-domain")
        assert rc == 0, err
        filler = os.path.join(m.queue, "filler")
        with open(filler, "wb") as f:
            try:
                f.write(b"f" * 200000)
            except OSError:
                pass
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode()
        assert "unable to sort maildrop entry" in err and \
            "No space left" in err, err
        assert len(m.files("maildrop")) == 1 and not m.files("tmp"), m.pending()
        os.unlink(filler)
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        # Sorted now: the original is gone, its bounce is sorted for the
        # sender's domain, with the 5.1.2 report.
        assert m.files("remote") == [n for n in m.files("remote")
                                     if n.endswith(".nas1.example")] and \
            len(m.files("remote")) == 1, m.pending()
        bounce = open(os.path.join(m.queue, "mess", m.files("mess")[0]), "rb").read()
        assert b"Status: 5.1.2" in bounce and b"x@no-dot-domain" in bounce, bounce[:800]
    finally:
        m.stop()
        subprocess.run(["umount", m.queue])


@test
def smtppd_sorts_bounces_holds_and_sets_aside():
    m = Mts(conf_lines=["local nas1.smtprc-test.invalid"])
    try:
        rc, err = m.sendmail(b"Subject: s\n\nbody\n", "-f", "me@home.example",
                             "a@One.Example", "b@one.example", "c@TWO.example",
                             "d@nodotdomain", "root")
        assert rc == 0, err
        ident = m.files("maildrop")[0]
        bad = os.path.join(m.queue, "maildrop", "1-1-1")
        with open(bad, "w") as f:
            f.write("smtprc-maildrop 1\nsender <x@y.example>\nrcpt nobrackets\n\nhi\n")
        p = subprocess.run(m.cmd("smtppd", "--once", "/V"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode()
        assert p.returncode == 0, err
        assert "malformed maildrop entry 1-1-1" in err and "1-1-1.bad" in err, err
        assert "held in local/%s.nas1.smtprc-test.invalid" % ident in err, err
        remote = m.files("remote")
        assert "%s.one.example" % ident in remote and "%s.two.example" % ident in remote
        lst = open(os.path.join(m.queue, "remote", "%s.one.example" % ident)).read()
        assert "rcpt <a@One.Example>\nrcpt <b@one.example>\n" in lst, lst
        assert "sender <me@home.example>" in lst and "attempts 0" in lst, lst
        # One inode, one link per domain (the local one included).
        st = os.stat(os.path.join(m.queue, "mess", "%s.one.example" % ident))
        assert st.st_nlink == 3, st.st_nlink
        # The bounce for d@nodotdomain went to the maildrop and was
        # sorted for home.example in the same run.
        bounces = [n for n in remote if n.endswith(".home.example")]
        assert len(bounces) == 1, remote
        b = open(os.path.join(m.queue, "mess", bounces[0]), "rb").read()
        assert b"Final-Recipient: rfc822; d@nodotdomain" in b and \
            b"Status: 5.1.2" in b, b[:900]
        assert m.files("maildrop") == ["1-1-1.bad"], m.files("maildrop")
        rc, out = m.mailq()
        assert rc == 0 and "HELD" in out and "SET ASIDE" in out and \
            "<c@TWO.example>  not tried yet" in out, out
    finally:
        m.stop()


def zone(domains, ports):
    """A zone test. with SRV or MX records for each domain: domains maps a
    name to ("srv", port) or ("mx", None)."""
    z = ["$ORIGIN test.", "$TTL 60",
         "@ SOA ns.test. h.test. 1 60 60 60 60", "@ NS ns.test.",
         "ns A 127.0.0.1", "mx A 127.0.0.1"]
    for name, (how, port) in domains.items():
        name = name[:-len(".test")]
        if how == "srv":
            z.append("_smtp._tcp.%s SRV 0 0 %d mx.test." % (name, port))
        else:
            z.append("%s MX 10 mx.test." % name)
    return "\n".join(z) + "\n"


class Receivers:
    """Postfix for d00-d09 (by MX) and the sender's own domain, a fault
    server for d10-d14 and one for d15-d19 that rejects bad-* recipients
    (both by SRV)."""

    def __init__(self):
        self.names = ["d%02d.test" % i for i in range(20)]
        self.postfix = PrivatePostfix(domains=self.names[:10] + ["nas.test"])
        self.fa = FaultServer()
        self.fb = FaultServer({"rcpt": lambda a, s: "550 5.1.1 no such user"
                               if a.startswith("bad-") else None})
        doms = {n: ("mx", None) for n in self.names[:10] + ["nas.test"]}
        doms.update({n: ("srv", self.fa.port) for n in self.names[10:15]})
        doms.update({n: ("srv", self.fb.port) for n in self.names[15:]})
        self.dns = Nsd({"test": zone(doms, None)})
        self.conf = ["resolver 127.0.0.1:%d" % self.dns.port,
                     "smtp-port %d" % self.postfix.port,
                     "timeout-connect 5"]

    def received(self):
        """{(message-id, recipient)} over every server."""
        got = set()
        path = os.path.join(self.postfix.mail, "all", "new")
        for n in os.listdir(path) if os.path.isdir(path) else []:
            msg = email.message_from_bytes(open(os.path.join(path, n), "rb").read())
            got.add((msg["Message-ID"], msg["Delivered-To"]))
        for srv in (self.fa, self.fb):
            with srv.lock:
                msgs = list(srv.messages)
            for _, rcpts, body in msgs:
                if not rcpts:
                    # Every RCPT refused after a pipelined DATA: the
                    # client ends the data at once (RFC 2920).
                    assert body == b"", body[:200]
                    continue
                found = re.search(rb"(?im)^Message-ID: (<[^>]+>)", body)
                assert found, body[:600]
                mid = found.group(1).decode()
                for r in rcpts:
                    got.add((mid, r))
        return got

    def stop(self):
        for x in (self.postfix, self.fa, self.fb, self.dns):
            x.stop()


def inject_many(m, n, seed, bad_every=50):
    """n messages of 1-3 recipients over d00-d19; returns the expected
    (message-id, recipient) pairs and the rejected addresses."""
    rnd = random.Random(seed)
    want, rejected = set(), set()
    for i in range(n):
        k = rnd.randint(1, 3)
        rcpts = ["u%d-%d@d%02d.test" % (i, j, rnd.randrange(20)) for j in range(k)]
        if i % bad_every == 0:
            rcpts.append("bad-%d@d%02d.test" % (i, rnd.randrange(15, 20)))
            rejected.add(rcpts[-1])
        mid = "<m%d.%d@nas.test>" % (seed, i)
        body = ("From: nas@nas.test\nMessage-ID: %s\nSubject: %d\n\n" % (mid, i) +
                "line of %d\n" % i * rnd.randint(1, 40)).encode()
        rc, err = m.sendmail(body, "-f", "nas@nas.test", *rcpts)
        assert rc == 0, (i, rc, err)
        want |= {(mid, r) for r in rcpts if r not in rejected}
    return want, rejected


def bounces_at_postfix(r):
    path = os.path.join(r.postfix.mail, "all", "new")
    out = []
    for n in os.listdir(path) if os.path.isdir(path) else []:
        data = open(os.path.join(path, n), "rb").read()
        if b"Delivered-To: nas@nas.test" in data and b"multipart/report" in data:
            out.append(data)
    return out


@test
def pipeline_1000_messages_20_domains():
    r = Receivers()
    m = Mts(conf_lines=r.conf + ["retry-first 2", "retry-max 4"])
    try:
        m.start()
        t0 = time.time()
        want, rejected = inject_many(m, 1000, 1)
        t1 = time.time()
        assert m.wait_empty(240), (m.pending(), m.log()[-3000:])
        t2 = time.time()
        if os.environ.get("DEBUG_RUNS"):
            for x in m.runs():
                print("   ", x[0], x[1], "%.2f" % (x[3] - t1), x[4])
        got = r.received()
        missing = want - got
        assert not missing, (len(missing), sorted(missing)[:5])
        assert not m.overlaps(), m.overlaps()[:3]
        assert 1 < m.max_concurrent() <= 4, m.max_concurrent()
        runs = [x for x in m.runs() if x[0] == "start"]
        deferred = [x for x in m.runs() if x[0] == "end" and x[4] != 0]
        # The rejected recipients' bounces reach the sender's own server.
        end = time.time() + 60
        while len(bounces_at_postfix(r)) < len(rejected) and time.time() < end:
            time.sleep(0.2)
        b = bounces_at_postfix(r)
        assert len(b) == len(rejected), (len(b), len(rejected))
        text = b"".join(b)
        for a in rejected:
            assert ("Final-Recipient: rfc822; %s" % a).encode() in text, a
        print("  1000 messages, %d recipients: injected in %.1f s, delivered "
              "%.1f s later; %d relay-client runs (%d not settling all, at "
              "most %d at once), %d bounces; peak RSS%s smtppd %s KiB, "
              "smtprcd %s KiB"
              % (len(want), t1 - t0, t2 - t1, len(runs), len(deferred),
                 m.max_concurrent(), len(b), " (qemu's)" if RUN else "",
                 m.peak_rss_kib("pd"), m.peak_rss_kib("rd")))
    finally:
        m.stop()
        r.stop()


@test
def down_domain_retried_on_schedule_others_unaffected():
    port = free_port()    # nobody listens there yet
    up = SmtpSink()
    dns = Nsd({"test": zone({"down.test": ("srv", port),
                             "up.test": ("srv", up.port)}, None)})
    m = Mts(conf_lines=["resolver 127.0.0.1:%d" % dns.port, "retry-first 1",
                        "retry-max 4", "timeout-connect 2"])
    late = None
    try:
        m.start()
        rc, err = m.sendmail(b"Subject: d\n\nx\n", "a@down.test", "b@up.test")
        assert rc == 0, err
        end = time.time() + 30
        while len([x for x in m.runs() if x[0] == "start" and x[1] == "down.test"]) < 5:
            assert time.time() < end, m.runs()
            time.sleep(0.1)
        assert up.stats()[2] == 1, up.stats()
        starts = [x[3] for x in m.runs() if x[0] == "start" and x[1] == "down.test"]
        ends = [x[3] for x in m.runs() if x[0] == "end" and x[1] == "down.test"]
        gaps = [s - e for s, e in zip(starts[1:], ends)]
        for g, want in zip(gaps, [1, 2, 4, 4]):
            assert want - 0.3 <= g <= want + 1.5, (gaps, [1, 2, 4, 4])
        rc, out = m.mailq()
        assert "a@down.test" in out and "attempts" in out and "4.4" in out, out
        late = FaultServer(port=port)
        end = time.time() + 15
        while not late.messages and time.time() < end:
            time.sleep(0.1)
        assert late.messages and late.messages[0][1] == ["a@down.test"], late.messages
        assert m.wait_empty(10), m.pending()
        print("  down.test retried after %s s" % ", ".join("%.1f" % g for g in gaps))
    finally:
        m.stop()
        for x in (up, dns) + ((late,) if late else ()):
            x.stop()


@test
def sendmail_q_tries_now_despite_back_off():
    port = free_port()
    dns = Nsd({"test": zone({"later.test": ("srv", port)}, None)})
    m = Mts(conf_lines=["resolver 127.0.0.1:%d" % dns.port, "retry-first 120",
                        "timeout-connect 2"])
    srv = None
    try:
        m.start()
        rc, err = m.sendmail(b"Subject: q\n\nx\n", "a@later.test")
        end = time.time() + 15
        while not [x for x in m.runs() if x[0] == "end"]:
            assert time.time() < end, m.log()
            time.sleep(0.1)
        srv = FaultServer(port=port)
        time.sleep(1)
        assert not srv.messages      # back-off: 120 s
        t = time.time()
        p = subprocess.run(m.cmd("sendmail", "-q"), env=m.env,
                           stderr=subprocess.PIPE)
        assert p.returncode == 0, p.stderr
        while not srv.messages and time.time() < t + 10:
            time.sleep(0.05)
        assert srv.messages, m.log()[-2000:]
        # SIGHUP: a rescan (here a new message for a fresh domain).
    finally:
        m.stop()
        dns.stop()
        if srv:
            srv.stop()


def is_relay_client(m, pid):
    """1 when pid runs smtprc (under qemu-user too), not the date(1) of
    the run script's start and end lines: a killed date wrote an end line
    without its time, which read as a run that never ended (an overlap)."""
    try:
        with open("/proc/%d/cmdline" % int(pid), "rb") as f:
            return os.path.join(m.bin, "smtprc").encode() in f.read()
    except OSError:
        return False


@test
def kill_9_of_the_daemons_loses_nothing():
    r = Receivers()
    m = Mts(conf_lines=r.conf + ["retry-first 1", "retry-max 2"])
    rnd = random.Random(7)
    stop = threading.Event()
    kills = []

    def killer():
        n = 0
        while not stop.wait(rnd.uniform(0.2, 0.8)):
            which = ["pd", "rd", "child"][n % 3]
            n += 1
            if which == "child":
                # A relay client: a child of a run script that has started
                # and not ended (never anything else, e.g. a sendmail).
                kids = []
                for sh in m.running_clients():
                    kids += [k for k in subprocess.run(
                        ["pgrep", "-P", sh],
                        stdout=subprocess.PIPE).stdout.split()
                        if is_relay_client(m, k)]
                try:
                    if kids:
                        os.kill(int(rnd.choice(kids)), signal.SIGKILL)
                        kills.append("smtprc")
                except ProcessLookupError:
                    pass           # it finished meanwhile
                continue
            m.kill9(which)
            kills.append(which)
            time.sleep(rnd.uniform(0, 0.3))
            (m.start_pd if which == "pd" else m.start_rd)()
    try:
        m.start()
        k = threading.Thread(target=killer)
        k.start()
        try:
            want, rejected = inject_many(m, 1000, 2)
        finally:
            time.sleep(5)      # kills go on into the delivery
            stop.set()
            k.join()
        if m.pd.poll() is not None:
            m.start_pd()
        if m.rd.poll() is not None:
            m.start_rd()
        assert m.wait_empty(300), (m.pending(), m.log()[-3000:])
        missing = want - r.received()
        assert not missing, (len(missing), sorted(missing)[:5])
        assert not m.overlaps(), m.overlaps()[:3]
        assert kills.count("pd") >= 3 and kills.count("rd") >= 3, kills
        print("  kills: %d smtppd, %d smtprcd, %d smtprc; nothing lost"
              % (kills.count("pd"), kills.count("rd"), kills.count("smtprc")))
    finally:
        stop.set()
        m.stop()
        r.stop()


@test
def lists_of_an_entry_still_in_the_maildrop_wait_for_its_sort():
    """smtppd killed after it wrote an entry's links and lists and before
    it removed the entry (here: the entry put back after a whole sort)
    sorts the entry again at its next start, replacing those lists. Until
    then no relay client may work on them: a run that finished one would
    remove the message link the new sort made (a list left without its
    message, the failure kill_9_of_the_daemons_loses_nothing found in CI)
    or send the message a second time. Nor may smtppd's start hand such
    a list back when a route changed (the sort that follows sends it by
    today's routes anyway), and mailq shows the message once."""
    srv, srv2 = FaultServer(), FaultServer()
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % srv.port])
    try:
        rc, err = m.sendmail(b"Subject: t\n\nx\n", "a@sorting.example")
        assert rc == 0, err
        [entry] = m.files("maildrop")
        src = os.path.join(m.queue, "maildrop", entry)
        saved = os.path.join(m.dir, "entry")
        shutil.copy2(src, saved)
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0 and not m.files("maildrop"), p.stderr
        shutil.copy2(saved, src)
        [lst] = m.files("remote")
        assert lst.startswith(entry + "."), lst     # the route's hop
        rc, err = smtprc(m.queue, lst[len(entry) + 1:],
                         [os.path.join(m.queue, "remote", lst)])
        assert rc == EX_TEMPFAIL and not srv.messages, (rc, err)
        if CONFIG_LOG:
            assert "still in maildrop/" in err, err
        rc, out = m.mailq()
        assert rc == 0 and out.count("<a@sorting.example>") == 1 and \
            "not sorted yet" in out, out
        m.start_rd()
        m.fifo_ready("RD")
        time.sleep(1.5)
        assert not m.runs() and not srv.messages, (m.runs(), m.log())
        with open(m.conf) as f:
            conf = f.read()
        with open(m.conf, "w") as f:
            f.write(conf.replace("]:%d" % srv.port, "]:%d" % srv2.port))
        m.start_pd()          # sorts it again and tells smtprcd
        assert m.wait_empty(30), (m.pending(), m.log()[-2000:])
        assert len(srv2.messages) == 1 and not srv.messages, \
            (srv2.messages, srv.messages, m.log()[-2000:])
    finally:
        m.stop()
        srv.stop()
        srv2.stop()


@test
def relay_client_killed_in_its_clean_up_leaves_nothing_behind():
    """The relay client delivered, moved its list to done/ and is killed
    (strace delivers SIGKILL at its first unlink) before it removes the
    message link and the list: smtprcd sweeps the queue when a run ends
    badly, so done/ and mess/ do not keep them until some later run (the
    last run of a queue has no later one; kill_9_of_the_daemons_loses_nothing
    waits for an empty queue)."""
    if RUN:
        raise Skip("strace's signal injection is run on the host build")
    srv = FaultServer()
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % srv.port])
    try:
        with open(m.run) as f:
            script = f.read()
        smtprc_path = os.path.join(m.bin, "smtprc")
        script = script.replace(
            smtprc_path, "strace -f -qq -o /dev/null -e trace=unlinkat,unlink "
            "-e inject=unlinkat,unlink:signal=KILL:when=1 " + smtprc_path, 1)
        with open(m.run, "w") as f:
            f.write(script)
        m.start()
        rc, err = m.sendmail(b"Subject: t\n\nx\n", "a@clean.example")
        assert rc == 0, err
        end = time.time() + 30
        while not [x for x in m.runs() if x[0] == "end"]:
            assert time.time() < end, (m.pending(), m.log()[-2000:])
            time.sleep(0.05)
        assert srv.messages, m.log()[-2000:]
        assert m.runs()[-1][4] == 128 + signal.SIGKILL, m.runs()
        end = time.time() + 10
        while m.pending() and time.time() < end:
            time.sleep(0.1)
        assert not m.pending(), (m.pending(), m.log()[-2000:])
        assert len(srv.messages) == 1, srv.messages    # sent once
    finally:
        m.stop()
        srv.stop()


@test
def smtprcd_sigterm_waits_for_children_and_run_file_errors():
    srv = FaultServer({"dot": lambda body, s: (time.sleep(2), None)[1]})
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % srv.port])
    try:
        m.start()
        rc, err = m.sendmail(b"Subject: t\n\nx\n", "a@slow.example")
        end = time.time() + 10
        while not m.runs():
            assert time.time() < end
            time.sleep(0.05)
        m.rd.send_signal(signal.SIGTERM)
        m.rd.wait(30)
        assert m.rd.returncode == 0
        # It waited for the relay client, which delivered.
        assert srv.messages and [x for x in m.runs() if x[0] == "end"], m.runs()
        if CONFIG_LOG:
            assert "stopping: waiting" in m.log(), m.log()
        # A bad run file: a clear error, exit 64.
        bad = os.path.join(m.dir, "bad.run")
        with open(bad, "w") as f:
            f.write("program smtprc\nargument smtprc\n")
        p = subprocess.run(m.cmd("smtprcd", "--once", bad), env=m.env,
                           stderr=subprocess.PIPE)
        assert p.returncode == EX_USAGE and b"must be an absolute path" in p.stderr, p.stderr
        with open(bad, "w") as f:
            f.write("program /bin/true\nrun fast\n")
        p = subprocess.run(m.cmd("smtprcd", "--once", bad), env=m.env,
                           stderr=subprocess.PIPE)
        assert p.returncode == EX_USAGE and b":2: not program" in p.stderr, p.stderr
        # A second smtppd on the same queue refuses to start.
        p = subprocess.run(m.cmd("smtppd"), env=m.env, stderr=subprocess.PIPE,
                           timeout=10)
        assert p.returncode == EX_TEMPFAIL and b"another smtppd" in p.stderr, p.stderr
    finally:
        m.stop()
        srv.stop()


@test
def smtprcd_rescans_on_sighup_and_fifo_and_follows_routes():
    a, b = FaultServer(), FaultServer()
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % a.port,
                        "route Special.Example [127.0.0.1]:%d" % b.port])
    try:
        qlib.make_queue(m.queue)
        m.start_rd("/FOREVER")
        m.fifo_ready("RD")
        time.sleep(0.5)
        qlib.add_message(m.queue, "special.example", "x@y.example",
                         ["s@special.example"], "Subject: hup\n\nx\n")
        time.sleep(1)
        assert not b.messages and not a.messages   # /FOREVER: no rescan yet
        m.rd.send_signal(signal.SIGHUP)
        end = time.time() + 10
        while not b.messages and time.time() < end:
            time.sleep(0.05)
        assert b.messages and b.messages[0][1] == ["s@special.example"], m.log()
        qlib.add_message(m.queue, "other.example", "x@y.example",
                         ["o@other.example"], "Subject: fifo\n\nx\n")
        fd = os.open(os.path.join(m.sem, "IU", "SMTP", "RD"),
                     os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b"!")
        os.close(fd)
        end = time.time() + 10
        while not a.messages and time.time() < end:
            time.sleep(0.05)
        assert a.messages and a.messages[0][1] == ["o@other.example"], m.log()
        assert len(b.messages) == 1
    finally:
        m.stop()
        a.stop()
        b.stop()


@test
def full_disk_while_smtprc_writes_a_bounce():
    q = tmpdir()
    mount_tmpfs(q, "96k")
    srv = FaultServer({"rcpt": "550 5.1.1 no such user"})
    try:
        qlib.make_queue(q)
        lst = qlib.add_message(q, "x.example", "me@home.example", ["gone@x.example"],
                               "Subject: b\n\n" + "w" * 20000 + "\n")
        filler = os.path.join(q, "filler")
        with open(filler, "wb") as f:
            try:
                f.write(b"f" * 200000)
            except OSError:
                pass
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst])
        assert rc == EX_IOERR and "bounce not written" in err, (rc, err)
        # The recipient stays pending (the list could not even be
        # rewritten with the reason: the old one stands); nothing is
        # half-written.
        text = open(lst).read()
        assert "rcpt <gone@x.example>" in text, text
        assert not os.listdir(os.path.join(q, "maildrop")) and \
            not os.listdir(os.path.join(q, "tmp")), os.listdir(os.path.join(q, "tmp"))
        os.unlink(filler)
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst])
        assert rc == 0, err
        assert not os.path.exists(lst) and len(os.listdir(os.path.join(q, "maildrop"))) == 1
    finally:
        srv.stop()
        subprocess.run(["umount", q])


@test
def sendmail_command_line_as_callers_write_it():
    """Clustered flags (-ti, -it, -tv, -fADDR), -O option=value and -oem
    ignored, -- before a recipient that looks like an option, -bi accepted
    (exit 0), and --help on standard output naming every flag the manual
    page names."""
    import re
    m = Mts()
    try:
        for args in (["-ti"], ["-it"], ["-tvi", "-O", "DeliveryMode=b", "-oem"],
                     ["-t", "-i", "-fcron@nas.example"]):
            rc, err = m.sendmail(b"To: a@x.example\nSubject: s\n\n.\nafter\n", *args)
            assert rc == 0, (args, err)
        rc, err = m.sendmail(b"Subject: s\n\nx\n", "--", "-odd@x.example")
        assert rc == 0, err
        entries = [open(os.path.join(m.queue, "maildrop", n), "rb").read()
                   for n in m.files("maildrop")]
        assert len(entries) == 5, m.files("maildrop")
        assert sum(b"\n.\nafter\n" in e for e in entries) == 4, entries
        assert sum(b"rcpt <-odd@x.example>" in e for e in entries) == 1
        assert sum(b"sender <cron@nas.example>" in e for e in entries) == 1
        p = subprocess.run(m.cmd("sendmail", "-bi"), env=m.env,
                           stdout=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p
        p = subprocess.run(m.cmd("sendmail", "--help"), env=m.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        out = p.stdout.decode()
        assert p.returncode == 0 and not p.stderr, p
        man = open(os.path.join(os.path.dirname(__file__), "..", "..", "man",
                                "sendmail.8")).read()
        for f in sorted(set(re.findall(r"^\.BI? \\-([a-zA-Z])", man, re.M))):
            assert "-" + f in out, (f, out)
        rc, err = m.sendmail(b"x\n", "-tz", "a@x.example")
        assert rc == 64 and "-tz: unknown option" in err, (rc, err)
    finally:
        m.stop()


@test
def own_names_go_through_aliases_to_someone_who_reads_them():
    """Mail for root, postmaster, an unqualified name, user@localhost and
    a bounce to a local sender goes where the aliases file says, or to the
    administrator (admin); other domains are untouched; a broken aliases
    file keeps the entry in maildrop/ and says where it is broken."""
    m = Mts(conf_lines=["admin ops@example.com"])
    try:
        aliases = os.path.join(m.dir, "aliases")
        with open(aliases, "w") as f:
            f.write("root: admin@example.com\npostmaster: root\n"
                    "backup: b1@example.org,\n  b2@example.org\n")
        with open(m.conf, "a") as f:
            f.write("aliases %s\n" % aliases)
        rc, err = m.sendmail(b"Subject: s\n\nx\n", "root", "Postmaster",
                             "backup@localhost", "bob", "carol@example.net")
        assert rc == 0, err
        p = subprocess.run(m.cmd("smtppd", "--once", "/V"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr
        rcpts = {}
        for n in m.files("remote"):
            for l in open(os.path.join(m.queue, "remote", n)):
                if l.startswith("rcpt <"):
                    rcpts.setdefault(n.split(".", 1)[1], []).append(l[6:].split(">")[0])
        assert rcpts == {"example.com": ["admin@example.com", "ops@example.com"],
                         "example.org": ["b1@example.org", "b2@example.org"],
                         "example.net": ["carol@example.net"]}, rcpts
        # A bounce to a local sender reaches the administrator too.
        with open(os.path.join(m.queue, "maildrop", "1-2-3"), "w") as f:
            f.write("smtprc-maildrop 1\nsender <>\n"
                    "rcpt <cron@nas1.smtprc-test.invalid>\n\nSubject: bounce\n\nx\n")
        # A broken aliases file: the entry waits, the line is named.
        with open(aliases, "w") as f:
            f.write("root admin@example.com\n")
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert "aliases %s:1:" % aliases in p.stderr.decode(), p.stderr
        assert "1-2-3" in m.files("maildrop"), m.files("maildrop")
        with open(aliases, "w") as f:
            f.write("root: admin@example.com\n")
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0 and m.files("maildrop") == [], p.stderr
        lists = [n for n in m.files("remote") if n.startswith("1-2-3.")]
        assert lists == ["1-2-3.example.com"], m.files("remote")
        text = open(os.path.join(m.queue, "remote", lists[0])).read()
        assert "rcpt <ops@example.com>" in text, text
    finally:
        m.stop()


@test
def sendmail_qualifies_header_addresses_with_the_origin():
    """Cron's "From: root (Cron Daemon)", mutt's "To: root": addresses
    without a domain get @origin in From, To, Cc, Reply-To and Sender (as
    nullmailer-inject and Postfix's append_at_myorigin do); qualified
    addresses, display names, comments and other fields stay byte for
    byte."""
    m = Mts()
    try:
        msg = ("From: root (Cron Daemon)\nTo: root\nCc: \"Ops, nightly\" <ops>,\n"
               "\tx@y.example\nReply-To: Caf\u00e9 <admin>\nX-Note: root\n"
               "Subject: cron\n\nroot\n").encode()
        rc, err = m.sendmail(msg, "-t")
        assert rc == 0, err
        entry = open(os.path.join(m.queue, "maildrop", m.files("maildrop")[0]),
                     "rb").read()
        o = b"nas1.smtprc-test.invalid"
        head = entry.split(b"\n\n")[1]
        assert head.startswith(b"From: root@" + o + b" (Cron Daemon)\nTo: root@" + o +
                               b"\nCc: \"Ops, nightly\" <ops@" + o + b">,\n\tx@y.example\n"
                               b"Reply-To: Caf\xc3\xa9 <admin@" + o + b">\nX-Note: root\n"
                               b"Subject: cron\n"), head
        assert entry.endswith(b"\n\nroot\n"), entry
    finally:
        m.stop()


def bs(m, dialogue, timeout=60):
    """sendmail -bs with the client's lines (CR LF added) written at once
    (pipelined); returns (status, the replies' lines)."""
    p = subprocess.run(m.cmd("sendmail", "-bs"), env=m.env,
                       input=b"".join(l + b"\r\n" for l in dialogue),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode().split("\r\n")


@test
def sendmail_bs_speaks_smtp_on_standard_input():
    """Nextcloud's and Swift Mailer's mode: two messages in one pipelined
    session, each a maildrop entry with its own identifier once "250
    queued" is said; dot-unstuffing; an unqualified sender qualified; bad
    commands refused with their codes (SIZE: over the limit 552, not
    1*20DIGIT 501, 20 digits over 2^64 552); a client gone before the end
    of DATA queues nothing."""
    m = Mts(conf_lines=["max-message-size 100000"])
    try:
        rc, out = bs(m, [b"EHLO nextcloud", b"MAIL FROM:<www-data>",
                         b"RCPT TO:<bob@example.com>", b"RCPT TO:<bad address>",
                         b"RCPT TO:<\"john doe\"@example.com>", b"DATA",
                         b"Subject: one", b"", b"..dot", b"line", b".",
                         b"MAIL FROM:<a@b.example> SIZE=200000",
                         b"MAIL FROM:<a@b.example> SIZE=1x",
                         b"MAIL FROM:<a@b.example> SIZE=" + b"9" * 20,
                         b"MAIL FROM:<a@b.example> FOO=1",
                         b"DATA", b"RCPT TO:<carol@example.com>",
                         b"MAIL FROM:<a@b.example> SIZE=10 BODY=8BITMIME",
                         b"RCPT TO:<carol@example.com>", b"DATA", b"Subject: two",
                         b"", b"x", b".", b"NOOP", b"WHAT", b"QUIT"])
        assert rc == 0, out
        codes = [l[:3] for l in out if l and l[3:4] == " "]
        assert codes == ["220", "250", "250", "250", "501", "250", "354", "250",
                         "552", "501", "552", "555", "503", "503", "250", "250",
                         "354", "250",
                         "250", "500", "221"], out
        queued = [l.split()[-1] for l in out if "queued as" in l]
        assert len(set(queued)) == 2 and sorted(queued) == m.files("maildrop"), \
            (queued, m.files("maildrop"))
        first = open(os.path.join(m.queue, "maildrop", queued[0]), "rb").read()
        assert first.startswith(b"smtprc-maildrop 1\nsender <www-data@"
                                b"nas1.smtprc-test.invalid>\nrcpt <bob@example.com>\n"
                                b"rcpt <\"john doe\"@example.com>\n\n"), first
        assert first.endswith(b"\n\n.dot\r\nline\r\n"), first
        # Gone in the middle of DATA: nothing queued, an error said.
        before = m.files("maildrop")
        rc, out = bs(m, [b"HELO x", b"MAIL FROM:<a@b.example>",
                         b"RCPT TO:<c@example.com>", b"DATA", b"Subject: cut",
                         b"", b"no end"])
        assert rc != 0 and any(l.startswith("554 ") for l in out), (rc, out)
        assert m.files("maildrop") == before and not m.files("tmp")
        # One recipient more than a message may have: 452 4.5.3 (try the
        # rest later, RFC 5321 4.5.3.1.10), not 553; the others are queued.
        rc, out = bs(m, [b"HELO x", b"MAIL FROM:<a@b.example>"] +
                     [b"RCPT TO:<r%d@example.com>" % i for i in range(101)] +
                     [b"DATA", b"Subject: many", b"", b"x", b".", b"QUIT"])
        codes = [l[:9] for l in out if l and l[3:4] == " "]
        assert codes[3:103] == ["250 2.1.5"] * 100 and \
            codes[103] == "452 4.5.3", out[100:106]
        assert len(m.files("maildrop")) == len(before) + 1, m.files("maildrop")
    finally:
        m.stop()
