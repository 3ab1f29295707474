"""The protocol corners of issue 13, each against a real receiver
(Postfix) or the fault server: quoted local parts end to end, 552 and 452
to RCPT, long reply lines, diagnostics, bounces."""
import email
import email.policy
import os
import re
import subprocess

import qlib
from faultsmtp import FaultServer
from harness import CONFIG_LOG, PrivatePostfix, smtprc, test, tmpdir
from mts import Mts
from sysexits import EX_TEMPFAIL

SHORT = ["--timeout-connect=3", "--timeout-greeting=3", "--timeout-helo=3",
         "--timeout-mail=3", "--timeout-rcpt=3", "--timeout-data=3",
         "--timeout-block=3", "--timeout-dot=3", "--timeout-quit=3"]

QUOTED = ['"john doe"@example.com', '"a>b"@example.com', 'a..b@example.com',
          '"q\\"x"@example.com']


def parsed(raw):
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def pd_once(m):
    p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                       stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stderr.decode("utf-8", "replace")


@test
def quoted_local_parts_end_to_end():
    """sendmail (arguments and -t) -> maildrop -> smtppd -> list -> smtprc
    -> Postfix, every quoted form delivered to its own mailbox; mailq shows
    them; a hand-written maildrop entry with one malformed recipient is
    sorted, the bad one bounced, the good ones kept."""
    with PrivatePostfix() as pf:
        m = Mts()
        try:
            rc, err = m.sendmail(b"Subject: q\n\nbody\n", "-f", "me@home.example",
                                 *(QUOTED[:3] + ["bob@example.com"]))
            assert rc == 0, err
            hdr = ('To: "Q" <%s>, plain@example.com\nSubject: t\n\nbody\n'
                   % QUOTED[3]).encode()
            rc, err = m.sendmail(hdr, "-t", "-f", "me@home.example")
            assert rc == 0, err
            # Written by hand: a recipient no writer of ours makes.
            with open(os.path.join(m.queue, "maildrop", "1-1-1"), "w") as f:
                f.write("smtprc-maildrop 1\nsender <me@home.example>\n"
                        "rcpt <a b@example.com>\nrcpt <good@example.com>\n\n"
                        "Subject: hand\n\nhi\n")
            rc, err = pd_once(m)
            assert rc == 0, err
            assert m.files("maildrop") == [], (m.files("maildrop"), err)
            rc, out = m.mailq()
            assert rc == 0, out
            for a in QUOTED + ["good@example.com"]:
                assert "<%s>" % a in out, (a, out)
            lists = [os.path.join(m.queue, "remote", n)
                     for n in m.files("remote") if n.endswith(".example.com")]
            rc, err = smtprc(m.queue, "127.0.0.1:%d" % pf.port, lists, "/V")
            assert rc == 0, (rc, err)
            if CONFIG_LOG:
                assert 'RCPT TO:<"john doe"@example.com>' in err, err
                assert 'RCPT TO:<"a..b"@example.com>' in err, err
            for who, user in (("john doe", '"john doe"'), ("a>b", '"a>b"'),
                              ("a..b", '"a..b"'), ('q"x', '"q\\"x"')):
                got = pf.delivered("example.com", user)
                assert len(got) == 1, (who, pf.log()[-3000:])
            assert pf.delivered("example.com", "good")
            # The bounce for <a b@example.com> went to the sender's domain.
            home = [n for n in m.files("remote") if n.endswith(".home.example")]
            assert len(home) == 1, m.files("remote")
            rep = parsed(open(os.path.join(m.queue, "mess", home[0]), "rb").read())
            blocks = rep.get_payload()[1].get_payload()
            per = [(b["Final-Recipient"], b["Status"]) for b in blocks[1:]]
            assert per == [("rfc822; a b@example.com", "5.1.3")], per
        finally:
            m.stop()


def run_fault(rules, lists, q, *opts):
    with FaultServer(rules) as srv:
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, lists, *(SHORT + list(opts)))
    return rc, err, srv


@test
def rcpt_552_is_temporary():
    """RFC 5321 section 4.5.3.1.10: 552 to RCPT is deferred, not bounced."""
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["bob@example.com", "carol@example.com"],
                           "Subject: s\n\nbody\n")
    rule = {"rcpt": lambda a, s: "552 5.5.3 too many recipients"
            if a.startswith("carol") else None}
    rc, err, srv = run_fault(rule, [lst], q)
    assert rc == EX_TEMPFAIL, (rc, err)
    got = [rs for _, rs, _ in srv.messages if rs]
    assert got == [["bob@example.com"]], srv.messages
    l = qlib.read_list(lst)
    assert [r for r, _ in l["rcpts"]] == ["carol@example.com"], l
    assert l["rcpts"][0][1] == "552 5.5.3 too many recipients", l
    assert qlib.read_maildrop(q) == [], "a 552 to RCPT was bounced"


def limited(n):
    """A server that takes n recipients per transaction, then 452."""
    count = {"n": 0}

    def mail(arg, srv):
        count["n"] = 0

    def rcpt(arg, srv):
        count["n"] += 1
        return "452 4.5.3 too many recipients" if count["n"] > n else None
    return {"mail": mail, "rcpt": rcpt}


@test
def rcpt_452_more_transactions_same_connection():
    """100 recipients, 10 per transaction: every one delivered in one run
    and one connection, in 10 transactions, each recipient once."""
    q = qlib.make_queue(tmpdir())
    rcpts = ["u%02d@example.com" % i for i in range(100)]
    lst = qlib.add_message(q, "example.com", "alice@example.org", rcpts,
                           "Subject: many\n\nbody\n")
    rc, err, srv = run_fault(limited(10), [lst], q)
    assert rc == 0, (rc, err)
    assert srv.sessions == 1, srv.sessions
    assert len(srv.messages) == 10, len(srv.messages)
    got = sorted(r for _, rs, _ in srv.messages for r in rs)
    assert got == rcpts, got
    assert qlib.queue_files(q) == [], qlib.queue_files(q)


@test
def rcpt_452_for_all_stops():
    """452 to every recipient (no progress) defers them after one
    transaction; 452 4.2.2 (mailbox full) is not retried at once."""
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["a@example.com", "b@example.com"],
                           "Subject: s\n\nbody\n")
    rule = {"rcpt": lambda a, s: "452 4.2.2 mailbox full"
            if a.startswith("b") else None}
    rc, err, srv = run_fault(rule, [lst], q)
    assert rc == EX_TEMPFAIL, (rc, err)
    mails = [c for c in srv.commands if c.startswith("MAIL")]
    assert len(mails) == 1, srv.commands
    l = qlib.read_list(lst)
    assert [r for r, _ in l["rcpts"]] == ["b@example.com"], l
    q2 = qlib.make_queue(tmpdir())
    lst2 = qlib.add_message(q2, "example.com", "alice@example.org",
                            ["a@example.com"], "Subject: s\n\nbody\n")
    rc, err, srv = run_fault({"rcpt": "452 4.5.3 too many"}, [lst2], q2)
    assert rc == EX_TEMPFAIL, (rc, err)
    assert len([c for c in srv.commands if c.startswith("MAIL")]) == 1


@test
def postfix_recipient_limit_more_transactions():
    """Postfix with smtpd_recipient_limit = 10 says 452 4.5.3 to the 11th
    RCPT: 35 recipients are delivered in one run over one connection, each
    stored once."""
    q = qlib.make_queue(tmpdir())
    rcpts = ["r%02d@example.com" % i for i in range(35)]
    lst = qlib.add_message(q, "example.com", "alice@example.org", rcpts,
                           "Subject: limit\nMessage-ID: <lim@test>\n\nbody\n")
    with PrivatePostfix(main_cf="smtpd_recipient_limit = 10\n") as pf:
        rc, err = smtprc(q, "127.0.0.1:%d" % pf.port, [lst], "/V")
        assert rc == 0, (rc, err)
        for r in rcpts:
            got = pf.delivered("example.com", r.split("@")[0])
            assert len(got) == 1, (r, len(got))
        log = pf.log()
        assert log.count(" connect from") == 2, log   # the probe and us
        assert re.search(r"disconnect from .* mail=4 rcpt=60 data=4 ", log), \
            [l for l in log.splitlines() if "disconnect" in l]
    if CONFIG_LOG:
        assert err.count("452 4.5.3") >= 3, err
    assert qlib.queue_files(q) == []


@test
def long_reply_lines_are_cut_not_fatal():
    """Lines over 512 octets (a long banner, a long 250-AUTH line, a long
    reply to MAIL, a long refusal): the session goes on, the message is
    delivered, and a long refusal's diagnostic keeps its start."""
    long_ehlo = ("250-fault.test\r\n250-AUTH " + " ".join("X-MECH%d" % i for i in range(400)) +
                 "\r\n250-PIPELINING\r\n250 8BITMIME")
    cases = {
        "banner": {"greeting": "220 " + "b" * 3000},
        "banner-multi": {"greeting": "220-" + "c" * 1500 + "\r\n220 ok"},
        "ehlo-auth": {"ehlo": long_ehlo},
        "mail": {"mail": "250 " + "m" * 5000},
        "dot": {"dot": "250 2.0.0 " + "d" * 700},
    }
    for name, rules in cases.items():
        q = qlib.make_queue(tmpdir())
        lst = qlib.add_message(q, "example.com", "alice@example.org",
                               ["bob@example.com"], "Subject: %s\n\nbody\n" % name)
        rc, err, srv = run_fault(rules, [lst], q)
        assert rc == 0, (name, rc, err)
        assert len(srv.messages) == 1, (name, srv.commands)
    # PIPELINING after the long line was still seen: one write for MAIL,
    # RCPT and DATA is not observable here, but the keyword is kept.
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["bob@example.com", "carol@example.com"],
                           "Subject: refused\n\nbody\n")
    long_no = "550 5.1.1 " + "n" * 900
    rc, err, srv = run_fault({"rcpt": lambda a, s: long_no if a.startswith("carol")
                              else None}, [lst], q)
    assert rc == 0, (rc, err)
    (env, raw), = qlib.read_maildrop(q)
    rep = parsed(raw)
    b = rep.get_payload()[1].get_payload()[1]
    assert b["Status"] == "5.1.1", b["Status"]
    diag = b["Diagnostic-Code"].replace("\n", "").replace(" ", "")
    assert diag.startswith("smtp;5505.1.1nnnn"), diag


def lists_of(q, n, rcpts=("bob@example.com",)):
    return [qlib.add_message(q, "example.com", "alice@example.org", list(rcpts),
                             "Subject: d%d\nMessage-ID: <d%d@test>\n\nbody\n" % (i, i))
            for i in range(n)]


@test
def diagnostics_read_as_the_server_said():
    """A multi-line reply is one text joined by spaces; a 421 is kept as the
    server said it, for the lists after it too, never with a status of
    ours in front ("4.4.2 421 4.4.2 ...")."""
    q = qlib.make_queue(tmpdir())
    lists = lists_of(q, 3, ("bob@example.com", "carol@example.com"))
    rules = {"rcpt": lambda a, s: "450-4.2.0 first line\r\n450 4.2.0 second line"
             if a.startswith("bob") else None,
             "dot": "421 4.4.2 closing"}
    rc, err, srv = run_fault(rules, lists, q)
    assert rc == EX_TEMPFAIL, (rc, err)
    l = qlib.read_list(lists[0])
    assert l["rcpts"] == [("bob@example.com", "450 4.2.0 first line 4.2.0 second line"),
                          ("carol@example.com", "421 4.4.2 closing")], l
    for lst in lists[1:]:
        l = qlib.read_list(lst)
        assert [d for _, d in l["rcpts"]] == ["421 4.4.2 closing"] * 2, l


@test
def unsolicited_reply_after_the_dot_is_named():
    """A server that sends one reply too many after the final dot: the
    message it took is delivered, the rest are deferred with a diagnostic
    that says what happened (not a reply shifted from another command).
    The next message's MAIL, RCPT and DATA went out behind the dot
    (pipelined, RFC 2920 section 3.1) before the extra reply could be
    seen: DATA's shifted "250" shows it, and no message data is sent into
    the shifted dialogue, nor any further command."""
    q = qlib.make_queue(tmpdir())
    lists = lists_of(q, 3)
    rc, err, srv = run_fault({"dot": "250 2.0.0 ok\r\n250 extra"}, lists, q)
    assert rc == EX_TEMPFAIL, (rc, err)
    assert len(srv.messages) == 1, srv.messages
    assert not os.path.exists(lists[0])
    for lst in lists[1:]:
        (r, d), = qlib.read_list(lst)["rcpts"]
        assert d.startswith("4.4.2 ") and "nobody asked for" in d and \
            '"250 extra"' in d, d
    assert len([c for c in srv.commands if c.startswith("MAIL")]) == 2, \
        srv.commands
    assert srv.commands[-1] == "DATA", srv.commands


@test
def next_message_goes_out_behind_the_dot():
    """RFC 2920 section 3.1: the next list's MAIL, RCPT and DATA go out in
    the same write as the final dot (the fault server sees them before it
    answers the dot), except after the last message. Each outcome lands on
    its own list: a refused recipient in the middle is bounced, a 452 one
    (over the server's limit) gets its own transaction at once, the rest
    are delivered, one connection."""
    q = qlib.make_queue(tmpdir())
    lists = lists_of(q, 6)
    qlib.add_message(q, "example.com", "alice@example.org", ["x@example.com"],
                     "Subject: refused\n\nbody\n", msgid="1-1-refused")
    refused = os.path.join(q, "remote", "1-1-refused.example.com")
    two = qlib.add_message(q, "example.com", "alice@example.org",
                           ["y@example.com", "z@example.com"],
                           "Subject: two\n\nbody\n", msgid="1-1-two")
    lists[2:2] = [refused, two]
    count = {"n": 0}

    def mail(arg, srv):
        count["n"] = 0

    def rcpt(arg, srv):
        count["n"] += 1
        if arg.startswith("x@"):
            return "550 5.1.1 no such user"
        return "452 4.5.3 too many recipients" if count["n"] > 1 else None
    rc, err, srv = run_fault({"mail": mail, "rcpt": rcpt}, lists, q)
    assert rc == 0, (rc, err)
    assert srv.sessions == 1, srv.sessions
    got = sorted(r for _, rs, _ in srv.messages for r in rs)
    assert got == sorted(["bob@example.com"] * 6 + ["y@example.com",
                                                     "z@example.com"]), got
    # Dots: l0, l1, the refused list's empty one (the server said 354 to
    # its pipelined DATA with no recipient: RFC 2920's lone dot), y's, z's
    # (another transaction: the server's limit), l2..l5. The next
    # transaction's commands came before each dot's reply was sent, but
    # after the empty one, after y's (its reply had to come first: z's
    # 452 asks for another transaction) and after the last.
    assert [n > 0 for n in srv.ahead] == [True, True, False, False, True,
                                          True, True, True, False], srv.ahead
    assert not any(os.path.exists(l) for l in lists), qlib.queue_files(q)
    (env, msg), = qlib.read_maildrop(q)
    assert b"x@example.com" in msg and b"550 5.1.1" in msg, msg[:600]


@test
def postfix_strict_pipelining_takes_the_next_message_behind_the_dot():
    """Postfix 3.9's default (smtpd_forbid_unauth_pipelining) and the SMTP
    smuggling work-around (smtpd_data_restrictions =
    reject_unauth_pipelining) drop or refuse a client that sends commands
    where RFC 2920 forbids: the next message behind the final dot is not
    such a place. 20 messages, one connection, each stored once and
    whole."""
    q = qlib.make_queue(tmpdir())
    lists = []
    for i in range(20):
        lists.append(qlib.add_message(
            q, "example.com", "alice@example.org", ["p%02d@example.com" % i],
            "Subject: p%d\nMessage-ID: <p%d@test>\n\n%s.\n..\nend %d\n"
            % (i, i, "line\n" * i, i)))
    with PrivatePostfix(main_cf="smtpd_forbid_unauth_pipelining = yes\n"
                        "smtpd_data_restrictions = reject_unauth_pipelining\n"
                        ) as pf:
        rc, err = smtprc(q, "127.0.0.1:%d" % pf.port, lists, "/V")
        assert rc == 0, (rc, err)
        for i in range(20):
            got = pf.delivered("example.com", "p%02d" % i)
            assert len(got) == 1, (i, len(got))
            body = got[0].split(b"\n\n", 1)[1]
            assert body == b"line\n" * i + b".\n..\nend %d\n" % i, body
        log = pf.log()
        assert "pipelining" not in log.lower(), log
        assert re.search(r"disconnect from .* mail=20 rcpt=20 data=20 ", log), \
            [l for l in log.splitlines() if "disconnect" in l]
    assert qlib.queue_files(q) == []


MULTI = (b"From: alice@example.org\nTo: m@example.com\nSubject: multi\n"
         b"Message-ID: <multi@test>\nMIME-Version: 1.0\n"
         b"Content-Type: multipart/mixed; boundary=\"XX\"\n"
         b"Content-Transfer-Encoding: 8bit\n\n"
         b"--XX\nContent-Type: text/plain; charset=utf-8\n"
         b"Content-Transfer-Encoding: 8bit\n\n" +
         "Gr\u00fc\u00dfe aus K\u00f6ln = 100 \u20ac \n".encode() +
         "\u00e9".encode() * 1500 + b"\n.\n..dot\n"
         b"--XX\nContent-Type: application/octet-stream\n"
         b"Content-Transfer-Encoding: base64\n\nAAECAwQF\n"
         b"--XX\nContent-Type: message/rfc822\n\n"
         b"Subject: inner\nContent-Type: text/plain; charset=utf-8\n\n" +
         "na\u00efve\n".encode() +
         b"--XX--\n")
CRON = (b"From: root@nas1.example\nTo: c@example.com\nSubject: cron\n"
        b"Message-ID: <cron@test>\n\n" + "d\u00e9j\u00e0 vu\n".encode())
HDR8 = (b"From: alice@example.org\nTo: h@example.com\nMessage-ID: <h@test>\n" +
        "Subject: caf\u00e9\n".encode() + b"\nbody\n")


def texts(m):
    """Every leaf part's decoded payload, in order."""
    out = []
    for p in m.walk():
        if p.is_multipart() or p.get_content_type() == "message/rfc822":
            continue
        out.append(p.get_payload(decode=True))
    return out


@test
def eightbit_downgraded_for_a_server_without_8bitmime():
    """Postfix with 8BITMIME taken out of its EHLO: 8-bit text parts arrive
    quoted-printable, every byte 7-bit, lines of at most 76 octets in the
    converted parts, and every part decodes to what was queued; a message
    whose header is 8-bit is returned 5.6.3 and never sent."""
    q = qlib.make_queue(tmpdir())
    lists = {n: qlib.add_message(q, "example.com", "alice@example.org",
                                 ["%s@example.com" % n], data)
             for n, data in (("m", MULTI), ("c", CRON), ("h", HDR8))}
    with PrivatePostfix(main_cf="smtpd_discard_ehlo_keywords = 8bitmime\n") as pf:
        rc, err = smtprc(q, "127.0.0.1:%d" % pf.port, list(lists.values()), "/V")
        assert rc == 0, (rc, err)
        for name, orig in (("m", MULTI), ("c", CRON)):
            got, = pf.delivered("example.com", name)
            assert all(b < 128 for b in got), (name, [l for l in got.split(b"\n")
                                                      if any(c > 127 for c in l)][:3])
            want = texts(parsed(orig))
            have = texts(parsed(got))
            assert have == want, (name, have, want)
            if name == "m":
                # The converted text part: lines of at most 76 octets.
                part = got.split(b"quoted-printable\n\n", 1)[1].split(b"\n--XX")[0]
                assert max(len(l) for l in part.split(b"\n")) == 76, part[:300]
        assert pf.delivered("example.com", "h", wait=1) == []
    m = parsed(got)       # the cron mail: MIME added
    assert m["Content-Type"] == "text/plain; charset=utf-8", m["Content-Type"]
    assert m["Content-Transfer-Encoding"] == "quoted-printable"
    if CONFIG_LOG:
        assert "BODY=8BITMIME" not in err, err
        assert "made 7-bit" in err, err
    (env, raw), = qlib.read_maildrop(q)
    rep = parsed(raw)
    b = rep.get_payload()[1].get_payload()[1]
    assert b["Final-Recipient"] == "rfc822; h@example.com", b
    assert b["Status"] == "5.6.3", b["Status"]
    assert "8BITMIME" in b["Diagnostic-Code"] and "header" in b["Diagnostic-Code"]


@test
def bounce_of_utf8_reply_and_8bit_original():
    """A refusal in UTF-8 (and one cut inside a character) and an 8-bit
    original: the bounce's text part is UTF-8 quoted-printable, the
    delivery status is US-ASCII with \\x{HHHH} escapes, the returned
    message says Content-Transfer-Encoding: 8bit, and the report parses."""
    q = qlib.make_queue(tmpdir())
    body = ("Subject: s\nContent-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\nf\u00fcr dich\n").encode()
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["bob@example.com", "carol@example.com"], body)
    # faultsmtp sends a str as Latin-1: these are the UTF-8 bytes.
    umlaut = "\u00fc".encode().decode("latin-1")
    rules = {"rcpt": lambda a, s: ("550 5.1.1 Benutzer m%sller unbekannt" % umlaut)
             if a.startswith("bob") else "550 5.1.1 x" + "\u00e9".encode()
             .decode("latin-1")[0]}
    rc, err, srv = run_fault(rules, [lst], q)
    assert rc == 0, (rc, err)
    (env, raw), = qlib.read_maildrop(q)
    head, rest = raw.split(b"\n\n", 1)
    assert b"Content-Transfer-Encoding: 8bit" in head, head
    rep = parsed(raw)
    text, status, orig = rep.get_payload()
    assert text.get_content_charset() == "utf-8", text["Content-Type"]
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    words = text.get_payload(decode=True).decode("utf-8")
    assert "Benutzer m\u00fcller unbekannt" in words, words
    assert "550 5.1.1 x?" in words, words     # a cut character: '?'
    raw_status = raw.split(b"message/delivery-status\n\n", 1)[1].split(b"\n--")[0]
    assert all(c < 128 for c in raw_status), raw_status
    assert b"Benutzer m\\x{00FC}ller unbekannt" in raw_status, raw_status
    assert b"550 5.1.1 x\\x{FFFD}" in raw_status, raw_status
    assert orig.get_content_type() == "message/rfc822"
    assert orig["Content-Transfer-Encoding"] == "8bit"
    inner = orig.get_payload()[0]
    assert inner.get_payload(decode=True) == "f\u00fcr dich\n".encode()
    # Everything but the returned original is 7-bit.
    before = raw.split(b"Content-Description: Undelivered Message")[0]
    assert all(c < 128 for c in before), before


IDN = "xn--bcher-kva.example"      # b\u00fccher.example


def utf8_setup(m):
    """Two messages through sendmail and smtppd: one to a UTF-8 local
    part and an ASCII one at an IDN domain, one with a UTF-8 Subject."""
    rc, err = m.sendmail(b"Subject: idn\n\nbody\n", "-f", "me@home.example",
                         "\u00e9l\u00e8ve@b\u00fccher.example", "bob@B\u00fccher.Example")
    assert rc == 0, err
    rc, err = m.sendmail("Subject: caf\u00e9\n\nbody\n".encode(), "-f",
                         "me@home.example", "hdr@b\u00fccher.example")
    assert rc == 0, err
    rc, err = pd_once(m)
    assert rc == 0, err
    return [os.path.join(m.queue, "remote", n) for n in m.files("remote")
            if n.endswith("." + IDN)]


@test
def smtputf8_end_to_end():
    """sendmail takes UTF-8 local parts and IDN domains (A-labels in the
    queue); to Postfix with SMTPUTF8 every one is delivered, MAIL carrying
    SMTPUTF8 only where the envelope or the header needs it; mailq shows
    the UTF-8 address; Latin-1 bytes are refused with a clear error."""
    with PrivatePostfix(domains=(IDN,), main_cf="smtputf8_enable = yes\n") as pf:
        m = Mts()
        try:
            rc, err = m.sendmail(b"Subject: x\n\nbody\n", b"caf\xe9@example.com")
            assert rc == 64 and "UTF-8" in err, (rc, err)
            lists = utf8_setup(m)
            assert len(lists) == 2, m.files("remote")
            text = "".join(open(l, encoding="utf-8").read() for l in lists)
            assert "rcpt <\u00e9l\u00e8ve@%s>" % IDN in text, text
            assert "rcpt <bob@%s>" % IDN in text, text
            rc, out = m.mailq()
            assert "\u00e9l\u00e8ve@" + IDN in out, out
            rc, err = smtprc(m.queue, "127.0.0.1:%d" % pf.port, lists, "/V")
            assert rc == 0, (rc, err)
            for user in ("\u00e9l\u00e8ve", "bob", "hdr"):
                assert len(pf.delivered(IDN, user)) == 1, (user, pf.log()[-2000:])
            if CONFIG_LOG:
                mails = [l for l in err.splitlines() if "> MAIL FROM:" in l]
                assert len(mails) == 2 and all("SMTPUTF8" in l for l in mails), mails
        finally:
            m.stop()


@test
def smtputf8_missing_bounces_5_6_7():
    """To a server without SMTPUTF8 (Postfix with smtputf8_enable = no):
    the UTF-8 local part is bounced 5.6.7, the ASCII recipient at the same
    IDN domain is delivered in its A-label form without SMTPUTF8."""
    with PrivatePostfix(domains=(IDN,)) as pf:
        m = Mts()
        try:
            lists = utf8_setup(m)
            rc, err = smtprc(m.queue, "127.0.0.1:%d" % pf.port, lists, "/V")
            assert rc == 0, (rc, err)
            assert len(pf.delivered(IDN, "bob")) == 1
            assert len(pf.delivered(IDN, "hdr")) == 1
            assert pf.delivered(IDN, "\u00e9l\u00e8ve", wait=1) == []
            if CONFIG_LOG:
                assert "SMTPUTF8" not in "".join(l for l in err.splitlines()
                                                 if "> MAIL" in l), err
            rc, e2 = pd_once(m)
            home = [n for n in m.files("remote") if n.endswith(".home.example")]
            assert len(home) == 1, m.files("remote")
            rep = parsed(open(os.path.join(m.queue, "mess", home[0]), "rb").read())
            b = rep.get_payload()[1].get_payload()[1]
            assert b["Status"] == "5.6.7", b["Status"]
            assert "SMTPUTF8" in b["Diagnostic-Code"]
            assert b["Final-Recipient"] == "utf-8; \\x{00E9}l\\x{00E8}ve@" + IDN, \
                b["Final-Recipient"]
            words = rep.get_payload()[0].get_payload(decode=True).decode()
            assert "<\u00e9l\u00e8ve@%s>" % IDN in words, words
        finally:
            m.stop()


@test
def route_from_forces_the_envelope_sender_for_a_smarthost():
    """route-from TARGET ADDRESS: mail sent through that route target goes
    out with ADDRESS as its envelope sender (an ISP's submission server
    takes only its account's address); a bounce's null sender stays null;
    another target is untouched."""
    q = qlib.make_queue(tmpdir())
    with FaultServer() as srv:
        target = "127.0.0.1:%d" % srv.port
        conf = os.path.join(q, "c.conf")
        with open(conf, "w") as f:
            f.write("route example.com %s\nroute-from %s me@isp.example\n"
                    % (target, target))
        lists = [qlib.add_message(q, "example.com", s, ["bob@example.com"],
                                  "Subject: %d\n\nx\n" % i)
                 for i, s in enumerate(("root@nas1.example", ""))]
        rc, err = smtprc(q, "example.com", lists, "--config=" + conf, *SHORT)
        assert rc == 0, (rc, err)
        assert sorted(m for m, _, _ in srv.messages) == ["", "me@isp.example"], \
            srv.messages
    with open(conf, "a") as f:
        f.write("route-from nonsense\n")
    rc2, err2 = smtprc(q, "example.com", lists, "--config=" + conf)
    assert rc2 == 64 and "route-from is TARGET ADDRESS" in err2, (rc2, err2)


@test
def route_from_header_rewrites_from_at_the_receiver():
    """route-from TARGET ADDRESS header: Postfix stores the message with
    MAIL FROM and From: the account's address, the cron-style From field
    (and its continuation line) gone, every other byte as queued."""
    q = qlib.make_queue(tmpdir())
    body = (b"From: root@nas1.example\n (Cron Daemon)\nTo: ops@example.com\n"
            b"Subject: rewritten\nMessage-ID: <rf@test>\n"
            b"Date: Sat, 28 Nov 2026 12:00:00 +0000\n\nFrom: the body stays\n")
    lst = qlib.add_message(q, "example.com", "root@nas1.example",
                           ["ops@example.com"], body)
    with PrivatePostfix() as pf:
        target = "127.0.0.1:%d" % pf.port
        conf = os.path.join(q, "c.conf")
        with open(conf, "w") as f:
            f.write("route example.com %s\nroute-from %s me@isp.example header\n"
                    % (target, target))
        rc, err = smtprc(q, "example.com", [lst], "--config=" + conf)
        assert rc == 0, (rc, err)
        got, = pf.delivered("example.com", "ops")
        assert b"Return-Path: <me@isp.example>" in got, got[:400]
        assert got.endswith(b"From: me@isp.example\nTo: ops@example.com\n"
                            b"Subject: rewritten\nMessage-ID: <rf@test>\n"
                            b"Date: Sat, 28 Nov 2026 12:00:00 +0000\n\n"
                            b"From: the body stays\n"), got
        assert b"Cron Daemon" not in got
