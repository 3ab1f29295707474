"""smtprcd at scale (issue 15): the back-off holds for a whole domain, even
one with more lists than a run takes and even when its relay client
refuses to run; the lists a run left out get the next turn (round robin);
more domains than SMTPRCD_DOMAINS_MAX are all served, those that wait out
a back-off giving their table entries to the others."""
import os
import re
import time

import qlib
from faultsmtp import FaultServer
from harness import RUN, test
from mts import Mts

DOWN = {"greeting": "421 4.3.2 down for maintenance"}


def starts(m, domain=None):
    return [x for x in m.runs() if x[0] == "start" and
            (domain is None or x[1] == domain)]


def attempts(path):
    m = re.search(r"^attempts (\d+)$", open(path).read(), re.M)
    return int(m.group(1))


@test
def back_off_holds_for_a_domain_with_more_lists_than_a_run():
    """300 lists for one domain whose server answers 421 (SMTPRCD_LISTS_MAX
    is 256): one run every retry period, not one per scan, and the second
    run starts with the 44 lists the first left out, so every list has been
    tried once after two runs."""
    srv = FaultServer(DOWN)
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % srv.port, "retry-first 3",
                        "retry-max 3"])
    try:
        qlib.make_queue(m.queue)
        lists = [qlib.add_message(m.queue, "many.example", "a@b.example",
                                  ["r%d@many.example" % i], "Subject: %d\n\nx\n" % i)
                 for i in range(300)]
        m.start_rd()
        m.fifo_ready("RD")
        end = time.time() + 30
        while len([x for x in m.runs() if x[0] == "end"]) < 2:
            assert time.time() < end, m.runs()
            time.sleep(0.1)
        first = starts(m)
        time.sleep(2)
        # Two runs in about 3 s, and no third before the back-off ends.
        assert len(starts(m)) == 2, (m.runs(), m.log()[-3000:])
        assert first[1][3] - first[0][3] >= 2.5, m.runs()
        tried = [attempts(p) for p in lists]
        assert min(tried) >= 1, sorted(tried)[:50]
        assert max(tried) == 1, sorted(tried)[-50:]
        assert srv.sessions == 2, srv.sessions
    finally:
        m.stop()
        srv.stop()


@test
def back_off_holds_when_the_relay_client_refuses_to_run():
    """A run file whose program exits 64 on every run (its configuration
    cannot be read), one of its domains with more lists than a run takes:
    smtprcd logs it and waits retry-first, doubling; it does not start
    thousands of clients."""
    m = Mts(conf_lines=["retry-first 1", "retry-max 2"])
    try:
        qlib.make_queue(m.queue)
        script = os.path.join(m.dir, "refuse")
        with open(script, "w") as f:
            f.write("#!/bin/sh\necho \"start $1 $$ $(date +%%s.%%N)\" >> %s\n"
                    "echo 'smtprc: usage error: cannot read its configuration' >&2\n"
                    "echo \"end $1 $$ $(date +%%s.%%N) 64\" >> %s\nexit 64\n"
                    % (m.runlog, m.runlog))
        os.chmod(script, 0o755)
        m.run = script
        for i in range(5):
            qlib.add_message(m.queue, "d%d.example" % i, "a@b.example",
                             ["x@d%d.example" % i], "Subject: s\n\nx\n")
        # More lists than a run takes (what made the old smtprcd start
        # about 500 clients a second).
        for i in range(300):
            qlib.add_message(m.queue, "d0.example", "a@b.example",
                             ["y%d@d0.example" % i], "Subject: s\n\nx\n")
        m.start_rd()
        time.sleep(4.5)
        per = {}
        for x in starts(m):
            per[x[1]] = per.get(x[1], 0) + 1
        # At 0, 1 and 3 s: three runs a domain at most (+1 for timing).
        assert sorted(per) == ["d%d.example" % i for i in range(5)], per
        assert max(per.values()) <= 4, per
        assert "refused its arguments" in m.log(), m.log()[-2000:]
    finally:
        m.stop()


@test
def more_domains_than_the_table_are_all_served():
    """120 domains (SMTPRCD_DOMAINS_MAX is 64): 90 down (421), 30 up. Every
    up domain is delivered and every down domain tried, within one retry
    period: down domains waiting out their back-off hand their entries to
    the rest."""
    down, up = FaultServer(DOWN), FaultServer()
    good = ["g%02d.example" % i for i in range(30)]
    bad = ["b%02d.example" % i for i in range(90)]
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % down.port] +
            ["route %s [127.0.0.1]:%d" % (g, up.port) for g in good] +
            ["retry-first 60", "retry-max 60"], concurrency=8)
    try:
        qlib.make_queue(m.queue)
        paths = {}
        for dom in bad + good:
            paths[dom] = qlib.add_message(m.queue, dom, "a@b.example",
                                          ["x@" + dom], "Subject: s\n\nx\n")
        m.start_rd()
        end = time.time() + 40
        while time.time() < end:
            if len(up.messages) == 30 and all(
                    attempts(paths[b]) >= 1 for b in bad):
                break
            time.sleep(0.2)
        got = sorted(r[0].split("@")[1] for _, r, _ in up.messages)
        assert got == good, (len(got), m.log()[-3000:])
        untried = [b for b in bad if attempts(paths[b]) < 1]
        assert not untried, (len(untried), m.log()[-3000:])
        # Within the 60 s back-off nobody was tried twice.
        per = {}
        for x in starts(m):
            per[x[1]] = per.get(x[1], 0) + 1
        assert max(per.values()) == 1, [d for d, n in per.items() if n > 1]
    finally:
        m.stop()
        down.stop()
        up.stop()


@test
def relay_client_by_hand_leaves_a_locked_domain_alone():
    """While another relay client holds lock/DOMAIN (as smtprcd's child
    does), smtprc run by hand touches nothing and exits 75, even when told
    SMTPRC_LOCK_FD of a descriptor that is not that lock; a list named but
    already gone is skipped."""
    import fcntl
    from harness import smtprc
    from sysexits import EX_TEMPFAIL
    srv = FaultServer()
    m = Mts()
    try:
        qlib.make_queue(m.queue)
        lst = qlib.add_message(m.queue, "held.example", "a@b.example",
                               ["x@held.example"], "Subject: h\n\nx\n")
        before = open(lst).read()
        os.makedirs(os.path.join(m.queue, "lock"), exist_ok=True)
        lock = open(os.path.join(m.queue, "lock", "held.example"), "w")
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        route = "--route=* [127.0.0.1]:%d" % srv.port
        rc, err = smtprc(m.queue, "held.example", [lst], route)
        assert rc == EX_TEMPFAIL and "another relay client" in err, (rc, err)
        os.environ["SMTPRC_LOCK_FD"] = "0"
        try:
            rc, err = smtprc(m.queue, "held.example", [lst], route)
        finally:
            del os.environ["SMTPRC_LOCK_FD"]
        assert rc == EX_TEMPFAIL, (rc, err)
        assert open(lst).read() == before and not srv.messages
        lock.close()
        gone = os.path.join(m.queue, "remote", "1-1-1.held.example")
        rc, err = smtprc(m.queue, "held.example", [gone, lst], route)
        assert rc == 0 and len(srv.messages) == 1, (rc, err)
        assert not os.path.exists(lst)
    finally:
        m.stop()
        srv.stop()


@test
def run_file_chdir_starts_the_client_in_that_directory():
    """A run file's chdir: the relay client starts there (smtprcd itself
    stays in the queue) and gets its lists as absolute paths."""
    srv = FaultServer()
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % srv.port])
    try:
        qlib.make_queue(m.queue)
        where = os.path.join(m.dir, "where")
        elsewhere = os.path.join(m.dir, "elsewhere")
        os.makedirs(elsewhere)
        m.run = os.path.join(m.dir, "chdir.run")
        with open(m.run, "w") as f:
            f.write("program /bin/sh\nargument sh\nargument -c\n"
                    "argument pwd > %s; echo \"$@\" >> %s; exec %s \"$@\"\n"
                    "argument smtprc\nchdir %s\n"
                    % (where, where, " ".join(RUN + [os.path.join(m.bin, "smtprc")]),
                       elsewhere))
        for i in range(2):     # one domain: one run
            qlib.add_message(m.queue, "cd.example", "a@b.example",
                             ["x%d@cd.example" % i], "Subject: c\n\nx\n")
        import subprocess
        p = subprocess.run(m.cmd("smtprcd", "--once", m.run), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr
        lines = open(where).read().splitlines()
        assert lines[0] == elsewhere, lines
        assert all(a.startswith(m.queue + "/remote/") for l in lines[1:]
                   for a in l.split()[1:]), lines
        assert len(lines) == 2 and len(lines[1].split()) == 3, lines
        assert len(srv.messages) == 2 and qlib.queue_files(m.queue) == [], \
            (srv.messages, qlib.queue_files(m.queue))
    finally:
        m.stop()
        srv.stop()


@test
def a_burst_of_mail_is_delivered_without_waiting_for_a_timer():
    """sendmail called 300 times in a row, three times over, smtprcd with
    /FOREVER (no periodic pass), Postfix's smtp-sink as the server: every
    message arrives. A pass made while a run worked counted lists the run
    then settled; the old count said nothing was left, and new mail waited
    for the next /TIMEOUT (here for ever)."""
    import subprocess
    from harness import SmtpSink
    sink = SmtpSink()
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % sink.port])
    try:
        m.start_pd()
        m.start_rd("/FOREVER")
        m.fifo_ready("PD")
        m.fifo_ready("RD")
        msg = os.path.join(m.dir, "msg")
        with open(msg, "w") as f:
            f.write("Subject: burst\n\nx\n")
        argv = " ".join("'%s'" % a for a in m.cmd("sendmail", "-f", "a@b.example",
                                                    "x@burst.example"))
        for rnd in range(3):
            p = subprocess.run(["sh", "-c", "for i in $(seq 300); do %s < %s || "
                                "exit 1; done" % (argv, msg)], env=m.env, timeout=300)
            assert p.returncode == 0
            end = time.time() + 30
            while sink.stats()[2] < 300 * (rnd + 1) and time.time() < end:
                time.sleep(0.05)
            assert sink.stats()[2] == 300 * (rnd + 1), (rnd, sink.stats(), m.pending())
    finally:
        m.stop()
        sink.stop()
