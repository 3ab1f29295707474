"""Faults from the scriptable server (faultsmtp): every stage's 4xx/5xx,
421, drops, silence, garbage and overlong replies. Each test asserts the
exact queue state afterwards and the bounce content."""
import email
import email.policy
import os

import qlib
from faultsmtp import FaultServer
from harness import CONFIG_LOG, smtprc, test, tmpdir
from sysexits import EX_TEMPFAIL

SHORT = ["--timeout-connect=2", "--timeout-greeting=2", "--timeout-helo=2",
         "--timeout-mail=2", "--timeout-rcpt=2", "--timeout-data=2",
         "--timeout-block=2", "--timeout-dot=2", "--timeout-quit=2"]


def setup(rcpts=("bob@example.com",), n=1, sender="alice@example.org"):
    q = qlib.make_queue(tmpdir())
    lists = [qlib.add_message(q, "example.com", sender, list(rcpts),
                              "Subject: fault %d\nMessage-ID: <m%d@test>\n\nbody %d\n" % (i, i, i))
             for i in range(n)]
    return q, lists


def on_call(n, answer):
    """A rule giving answer (a reply or "drop") the n-th time its stage
    comes, the server's own reply every other time."""
    calls = [0]

    def rule(arg, srv):
        calls[0] += 1
        return answer if calls[0] == n else None
    return rule


def run(q, lists, rules, *opts):
    with FaultServer(rules) as srv:
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, lists, *(SHORT + list(opts)))
    return rc, err, srv


def assert_deferred(q, lst, rcpts, diag_has, attempts=1):
    l = qlib.read_list(lst)
    assert [r for r, _ in l["rcpts"]] == list(rcpts), l
    assert l["attempts"] == str(attempts), l
    for r, d in l["rcpts"]:
        assert d and diag_has in d, (r, d, diag_has)
    name = os.path.basename(lst)
    assert os.path.exists(os.path.join(q, "mess", name)), "message lost"


def bounces(q):
    """The maildrop's bounces, parsed: [(envelope, email.message)]."""
    out = []
    for env, raw in qlib.read_maildrop(q):
        m = email.message_from_bytes(raw, policy=email.policy.compat32)
        out.append((env, m))
    return out


def check_bounce(env, m, sender, failed):
    """failed: {recipient: (status prefix, diagnostic substring)}"""
    assert env["sender"] == "", env
    assert env["rcpt"] == [sender], env
    assert m.get_content_type() == "multipart/report", m.get_content_type()
    assert m.get_param("report-type") == "delivery-status"
    assert m["From"].startswith("Mail Delivery System <MAILER-DAEMON@")
    assert m["To"] == "<%s>" % sender
    assert m["Auto-Submitted"] == "auto-replied"
    parts = m.get_payload()
    assert parts[0].get_content_type() == "text/plain"
    text = parts[0].get_payload()
    assert parts[1].get_content_type() == "message/delivery-status"
    blocks = parts[1].get_payload()
    assert blocks[0]["Reporting-MTA"].startswith("dns; ")
    per = {b["Final-Recipient"].split(";", 1)[1].strip(): b for b in blocks[1:]}
    assert sorted(per) == sorted(failed), (sorted(per), failed)
    for r, (status, diag) in failed.items():
        b = per[r]
        assert b["Action"] == "failed", b
        assert b["Status"].startswith(status), (b["Status"], status)
        assert diag in b["Diagnostic-Code"], (b["Diagnostic-Code"], diag)
        assert r in text
    assert parts[2].get_content_type() in ("message/rfc822", "text/rfc822-headers")
    return parts


@test
def greeting_554_defers():
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {"greeting": "554 5.7.1 not welcome"})
    assert rc == EX_TEMPFAIL, (rc, err)
    assert_deferred(q, lst, ["bob@example.com"], "554 5.7.1 not welcome")
    assert srv.commands == ["QUIT"], srv.commands
    assert qlib.read_maildrop(q) == []


@test
def greeting_421_defers():
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {"greeting": "421 4.3.2 busy"})
    assert rc == EX_TEMPFAIL, (rc, err)
    assert_deferred(q, lst, ["bob@example.com"], "421 4.3.2 busy")


@test
def mail_550_bounces_every_recipient():
    q, (lst,) = setup(("bob@example.com", "carol@example.com"))
    rc, err, srv = run(q, [lst], {"mail": "550 5.7.1 sender refused"})
    assert rc == 0, (rc, err)
    assert qlib.queue_files(q) and all(f.startswith("maildrop/")
                                       for f in qlib.queue_files(q)), qlib.queue_files(q)
    (env, m), = bounces(q)
    parts = check_bounce(env, m, "alice@example.org",
                         {"bob@example.com": ("5.7.1", "smtp; 550 5.7.1 sender refused"),
                          "carol@example.com": ("5.7.1", "550 5.7.1")})
    orig = parts[2].get_payload()[0]
    assert orig["Subject"] == "fault 0" and orig["Message-ID"] == "<m0@test>"


@test
def mail_451_defers():
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {"mail": "451 4.3.0 try later"})
    assert rc == EX_TEMPFAIL
    assert_deferred(q, lst, ["bob@example.com"], "451 4.3.0 try later")


@test
def rcpt_mixed_outcomes():
    rules = {"rcpt": lambda a, s: {"b@example.com": "550 5.1.1 no such user",
                                   "c@example.com": "450 4.2.1 mailbox busy"}.get(a)}
    q, (lst,) = setup(("b@example.com", "c@example.com", "d@example.com"))
    rc, err, srv = run(q, [lst], rules)
    assert rc == EX_TEMPFAIL, (rc, err)
    assert_deferred(q, lst, ["c@example.com"], "450 4.2.1 mailbox busy")
    assert [m[1] for m in srv.messages] == [["d@example.com"]]
    (env, m), = bounces(q)
    check_bounce(env, m, "alice@example.org",
                 {"b@example.com": ("5.1.1", "550 5.1.1 no such user")})
    # The next run delivers the deferred one and empties the queue, except
    # the bounce waiting in the maildrop.
    rc, err, srv = run(q, [lst], {})
    assert rc == 0, (rc, err)
    assert [m[1] for m in srv.messages] == [["c@example.com"]]
    assert all(f.startswith("maildrop/") for f in qlib.queue_files(q))


@test
def data_554_and_451():
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {"data": "554 5.6.0 no thanks"})
    assert rc == 0, (rc, err)
    (env, m), = bounces(q)
    check_bounce(env, m, "alice@example.org",
                 {"bob@example.com": ("5.6.0", "554 5.6.0 no thanks")})
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {"data": "451 4.3.0 later"})
    assert rc == EX_TEMPFAIL
    assert_deferred(q, lst, ["bob@example.com"], "451 4.3.0 later")


@test
def final_dot_552_and_452():
    q, (lst,) = setup(("b@example.com", "c@example.com"))
    rc, err, srv = run(q, [lst], {"dot": "552 5.3.4 message too big"})
    assert rc == 0, (rc, err)
    (env, m), = bounces(q)
    check_bounce(env, m, "alice@example.org",
                 {"b@example.com": ("5.3.4", "552 5.3.4"),
                  "c@example.com": ("5.3.4", "552 5.3.4")})
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {"dot": "452 4.3.1 no space"})
    assert rc == EX_TEMPFAIL
    assert_deferred(q, lst, ["bob@example.com"], "452 4.3.1 no space")


@test
def reply_421_mid_session():
    q, lists = setup(n=4)
    rc, err, srv = run(q, lists, {"mail": on_call(2, "421 4.3.2 shutting down")})
    assert rc == EX_TEMPFAIL, (rc, err)
    assert srv.sessions == 1, srv.sessions
    assert len(srv.messages) == 1
    assert not os.path.exists(lists[0])
    assert_deferred(q, lists[1], ["bob@example.com"], "421 4.3.2 shutting down")
    for l in lists[2:]:
        assert_deferred(q, l, ["bob@example.com"], "421 4.3.2")


@test
def drop_after_pipelined_dots_finishes_what_was_delivered():
    # The third message's dot reply never comes: the two before it were
    # accepted (each dot reply came in with the next message's replies),
    # so their lists are finished; the third is deferred as a possible
    # duplicate (said once in its log line), the two after it untried.
    q, lists = setup(n=5)
    rc, err, srv = run(q, lists, {"dot": on_call(3, "drop")})
    assert rc == EX_TEMPFAIL, (rc, err)
    for l in lists[:2]:
        assert not os.path.exists(l), (l, err)
        assert not os.path.exists(os.path.join(q, "mess", os.path.basename(l)))
    assert_deferred(q, lists[2], ["bob@example.com"], "")
    if CONFIG_LOG:
        assert err.count("possible duplicate") == 1, err
    for l in lists[3:]:
        assert_deferred(q, l, ["bob@example.com"], "")
    assert os.listdir(os.path.join(q, "done")) == [], "left in done/"


@test
def a_list_named_twice_is_sent_once():
    # The first naming is settled (its pending dot reply read) before the
    # second is loaded: the second finds no list and sends nothing.
    q, lists = setup(n=2)
    rc, err, srv = run(q, lists[:1] + lists[1:] + lists[:1], {})
    assert rc == 0, (rc, err)
    assert len(srv.messages) == 2, (srv.messages, err)
    assert qlib.queue_files(q) == [], qlib.queue_files(q)
    if CONFIG_LOG:
        assert "no such list any more" in err, err


@test
def drop_at_each_stage():
    for stage in ("greeting", "ehlo", "mail", "rcpt", "data", "dot"):
        q, (lst,) = setup()
        rc, err, srv = run(q, [lst], {stage: "drop"})
        assert rc == EX_TEMPFAIL, (stage, rc, err)
        assert_deferred(q, lst, ["bob@example.com"], "", attempts=1)
        if stage == "dot" and CONFIG_LOG:
            assert "possible duplicate" in err, err


@test
def silence_at_each_stage():
    for stage in ("greeting", "ehlo", "mail", "rcpt", "data", "dot"):
        q, (lst,) = setup()
        rc, err, srv = run(q, [lst], {stage: "silence"})
        assert rc == EX_TEMPFAIL, (stage, rc, err)
        assert_deferred(q, lst, ["bob@example.com"], "timed out")


@test
def garbage_and_overlong_replies():
    # Lock-step (no PIPELINING), so that the QUIT after the bad reply is
    # the next command the server reads.
    lock = "250-fault.test\r\n250 8BITMIME"
    cases = {
        "garbage": {"mail": "hello, this is not SMTP"},
        "two-digit": {"rcpt": "25 ok"},
        "mixed": {"rcpt": "250-ok\r\n550 no"},
        "too-many-lines": {"ehlo": "\r\n".join(["250-x"] * 80 + ["250 ok"])},
    }
    for name, rules in cases.items():
        q, (lst,) = setup()
        rc, err, srv = run(q, [lst], dict({"ehlo": lock}, **rules))
        assert rc == EX_TEMPFAIL, (name, rc, err)
        assert_deferred(q, lst, ["bob@example.com"], "protocol error")
        assert srv.commands[-1] == "QUIT", (name, srv.commands)
        assert srv.messages == []
    # Pipelined: the server may already be reading data when the client
    # gives up; closing without the final dot must not deliver anything.
    for name, rules in cases.items():
        q, (lst,) = setup()
        rc, err, srv = run(q, [lst], rules)
        assert rc == EX_TEMPFAIL, (name, rc, err)
        assert_deferred(q, lst, ["bob@example.com"], "protocol error")
        assert srv.messages == []


@test
def ehlo_refused_falls_back_to_helo():
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {"ehlo": "502 5.5.2 what?"})
    assert rc == 0, (rc, err)
    assert srv.commands[0].startswith("EHLO ") and srv.commands[1].startswith("HELO ")
    assert len(srv.messages) == 1


@test
def no_helo_option():
    q, (lst,) = setup()
    rc, err, srv = run(q, [lst], {}, "/HELO-")
    assert rc == 0, (rc, err)
    assert srv.commands[0].startswith("MAIL FROM:<alice@example.org>"), srv.commands
    # Without EHLO no extension may be used: no SIZE parameter.
    assert "SIZE=" not in srv.commands[0]


@test
def size_limit_bounces_without_sending():
    q = qlib.make_queue(tmpdir())
    small = qlib.add_message(q, "example.com", "alice@example.org",
                             ["bob@example.com"], "Subject: s\n\nsmall\n")
    big = qlib.add_message(q, "example.com", "alice@example.org",
                           ["bob@example.com"], "Subject: b\n\n" + "x" * 300 + "\n")
    rc, err, srv = run(q, [small, big],
                       {"ehlo": "250-fault.test\r\n250-PIPELINING\r\n250 SIZE 200"})
    assert rc == 0, (rc, err)
    assert len(srv.messages) == 1
    assert sum(c.startswith("MAIL") for c in srv.commands) == 1, srv.commands
    (env, m), = bounces(q)
    check_bounce(env, m, "alice@example.org", {"bob@example.com": ("5.3.4", "SIZE")})


@test
def lifetime_turns_deferral_into_bounce():
    q = qlib.make_queue(tmpdir())
    import time
    old = qlib.add_message(q, "example.com", "alice@example.org", ["bob@example.com"],
                           "Subject: old\n\nx\n", queued=int(time.time()) - 7200,
                           attempts=9)
    new = qlib.add_message(q, "example.com", "alice@example.org", ["bob@example.com"],
                           "Subject: new\n\nx\n")
    rc, err, srv = run(q, [old, new], {"rcpt": "450 4.2.0 busy"}, "--lifetime=3600")
    assert rc == EX_TEMPFAIL, (rc, err)
    assert not os.path.exists(old)
    assert_deferred(q, new, ["bob@example.com"], "450 4.2.0 busy")
    (env, m), = bounces(q)
    check_bounce(env, m, "alice@example.org",
                 {"bob@example.com": ("4.2.0", "450 4.2.0 busy")})
    assert "expired" in m.get_payload()[0].get_payload()


@test
def null_sender_never_bounces():
    q, (lst,) = setup(sender="")
    rc, err, srv = run(q, [lst], {"rcpt": "550 5.1.1 gone"})
    assert rc == 0, (rc, err)
    assert qlib.queue_files(q) == [], qlib.queue_files(q)
    assert "null sender" in err, err


@test
def unreachable_server_defers():
    from harness import free_port
    q, (lst,) = setup()
    rc, err = smtprc(q, "127.0.0.1:%d" % free_port(), [lst], *SHORT)
    assert rc == EX_TEMPFAIL, (rc, err)
    assert_deferred(q, lst, ["bob@example.com"], "Connection refused")
    l = qlib.read_list(lst)
    assert l["rcpts"][0][1].startswith("4.4.1 "), l


@test
def self_address_bounces_loop():
    q, (lst,) = setup()
    with FaultServer() as srv:
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst], "/SELF:127.0.0.1")
        assert srv.sessions == 0
    assert rc == 0, (rc, err)
    (env, m), = bounces(q)
    check_bounce(env, m, "alice@example.org",
                 {"bob@example.com": ("5.4.6", "loops back to myself")})


@test
def bounce_of_large_message_returns_headers_only():
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org", ["bob@example.com"],
                           "Subject: huge\nX-Test: 1\n\n" + ("y" * 99 + "\n") * 1000)
    rc, err, srv = run(q, [lst], {"rcpt": "550 5.1.1 nope"})
    assert rc == 0
    (env, m), = bounces(q)
    parts = check_bounce(env, m, "alice@example.org", {"bob@example.com": ("5.1.1", "nope")})
    assert parts[2].get_content_type() == "text/rfc822-headers"
    hdr = parts[2].get_payload()
    assert "Subject: huge" in hdr and "X-Test: 1" in hdr and "yyyy" not in hdr


@test
def bounce_cuts_an_overlong_header_with_a_note():
    q = qlib.make_queue(tmpdir())
    header = "Subject: long header\n" + "".join("X-Pad-%04d: %s\n" % (i, "p" * 60)
                                               for i in range(400))
    lst = qlib.add_message(q, "example.com", "alice@example.org", ["bob@example.com"],
                           header + "\nbody\n")
    rc, err, srv = run(q, [lst], {"rcpt": "550 5.1.1 nope"})
    assert rc == 0, (rc, err)
    (env, m), = bounces(q)
    parts = check_bounce(env, m, "alice@example.org", {"bob@example.com": ("5.1.1", "nope")})
    assert "longer than 16384 bytes" in parts[0].get_payload()
    hdr = parts[2].get_payload()
    assert parts[2].get_content_type() == "text/rfc822-headers"
    assert hdr.startswith("Subject: long header\n")
    assert len(hdr) <= 16384 + 2, len(hdr)
    # Cut at a line boundary: every line is a whole header line.
    lines = hdr.rstrip("\n").split("\n")
    assert all(l.startswith(("Subject:", "X-Pad-")) and
               (l.startswith("Subject") or len(l) == 72) for l in lines), lines[-3:]
