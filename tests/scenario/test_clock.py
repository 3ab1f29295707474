"""A box without a real-time clock (issue 16): it boots at 1970 and its
clock is set later (NTP, date -s). What was queued or tried with the wrong
clock must not look 56 years old (bounced as expired) nor wait until 2082
for its retry, and a message needs a Date field once the clock is known.
The host's clock cannot be set back here: the queue files carry the other
time instead (queued 1970, a modification time in the future)."""
import email
import email.utils
import os
import subprocess
import time

import qlib
from faultsmtp import FaultServer
from harness import Skip, smtprc, test, tmpdir
from mts import Mts
from sysexits import EX_TEMPFAIL

DOWN = {"rcpt": "451 4.3.0 try later"}
BOOT_1970 = 86404      # seconds after the epoch: a router's clock at boot


@test
def list_queued_at_1970_starts_its_lifetime_when_the_clock_is_set():
    """A list queued while the clock said 1970, tried now with a server
    that defers: deferred, not bounced as expired (lifetime 5 days), its
    queued time now today's, so the lifetime counts from here."""
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "ups@nas1.example",
                           ["admin@example.com"], "Subject: on battery\n\nx\n",
                           queued=BOOT_1970, attempts=2)
    with FaultServer(DOWN) as srv:
        t0 = int(time.time())
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, [lst])
    assert rc == EX_TEMPFAIL, (rc, err)
    assert qlib.read_maildrop(q) == [], "bounced as expired: %s" % err
    l = qlib.read_list(lst)
    assert l["attempts"] == "3", l
    assert t0 <= int(l["queued"]) <= int(time.time()), l
    assert l["rcpts"] == [("admin@example.com", "451 4.3.0 try later")], l


@test
def a_message_without_date_gets_one_when_relayed():
    """sendmail writes no Date field while the clock is unset; the relay
    client adds one with the time it sends the message (RFC 5322 section
    3.6.1), before the header it has, and counts it in SIZE. A message that
    has one keeps it alone."""
    q = qlib.make_queue(tmpdir())
    bare = qlib.add_message(q, "example.com", "ups@nas1.example",
                            ["a@example.com"],
                            "From: ups@nas1.example\nSubject: bare\n\nbody\n")
    dated = qlib.add_message(q, "example.com", "ups@nas1.example",
                             ["b@example.com"],
                             "From: ups@nas1.example\nDATE: Sat, 28 Nov 2026 "
                             "10:00:00 +0000\nSubject: dated\n\nbody\n")
    with FaultServer() as srv:
        t0 = time.time()
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, [bare, dated])
        t1 = time.time()
    assert rc == 0, (rc, err)
    got = {rs[0]: body for _, rs, body in srv.messages}
    m = email.message_from_bytes(got["a@example.com"])
    assert len(m.get_all("Date")) == 1, got["a@example.com"]
    assert got["a@example.com"].startswith(b"Date: "), got["a@example.com"]
    when = email.utils.parsedate_to_datetime(m["Date"]).timestamp()
    assert t0 - 1 <= when <= t1 + 1, (m["Date"], t0, t1)
    assert m.get_payload() == "body\r\n" or m.get_payload() == "body\n"
    m = email.message_from_bytes(got["b@example.com"])
    assert m.get_all("Date") == ["Sat, 28 Nov 2026 10:00:00 +0000"], \
        got["b@example.com"]
    sizes = [c for c in srv.commands if c.startswith("MAIL")]
    first = int(sizes[0].split("SIZE=")[1].split()[0])
    assert first == len(got["a@example.com"]), (sizes, len(got["a@example.com"]))


@test
def a_list_from_the_future_is_retried_on_its_back_off_from_now():
    """After a power cut the box boots at 1970: the lists written before it
    have modification times decades ahead. smtprcd restarts their back-off
    from now (a list with 2 attempts, retry-first 1: due 2 s later), not
    from a time it will not reach before 2082."""
    with FaultServer() as srv:
        m = Mts(conf_lines=["route * [127.0.0.1]:%d" % srv.port,
                            "retry-first 1", "retry-max 4"])
        try:
            qlib.make_queue(m.queue)
            lst = qlib.add_message(m.queue, "example.com", "ups@nas1.example",
                                   ["admin@example.com"],
                                   "Subject: from before\n\nx\n", attempts=2)
            future = time.time() + 86400 * 365 * 56
            os.utime(lst, (future, future))
            m.start_rd()
            m.fifo_ready("RD")
            end = time.time() + 20
            while os.path.exists(lst):
                assert time.time() < end, (m.runs(), m.log()[-2000:])
                time.sleep(0.1)
            assert [rs for _, rs, _ in srv.messages] == [["admin@example.com"]]
        finally:
            m.stop()


def _boot_sendmail(m, text):
    """sendmail as the first program of a fresh PID namespace: as on a box
    whose init starts the same programs in the same order at every boot,
    it has the same PID each time."""
    p = subprocess.run(["unshare", "--pid", "--fork"] +
                       m.cmd("sendmail", "admin@example.com"),
                       input=b"Subject: " + text + b"\n\n" + text + b"\n",
                       stderr=subprocess.PIPE, env=m.env, timeout=60)
    assert p.returncode == 0, p.stderr


@test
def two_boots_with_the_same_clock_and_pids_queue_two_messages():
    """Boot 1 queues a message (sorted by smtppd) and loses power before
    it is relayed; boot 2, its clock at the same second and its programs
    at the same PIDs, queues another, first while boot 1's is sorted, then
    while it is still in the maildrop. The queue's names and Message-IDs
    once were TIME-PID-SEQ: the second replaced the first, and a receiver
    could take the second for a copy of the first. Both must stay, under
    names and Message-IDs of their own."""
    for attempt in range(5):
        m = Mts()
        time.sleep(1.05 - time.time() % 1)    # early in a second
        _boot_sendmail(m, b"one")
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr
        _boot_sendmail(m, b"two")             # the sorted one's name
        _boot_sendmail(m, b"three")           # the unsorted one's name
        m.stop()
        drop = m.files("maildrop")
        mess = m.files("mess")
        names = [n.split(".")[0] for n in mess] + drop
        # The scenario happened when the first two fields agree.
        if len({tuple(n.split("-")[:2]) for n in names}) == 1:
            break
    else:
        raise Skip("the three sendmails never ran within one second")
    assert len(mess) == 1 and len(drop) == 2, (mess, drop)
    texts, ids = set(), set()
    for path in ([os.path.join(m.queue, "mess", mess[0])] +
                 [os.path.join(m.queue, "maildrop", n) for n in drop]):
        data = open(path, "rb").read()
        msg = email.message_from_bytes(data.split(b"\n\n", 1)[1]
                                       if "maildrop" in path else data)
        texts.add(msg["Subject"])
        ids.add(msg["Message-ID"])
    assert texts == {"one", "two", "three"}, texts
    assert len(ids) == 3, ids
    p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                       stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 0, p.stderr
    assert len(m.files("mess")) == 3 and len(m.files("remote")) == 3, \
        m.pending()
