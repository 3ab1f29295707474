"""Attacks a hostile sender, server, network or DNS can make, performed
against the real binaries and real servers on loopback (docs/security.md
says who can do what, and which test shows it)."""
import os
import signal
import subprocess
import time

import qlib
from faultsmtp import FaultServer
from harness import CONFIG_LOG, PROG, RUN, Skip, smtprc, test, tmpdir, wait_until
from mts import Mts
from sysexits import EX_DATAERR, EX_TEMPFAIL, EX_USAGE


def maildrop_entry(m, sender, rcpts, message):
    """Writes a maildrop entry by hand, as an older version or another
    writer could have left it; returns its name."""
    name = qlib.new_id()
    text = "smtprc-maildrop 1\nsender <%s>\n" % sender + "".join(
        "rcpt <%s>\n" % r for r in rcpts) + "\n"
    path = os.path.join(m.queue, "maildrop", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(text.encode() + message)
    os.rename(path + ".tmp", path)
    return name


@test
def bad_address_literal_never_makes_a_duplicate_storm():
    """x@[a/b] beside a good recipient: once the literal check accepted any
    printable byte, smtppd could not create mess/ID.[a/b], kept the entry
    and wrote the good recipient's list again on every pass, so the good
    recipient received the message without end. Now: refused by sendmail;
    an entry that carries it anyway is sorted once, the bad recipient
    bounced 5.1.2, the good one delivered exactly once."""
    srv = FaultServer()
    m = Mts(conf_lines=["route * [127.0.0.1]:%d" % srv.port,
                        "retry-first 1", "retry-max 2"])
    try:
        rc, err = m.sendmail(b"Subject: s\n\nx\n", "victim@one.example",
                             "x@[a/b]")
        assert rc == EX_USAGE and "not a valid address" in err, (rc, err)
        assert not m.files("maildrop"), m.pending()
        # A label over 63 octets can never be looked up: bounced too,
        # never deferred for the whole lifetime.
        long_label = "z@" + "l" * 64 + ".example"
        maildrop_entry(m, "alice@nas.example",
                       ["victim@one.example", "x@[a/b]", "y@[300.1.2.3]",
                        long_label], b"Subject: storm\n\nbody\n")
        m.start()
        wait_until(lambda: not m.pending() and not m.running_clients(), 30,
                   "the queue to empty: %r" % (m.pending(),))
        time.sleep(3)      # several more passes of both daemons
        victim = [x for x in srv.messages if x[1] == ["victim@one.example"]]
        assert len(victim) == 1, len(victim)
        bounces = [x for x in srv.messages if x[1] == ["alice@nas.example"]]
        assert len(bounces) == 1, srv.messages
        report = bounces[0][2].decode("latin-1")
        for bad in ("x@[a/b]", "y@[300.1.2.3]", long_label):
            assert "Final-Recipient: rfc822; %s" % bad in report, report
        assert report.count("Status: 5.1.2") == 3, report
        assert not os.listdir(os.path.join(m.queue, "mess")), m.pending()
    finally:
        m.stop()
        srv.stop()


@test
def trailing_dot_does_not_escape_routes_or_policies():
    """bob@example.com. is bob@example.com: the route (and so the TLS
    policy) of example.com applies; before, the dotted name matched no
    route and took the catch-all, in plaintext where example.com required
    TLS."""
    own, other = FaultServer(), FaultServer()
    m = Mts(conf_lines=["route example.com [127.0.0.1]:%d" % own.port,
                        "route * [127.0.0.1]:%d" % other.port])
    try:
        m.start()
        rc, err = m.sendmail(b"Subject: dot\n\nx\n", "bob@Example.COM.")
        assert rc == 0, err
        wait_until(lambda: own.messages or other.messages, 20,
                   "a delivery: %r" % (m.pending(),))
        assert not other.messages, other.messages
        assert own.messages[0][1] == ["bob@Example.COM"], own.messages
        # The relay client run by hand with a dotted domain argument
        # (smtprcd stopped first: its own relay client would take the
        # domain's lock, and the one by hand would leave it the list).
        m.rd.send_signal(signal.SIGTERM)
        m.rd.wait(30)
        q = qlib.make_queue(m.queue)
        lst = qlib.add_message(q, "example.com", "a@nas.example",
                               ["carol@example.com"], "Subject: c\n\nx\n")
        p = subprocess.run(m.cmd("smtprc", "example.com.", lst), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr
        assert [x[1] for x in own.messages][-1] == ["carol@example.com"]
        assert not other.messages
    finally:
        m.stop()
        own.stop()
        other.stop()


@test
def dns_query_ids_are_seeded_from_getrandom():
    """udns seeded its query IDs from the clock's microseconds (about 20
    bits to guess for a forged answer); tools/deps.sh now seeds it from
    getrandom(). Seen with strace: a 4-byte getrandom (udns's seed; ours
    for SRV weights takes 8) before the first query leaves."""
    if RUN:
        raise Skip("system calls are checked on the host build")
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.invalid", "a@nas.example",
                           ["x@example.invalid"], "Subject: d\n\nx\n")
    out = os.path.join(tmpdir(), "trace")
    p = subprocess.run(["strace", "-f", "-qq", "-e", "trace=getrandom,sendto",
                        "-o", out, PROG, "--queue=" + q,
                        "--resolver=127.0.0.1:9", "--timeout-dns=1",
                        "example.invalid", lst],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == EX_TEMPFAIL, p.stderr
    calls = [l.split(None, 1)[1] for l in open(out) if l.split(None, 1)[1:]]
    first_query = next(i for i, c in enumerate(calls) if c.startswith("sendto("))
    seeds = [c for c in calls[:first_query]
             if c.startswith("getrandom(") and c.rstrip().endswith(", 4, 0) = 4")]
    assert seeds, calls[:first_query + 1]


@test
def control_bytes_and_foreign_files_are_never_echoed():
    """A header with ESC and BEL sequences makes sendmail refuse the
    message; the refusal must not put them on the caller's terminal (or
    into syslog). A caller's -C naming a file that is no configuration
    (here a shadow-like line) must not have its content printed."""
    m = Mts()
    try:
        evil = b"To: <op\x1b]0;owned\x07en\r@x.example\n\nhi\n"
        rc, err = m.sendmail(evil, "-t")
        assert rc != 0 and "malformed address list" in err, (rc, err)
        assert not any(ord(c) < 32 and c != "\n" for c in err), repr(err)
        shadow = os.path.join(tmpdir(), "shadow")
        with open(shadow, "w") as f:
            f.write("root:$6$SECRETSALT$SECRETHASH:19000:0:99999:7:::\n")
        p = subprocess.run(m.cmd("sendmail", "-C", shadow, "a@x.example"),
                           input=b"Subject: s\n\nx\n", env=m.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        err = p.stderr.decode("latin-1")
        assert p.returncode == EX_USAGE and "configuration error" in err, err
        assert "SECRET" not in err, err
    finally:
        m.stop()


@test
def queue_files_are_never_followed_or_waited_on():
    """A FIFO named like a maildrop entry hung smtppd for good (a blocking
    open, SIGTERM held off while sorting); a symbolic link was followed.
    Now both are set aside as .bad and the real entry beside them is
    sorted; a list given to smtprc that is a link is left as malformed."""
    m = Mts()
    try:
        rc, err = m.sendmail(b"Subject: s\n\nx\n", "a@one.example")
        assert rc == 0, err
        md = os.path.join(m.queue, "maildrop")
        fifo, link = qlib.new_id(), qlib.new_id()
        os.mkfifo(os.path.join(md, fifo))
        os.symlink("/etc/passwd", os.path.join(md, link))
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=30)
        err = p.stderr.decode()
        assert sorted(m.files("maildrop")) == sorted([fifo + ".bad", link + ".bad"]), \
            (m.pending(), err)
        assert "not a regular file" in err, err
        assert len(m.files("remote")) == 1, m.pending()
        assert os.path.islink(os.path.join(md, link + ".bad"))
        # smtprc given a link as a list: malformed, untouched (65).
        (name,) = m.files("remote")
        real = os.path.join(m.queue, "remote", name)
        other = os.path.join(m.queue, "remote", "x-" + name)
        os.rename(real, other)
        os.symlink(other, real)
        p = subprocess.run(m.cmd("smtprc", "one.example", real), env=m.env,
                           stderr=subprocess.PIPE, timeout=30)
        assert p.returncode == EX_DATAERR and b"not a regular file" in p.stderr, p.stderr
        assert os.path.islink(real) and os.path.exists(other)
    finally:
        m.stop()


class FloodServer:
    """Greets, then answers EHLO with a multi-line reply that never ends
    (as fast as the client reads), until the client goes away or 120 s
    pass."""

    def __init__(self):
        import socket
        import threading
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.sent = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            c, _ = self.sock.accept()
        except OSError:
            return
        c.settimeout(5)
        try:
            c.sendall(b"220 flood.test ESMTP\r\n")
            c.recv(4096)
            line = b"250-" + b"x" * 70 + b"\r\n"
            end = time.time() + 120
            while time.time() < end:
                c.sendall(line * 64)
                self.sent += len(line) * 64
        except OSError:
            pass
        finally:
            c.close()

    def stop(self):
        self.sock.close()
        self.thread.join(130)


@test
def an_endless_reply_costs_a_bounded_time():
    """A reply over SMTP_REPLY_LINES_MAX lines ends the session; the drain
    before closing read until the QUIT time-out (here 60 s) while the
    server kept sending. Now it stops after RELAY_DRAIN_SIZE bytes or
    RELAY_DRAIN_S seconds: the run ends in seconds and defers."""
    srv = FloodServer()
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "flood.example", "a@nas.example",
                           ["x@flood.example"], "Subject: f\n\nx\n")
    try:
        t0 = time.time()
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst],
                         "--timeout-quit=60", "--timeout-helo=60")
        took = time.time() - t0
        assert rc == EX_TEMPFAIL and os.path.exists(lst), (rc, err)
        assert took < 30, "the drain lasted %.1f s" % took
    finally:
        srv.stop()


@test
def starttls_refused_never_sends_credentials_or_mail_in_the_clear():
    """A server (or someone on the path rewriting its reply) answers
    STARTTLS with 454: the session went straight on in plaintext, past the
    check that keeps credentials inside TLS, and the mail went out
    unauthenticated in the clear. With credentials it now defers 4.7.8;
    under encrypt it defers 4.7.10; only may without credentials goes on
    in plaintext."""
    if os.environ.get("CONFIG_TLS", "1") != "1":
        raise Skip("TLS is not built in (CONFIG_TLS=0)")
    srv = FaultServer({"ehlo": "250-fault.test\r\n250-AUTH PLAIN\r\n250 STARTTLS",
                       "noop": "454 4.7.0 TLS not available due to temporary reason"})
    q = qlib.make_queue(tmpdir())
    auth = os.path.join(tmpdir(), "auth")
    with open(auth, "w") as f:
        f.write("* nas1 s3cret-pass\n")
    os.chmod(auth, 0o600)
    try:
        route = "--route=* [127.0.0.1]:%d" % srv.port
        lst = qlib.add_message(q, "isp.example", "a@nas.example",
                               ["x@isp.example"], "Subject: a\n\nx\n")
        # may said explicitly (a route with credentials is verify by
        # default, which an address cannot satisfy).
        rc, err = smtprc(q, "isp.example", [lst], route, "--auth-file=" + auth,
                         "--tls=may")
        assert rc == EX_TEMPFAIL and "4.7.8" in open(lst).read(), (rc, err)
        rc, err = smtprc(q, "isp.example", [lst], route, "--tls=encrypt")
        assert rc == EX_TEMPFAIL and "4.7.10" in open(lst).read(), (rc, err)
        cmds = [c.split()[0].upper() for c in srv.commands if c]
        assert "MAIL" not in cmds and "AUTH" not in cmds, srv.commands
        assert not any("s3cret" in c for c in srv.commands), srv.commands
        # may, no credentials: on in plaintext, as opportunistic TLS does.
        rc, err = smtprc(q, "isp.example", [lst], route)
        assert rc == 0 and len(srv.messages) == 1, (rc, err)
    finally:
        srv.stop()


@test
def smarthost_password_goes_only_to_a_verified_server():
    """route * smtp.isp.test:PORT with credentials and no TLS policy: the
    default may sent the password to any certificate. A route that carries
    credentials is now verify unless the administrator says otherwise, so
    a certificate the CA bundle does not sign gets no AUTH (deferred
    4.7.5); with the right CA it is delivered; and a policy keyed by the
    route's host (the sample configuration's suggestion) is honoured."""
    if os.environ.get("CONFIG_TLS", "1") != "1":
        raise Skip("TLS is not built in (CONFIG_TLS=0)")
    from authsmtp import AuthServer
    from dnsd import Nsd
    from tlscerts import Certs
    d = tmpdir()
    certs = Certs(d)
    crt, key = certs.leaf("smarthost", "smtp.isp.test")
    srv = AuthServer(crt, key, "nas1", "s3cret pass")
    ns = Nsd({"isp.test": "$ORIGIN isp.test.\n$TTL 60\n"
              "@ SOA ns h 1 60 60 60 60\n@ NS ns\nns A 127.0.0.1\n"
              "smtp A 127.0.0.1\n"})
    q = qlib.make_queue(tmpdir())
    auth = os.path.join(d, "auth")
    with open(auth, "w") as f:
        f.write("smtp.isp.test:%d nas1 s3cret pass\n" % srv.port)
    os.chmod(auth, 0o600)
    common = ["--route=* smtp.isp.test:%d" % srv.port, ns.resolver(),
              "--auth-file=" + auth]
    try:
        lst = qlib.add_message(q, "example.com", "a@nas.example",
                               ["x@example.com"], "Subject: p\n\nx\n")
        rc, err = smtprc(q, "example.com", [lst], *common)
        assert rc == EX_TEMPFAIL and "4.7.5" in open(lst).read(), (rc, err)
        assert srv.attempts == [] and not srv.messages, srv.attempts
        rc, err = smtprc(q, "example.com", [lst], *common,
                         "--tls-ca-file=" + certs.ca_file)
        assert rc == 0 and srv.attempts[-1][2] and len(srv.messages) == 1, err
        # The policy of the route's host, as the sample configuration
        # suggests it: verify (here with a wrong CA: refused, no AUTH).
        lst = qlib.add_message(q, "example.com", "a@nas.example",
                               ["y@example.com"], "Subject: p2\n\nx\n")
        n = len(srv.attempts)
        rc, err = smtprc(q, "example.com", [lst], *common, "--tls=may",
                         "--tls-policy=smtp.isp.test verify")
        assert rc == EX_TEMPFAIL and "4.7.5" in open(lst).read(), (rc, err)
        assert len(srv.attempts) == n, srv.attempts
    finally:
        srv.stop()
        ns.stop()


@test
def queued_bytes_can_never_end_data_early():
    """A queued message with "<CR>.<CR><LF>" and a smuggled second
    transaction behind it, a bare LF-dot-LF, NUL, and a 3000-octet line:
    the server sees one message whose lines all end in CR LF and are at
    most 998 octets, and no command but the client's own."""
    srv = FaultServer()
    q = qlib.make_queue(tmpdir())
    evil = (b"Subject: smuggle\n\nfirst\r.\r\nMAIL FROM:<evil@x.example>\r\n"
            b"RCPT TO:<victim@x.example>\r\nDATA\r\nsmuggled\r\n.\r\n"
            b"then\n.\nlone\r\n\x00nul\n" + b"L" * 3000 + b"\nend\n")
    lst = qlib.add_message(q, "x.example", "a@nas.example", ["b@x.example"],
                           evil)
    try:
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst])
        assert rc == 0, err
        assert len(srv.messages) == 1, srv.messages
        mails = [c for c in srv.commands if c.upper().startswith("MAIL")]
        assert len(mails) == 1, srv.commands
        body = srv.messages[0][2]
        for i, ch in enumerate(body):
            if ch == 13:
                assert body[i + 1:i + 2] == b"\n", body[max(0, i - 20):i + 20]
            if ch == 10:
                assert i > 0 and body[i - 1] == 13, body[max(0, i - 20):i + 20]
        for line in body.split(b"\r\n"):
            assert len(line) <= 998, len(line)
        assert b"smuggled" in body and b"end" in body
    finally:
        srv.stop()


@test
def dns_never_sends_mail_to_this_host():
    """An MX (or SRV target) whose address is loopback is a local service,
    not a mail server: DNS decided where smtprc connected, so an attacker's
    zone could make it talk SMTP to whatever listens here, and a domain
    whose MX points back at this host looped. Now such a server is cut
    like /SELF: 5.4.6 'loops back to myself' when nothing else is left,
    and nothing connects; an SRV record's port 0 is never connected to.
    --allow-local-mx (a test bed) lets it through."""
    from dnsd import Nsd
    srv = FaultServer()
    ns = Nsd({"loop.test": "$ORIGIN loop.test.\n$TTL 60\n"
              "@ SOA ns h 1 60 60 60 60\n@ NS ns\nns A 127.0.0.1\n"
              "@ MX 10 mx\nmx A 127.0.0.1\n"
              "_smtp._tcp.zero SRV 0 0 0 mx\n"})
    q = qlib.make_queue(tmpdir())
    try:
        lst = qlib.add_message(q, "loop.test", "a@nas.example", ["x@loop.test"],
                               "Subject: l\n\nx\n")
        rc, err = smtprc(q, "loop.test", [lst], ns.resolver(),
                         "--no-allow-local-mx", "--smtp-port=%d" % srv.port)
        assert rc == 0 and not os.path.exists(lst), (rc, err)
        if CONFIG_LOG:
            assert "loops back to myself" in err and "5.4.6" in err, err
        assert srv.sessions == 0, srv.sessions
        (bounce,) = qlib.read_maildrop(q)
        assert b"5.4.6" in bounce[1] and b"loops back to myself" in bounce[1], bounce
        lst = qlib.add_message(q, "zero.loop.test", "a@nas.example",
                               ["y@zero.loop.test"], "Subject: z\n\nx\n")
        rc, err = smtprc(q, "zero.loop.test", [lst], ns.resolver(), "/V",
                         "--allow-local-mx", "--smtp-port=%d" % srv.port)
        assert srv.sessions == 0, err
        if CONFIG_LOG:
            assert "port 0 skipped" in err, err
        lst = qlib.add_message(q, "loop.test", "a@nas.example", ["z@loop.test"],
                               "Subject: l2\n\nx\n")
        rc, err = smtprc(q, "loop.test", [lst], ns.resolver(),
                         "--allow-local-mx", "--smtp-port=%d" % srv.port)
        assert rc == 0 and len(srv.messages) == 1, (rc, err)
    finally:
        srv.stop()
        ns.stop()


@test
def a_list_for_an_unusable_domain_is_bounced_not_kept_for_ever():
    """A list an older version queued for "[300.1.2.3]" (a literal that is
    no address; "[a/b]" never made a file): smtprc exited 64 on
    every run (so smtprcd blamed its run file), the list stayed at attempt
    0 for ever. Now it is settled like any other: every recipient bounced
    5.1.2, the list and message gone. A typo on the command line, with no
    list of that name, is still a usage error."""
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "[300.1.2.3]", "alice@nas.example",
                           ["x@[300.1.2.3]"], "Subject: u\n\nx\n")
    rc, err = smtprc(q, "[300.1.2.3]", [lst])
    assert rc == 0 and not os.path.exists(lst), (rc, err)
    (bounce,) = qlib.read_maildrop(q)
    assert b"Final-Recipient: rfc822; x@[300.1.2.3]" in bounce[1], bounce
    assert b"Status: 5.1.2" in bounce[1], bounce
    assert qlib.queue_files(q) == [n for n in qlib.queue_files(q)
                                   if n.startswith("maildrop/")]
    other = qlib.add_message(q, "example.com", "a@nas.example",
                             ["y@example.com"], "Subject: t\n\nx\n")
    rc, err = smtprc(q, "[1.2.3]", [other])
    assert rc == EX_USAGE and os.path.exists(other), (rc, err)


@test
def a_caller_never_chooses_a_privileged_sendmails_configuration():
    """sendmail installed set-group-ID (its drop into maildrop/) must not
    let its caller choose the configuration, and through it the queue and
    the FIFOs written to: -C, --config and $SMTPRC_CONF are ignored, with
    a warning, for a caller with less privilege. Seen as user nobody with a
    set-group-ID copy of the binary."""
    import shutil
    import stat as st
    if RUN:
        raise Skip("set-group-ID is checked on the host build")
    d = tmpdir()
    os.chmod(d, 0o755)
    if os.statvfs(d).f_flag & os.ST_NOSUID:
        raise Skip("%s is mounted nosuid" % d)
    binary = os.path.join(d, "sendmail")
    shutil.copy(PROG, binary)
    os.chown(binary, 0, 8)                      # group mail
    os.chmod(binary, 0o2755)
    assert os.stat(binary).st_mode & st.S_ISGID
    evilq = os.path.join(d, "evilq")
    os.makedirs(evilq)
    os.chmod(evilq, 0o777)
    conf = os.path.join(d, "evil.conf")
    with open(conf, "w") as f:
        f.write("queue %s\n" % evilq)
    os.chmod(conf, 0o644)
    for how in (["-C", conf], ["--config=" + conf]):
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                            "--clear-groups", "--", binary] + how +
                           ["a@x.example"], input=b"Subject: s\n\nx\n",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60, env=dict(os.environ, SMTPRC_CONF=conf))
        err = p.stderr.decode()
        assert "are ignored" in err, (how, p.returncode, err)
        md = os.path.join(evilq, "maildrop")
        assert not os.path.isdir(md) or not os.listdir(md), os.listdir(md)
