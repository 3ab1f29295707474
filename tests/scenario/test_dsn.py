"""DSN (RFC 3461, 3464) end to end: sendmail -N, -R, -V through the queue
to Postfix (which offers DSN and acts on it), and our own reports against
the fault server (which does not): NOTIFY=NEVER, RET=HDRS, ENVID and
Original-Recipient, the "relayed" notice, and delay warnings."""
import email
import email.policy
import os
import subprocess
import time

import qlib
from faultsmtp import FaultServer
from harness import CONFIG_LOG, PrivatePostfix, smtprc, test, tmpdir
from mts import Mts
from sysexits import EX_TEMPFAIL, EX_USAGE

SHORT = ["--timeout-connect=3", "--timeout-greeting=3", "--timeout-helo=3",
         "--timeout-mail=3", "--timeout-rcpt=3", "--timeout-data=3",
         "--timeout-block=3", "--timeout-dot=3", "--timeout-quit=3"]
MSG = ("From: alice@example.org\nTo: bob@example.com\nSubject: dsn\n"
       "Message-ID: <dsn@test>\n\nthe body line\n")


def parsed(raw):
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def reports(q):
    """[(subject, per-message fields, [per-recipient fields], third part)]"""
    out = []
    for env, raw in qlib.read_maildrop(q):
        assert env["sender"] == "", env
        m = parsed(raw)
        assert m.get_content_type() == "multipart/report", m.get_content_type()
        blocks = m.get_payload()[1].get_payload()
        out.append((m["Subject"], blocks[0], blocks[1:], m.get_payload()[2]))
    return out


def run(q, lists, rules, *opts):
    with FaultServer(rules) as srv:
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, lists, *(SHORT + list(opts)))
    return rc, err, srv


@test
def sendmail_options_reach_postfix():
    """-N success,failure -R hdrs -V ENV42: the queue keeps them (version 2
    files), MAIL carries RET and ENVID, RCPT NOTIFY and ORCPT, and Postfix
    acts on NOTIFY=SUCCESS by writing a success notification."""
    with PrivatePostfix() as pf:
        m = Mts()
        try:
            for bad in (("-N", "never,success"), ("-R", "most"), ("-V", "a b")):
                rc, err = m.sendmail(MSG.encode(), *bad, "bob@example.com")
                assert rc == EX_USAGE and bad[0] in err, (bad, rc, err)
            rc, err = m.sendmail(MSG.encode(), "-N", "success,failure", "-R",
                                 "hdrs", "-V", "ENV42", "-f", "me@home.example",
                                 "bob@example.com", "carol")
            assert rc == 0, err
            entry = open(os.path.join(m.queue, "maildrop", m.files("maildrop")[0])).read()
            assert entry.startswith("smtprc-maildrop 2\n"), entry[:200]
            assert "envid ENV42\nret hdrs\n" in entry, entry[:300]
            assert "notify success,failure\norcpt rfc822;bob@example.com\n" in entry
            p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                               stderr=subprocess.PIPE, timeout=60)
            assert p.returncode == 0, p.stderr
            lst = [os.path.join(m.queue, "remote", n) for n in m.files("remote")
                   if n.endswith(".example.com")]
            assert len(lst) == 1, m.files("remote")
            text = open(lst[0]).read()
            assert text.startswith("smtprc-list 2\n") and "envid ENV42\n" in text, text
            rc, err = smtprc(m.queue, "127.0.0.1:%d" % pf.port, lst, "/V")
            assert rc == 0, (rc, err)
            assert len(pf.delivered("example.com", "bob")) == 1
            if CONFIG_LOG:
                assert "> MAIL FROM:<me@home.example> SIZE=" in err and \
                    " RET=HDRS ENVID=ENV42" in err, err
                assert "> RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE " \
                    "ORCPT=rfc822;bob@example.com" in err, err
            end = time.time() + 10
            while "sender delivery status notification" not in pf.log() and \
                    time.time() < end:
                time.sleep(0.2)
            assert "sender delivery status notification" in pf.log(), pf.log()[-2000:]
            # Postfix reports itself: nothing from us.
            assert qlib.read_maildrop(m.queue) == []
        finally:
            m.stop()


def dsn_for(rcpts, notify=None, orcpt=True, **msg):
    d = dict(msg)
    for r in rcpts:
        d[r] = {}
        if notify:
            d[r]["notify"] = notify
        if orcpt:
            d[r]["orcpt"] = "rfc822;" + r.upper()
    return d


@test
def never_and_failure_and_hdrs():
    """NOTIFY=NEVER: a refused recipient is bounced without a report;
    NOTIFY=FAILURE with RET=HDRS and ENVID: one report, the header only,
    ENVID and Original-Recipient echoed."""
    q = qlib.make_queue(tmpdir())
    never = qlib.add_message(q, "example.com", "alice@example.org",
                             ["bob@example.com"], MSG,
                             dsn=dsn_for(["bob@example.com"], "never"))
    fail = qlib.add_message(q, "example.com", "alice@example.org",
                            ["carol@example.com"], MSG,
                            dsn=dsn_for(["carol@example.com"], "failure",
                                        envid="E-77", ret="hdrs"))
    rc, err, srv = run(q, [never, fail], {"rcpt": "550 5.1.1 no such user"})
    assert rc == 0, (rc, err)
    assert not os.path.exists(never) and not os.path.exists(fail)
    (subj, per_msg, blocks, third), = reports(q)
    assert subj == "Undelivered Mail Returned to Sender", subj
    assert per_msg["Original-Envelope-Id"] == "E-77", per_msg
    b, = blocks
    assert b["Original-Recipient"] == "rfc822; CAROL@EXAMPLE.COM", b
    assert b["Final-Recipient"] == "rfc822; carol@example.com", b
    assert b["Action"] == "failed" and b["Status"] == "5.1.1", b
    assert third.get_content_type() == "text/rfc822-headers"
    assert b"the body line" not in third.get_payload().encode(), third.get_payload()
    if CONFIG_LOG:
        assert "no failure report (NOTIFY" in err, err


@test
def relayed_notice_for_success_without_dsn():
    """NOTIFY=SUCCESS to a server without DSN: delivered, and the sender
    gets one "relayed" report (status 2.0.0, the header only); a recipient
    without NOTIFY gets none; with a server offering DSN, none."""
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["bob@example.com", "carol@example.com"], MSG,
                           dsn={"envid": "R1", "bob@example.com":
                                {"notify": "success,failure"}})
    rc, err, srv = run(q, [lst], {})
    assert rc == 0, (rc, err)
    assert len(srv.messages) == 1
    (subj, per_msg, blocks, third), = reports(q)
    assert subj == "Successful Mail Delivery Report", subj
    assert per_msg["Original-Envelope-Id"] == "R1"
    b, = blocks
    assert b["Final-Recipient"] == "rfc822; bob@example.com", b
    assert b["Action"] == "relayed" and b["Status"] == "2.0.0", b
    assert third.get_content_type() == "text/rfc822-headers"
    # The same with DSN offered: the server was told, we say nothing.
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["bob@example.com"], MSG,
                           dsn={"bob@example.com": {"notify": "success"}})
    ehlo = "250-fault.test\r\n250-PIPELINING\r\n250-DSN\r\n250 8BITMIME"
    rc, err, srv = run(q, [lst], {"ehlo": ehlo})
    assert rc == 0, (rc, err)
    assert any(c.startswith("RCPT TO:<bob@example.com> NOTIFY=SUCCESS")
               for c in srv.commands), srv.commands
    assert qlib.read_maildrop(q) == []


def two_domain_message(m, *args):
    rc, err = m.sendmail(MSG.encode(), "-f", "me@home.example", *args,
                         "a@one.example", "b@two.example")
    assert rc == 0, err
    p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                       stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 0, p.stderr
    lists = {}
    for n in m.files("remote"):
        path = os.path.join(m.queue, "remote", n)
        text = open(path).read()
        # Queued five hours ago.
        old = [l for l in text.splitlines() if l.startswith("queued ")][0]
        text = text.replace(old + "\n", "queued %d\n" % (time.time() - 5 * 3600))
        with open(path, "w") as f:
            f.write(text)
        lists[n.split(".", 1)[1]] = path
    return lists


@test
def delay_warning_once_per_message():
    """A message queued 5 hours ago for two domains, deferred at both: one
    delay warning (Action delayed, Will-Retry-Until), on the first run
    only, whichever domain; none with --delay-warning=0, for NOTIFY
    without DELAY, or for a null sender."""
    m = Mts()
    try:
        lists = two_domain_message(m)
        rc, err, srv = run(m.queue, [lists["one.example"]],
                           {"rcpt": "450 4.2.0 busy"})
        assert rc == EX_TEMPFAIL, (rc, err)
        (subj, per_msg, blocks, third), = reports(m.queue)
        assert subj == "Delayed Mail (still being retried)", subj
        b, = blocks
        assert b["Action"] == "delayed" and b["Status"] == "4.2.0", b
        assert b["Final-Recipient"] == "rfc822; a@one.example", b
        assert "Will-Retry-Until" in b, b
        assert third.get_content_type() == "text/rfc822-headers"
        for n in m.files("maildrop"):
            os.unlink(os.path.join(m.queue, "maildrop", n))
        for lst in (lists["two.example"], lists["one.example"]):
            rc, err, srv = run(m.queue, [lst], {"rcpt": "450 4.2.0 busy"})
            assert rc == EX_TEMPFAIL, (rc, err)
        assert m.files("maildrop") == [], "a second delay warning"
    finally:
        m.stop()
    for opts, args in (((), ("-N", "failure")), (("--delay-warning=0",), ()),
                       ((), ("-f", "<>"))):
        m = Mts()
        try:
            rc, err = m.sendmail(MSG.encode(), *args, "a@one.example")
            assert rc == 0, err
            subprocess.run(m.cmd("smtppd", "--once"), env=m.env, timeout=60,
                           stderr=subprocess.DEVNULL)
            path = os.path.join(m.queue, "remote", m.files("remote")[0])
            text = open(path).read()
            old = [l for l in text.splitlines() if l.startswith("queued ")][0]
            with open(path, "w") as f:
                f.write(text.replace(old + "\n", "queued %d\n" % (time.time() - 5 * 3600)))
            rc, err, srv = run(m.queue, [path], {"rcpt": "450 4.2.0 busy"}, *opts)
            assert rc == EX_TEMPFAIL, (rc, err)
            assert m.files("maildrop") == [], (opts, args)
        finally:
            m.stop()
