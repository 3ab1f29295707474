"""Delivery against real servers: smtp-sink (one connection for many
lists) and a private Postfix (the delivered bytes, exactly)."""
import os

import qlib
from harness import (CONFIG_IPV6, CONFIG_LOG, CONFIG_TLS, PROG, RUN,
                     PrivatePostfix, SmtpSink, Skip, smtprc, test, tmpdir)
import subprocess


def msg(subject, body="hello\n"):
    return "From: alice@example.org\nTo: bob@example.com\nSubject: %s\n\n%s" % (subject, body)


@test
def fifty_lists_one_connection():
    q = qlib.make_queue(tmpdir())
    lists = [qlib.add_message(q, "example.com", "alice@example.org",
                              ["bob@example.com", "carol@example.com"],
                              msg("m%d" % i)) for i in range(50)]
    with SmtpSink() as sink:
        rc, err = smtprc(q, "127.0.0.1:%d" % sink.port, lists)
        sess, quit_, mesg = sink.stats()
    assert rc == 0, (rc, err)
    assert sess == 1 and quit_ == 1, (sess, quit_, err)
    assert mesg == 50, mesg
    assert qlib.queue_files(q) == [], qlib.queue_files(q)
    if CONFIG_LOG:
        assert err.count("delivered <") == 100, err


# Complete headers, so that Postfix's cleanup adds none of its own below
# them (it adds Return-Path, Delivered-To and Received above).
H = (b"From: alice@example.org\nTo: someone@example.com\n"
     b"Date: Sat, 28 Nov 2026 12:00:00 +0000\nMessage-ID: <%s@test>\n")


def full(name, rest):
    return (H % name.encode()) + rest


def wrapped(line, limit=998):
    """line as it goes on the wire: broken where it reaches limit octets,
    each continuation starting with the inserted space."""
    out, rest = [line[:limit]], line[limit:]
    while rest:
        out.append(b" " + rest[:limit - 1])
        rest = rest[limit - 1:]
    return b"\n".join(out)


BODIES = {
    # name: (stored bytes, bytes Postfix must store)
    "dots": (full("dots", b"Subject: dots\n\n.\n..\n.leading\nmiddle.dot\n.\n"),
             full("dots", b"Subject: dots\n\n.\n..\n.leading\nmiddle.dot\n.\n")),
    "no-final-newline": (full("nf", b"Subject: nofinal\n\nlast line without end"),
                         full("nf", b"Subject: nofinal\n\nlast line without end\n")),
    "crlf": (full("crlf", b"Subject: crlf\n").replace(b"\n", b"\r\n") +
             b"\r\nline one\r\nline two\r\n",
             full("crlf", b"Subject: crlf\n\nline one\nline two\n")),
    "8bit": (H % b"8bit" + "Subject: 8bit\nContent-Type: text/plain; charset=utf-8\n"
             "Content-Transfer-Encoding: 8bit\n\nGr\u00fc\u00dfe, \u00e9t\u00e9 \u2603\n".encode(),
             H % b"8bit" + "Subject: 8bit\nContent-Type: text/plain; charset=utf-8\n"
             "Content-Transfer-Encoding: 8bit\n\nGr\u00fc\u00dfe, \u00e9t\u00e9 \u2603\n".encode()),
    # Lines over 998 octets reach the server broken with CR LF SPACE
    # (RFC 5321 §4.5.3.1.6; include/body.h).
    "dot-at-chunk-edge": (full("e", b"Subject: edge\n\n" + b"x" * 3970 + b"\n.\n" + b"y" * 5000 + b"\n"),
                          full("e", b"Subject: edge\n\n" + wrapped(b"x" * 3970) +
                               b"\n.\n" + wrapped(b"y" * 5000) + b"\n")),
}


@test
def postfix_receives_exact_bytes():
    q = qlib.make_queue(tmpdir())
    lists = {}
    for name, (stored, _) in BODIES.items():
        lists[name] = qlib.add_message(q, "example.com", "alice@example.org",
                                       ["%s@example.com" % name], stored)
    with PrivatePostfix() as pf:
        rc, err = smtprc(q, "127.0.0.1:%d" % pf.port, list(lists.values()), "/V")
        assert rc == 0, (rc, err)
        for name, (_, want) in BODIES.items():
            got = pf.delivered("example.com", name)
            assert len(got) == 1, (name, got, pf.log())
            # Postfix prepends Return-Path, Delivered-To and Received.
            assert got[0].endswith(want), (name, got[0][-200:])
            assert b"Return-Path: <alice@example.org>" in got[0]
    assert qlib.queue_files(q) == []
    if CONFIG_LOG:
        assert "> MAIL FROM:<alice@example.org>" in err
        assert "BODY=8BITMIME" in err     # Postfix advertises 8BITMIME
        assert "SIZE=" in err             # and SIZE


@test
def postfix_large_message():
    q = qlib.make_queue(tmpdir())
    body = full("big", b"Subject: big\n\n") + b"".join(b"%06d %s\n" % (i, b"z" * 90)
                                         for i in range(12000))
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["big@example.com"], body)
    with PrivatePostfix() as pf:
        rc, err = smtprc(q, "127.0.0.1:%d" % pf.port, [lst])
        assert rc == 0, (rc, err)
        got = pf.delivered("example.com", "big")
        assert len(got) == 1 and got[0].endswith(body), len(got)


@test
def ipv6_literal():
    if not CONFIG_IPV6:
        raise Skip("IPv6 not built in")
    from faultsmtp import FaultServer
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["bob@example.com"], msg("v6"))
    with FaultServer(host="::1") as srv:
        rc, err = smtprc(q, "[IPv6:::1]:%d" % srv.port, [lst])
        assert rc == 0, (rc, err)
        assert len(srv.messages) == 1


@test
def version_prints_configuration():
    p = subprocess.run(RUN + [PROG, "--version"], stdout=subprocess.PIPE)
    out = p.stdout.decode()
    assert p.returncode == 0
    for k in ("CONFIG_IPV6=", "CONFIG_TLS=", "CONFIG_LOG=",
              "SMTP_REPLY_LINE_SIZE=512 bytes", "RCPT_PER_LIST_MAX=100"):
        assert k in out, (k, out)
    # Every capacity named in config.h.in is printed with its value.
    import re
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    text = open(os.path.join(top, "config.h.in")).read()
    caps = [n for n in re.findall(r"^#define ([A-Z0-9_]+) ", text, re.M)
            if not n.startswith(("CONFIG_", "SMTPRC_"))]
    assert len(caps) >= 20, caps
    missing = [n for n in caps if n + "=" not in out]
    assert not missing, missing
    assert ("CONFIG_LOG=%d" % CONFIG_LOG) in out


@test
def multicall_names():
    d = tmpdir()
    for name in ("smtprcd", "smtppd", "sendmail", "mailq", "smtprc"):
        link = os.path.join(d, name)
        os.symlink(os.path.abspath(PROG), link)
        # Each name is its own program, with its own usage.
        p = subprocess.run(RUN + [link, "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        assert p.returncode == 0, (name, p.returncode)
        assert p.stdout.decode().startswith("usage: " + name + " "), p.stdout
    # Any other name is smtprc.
    link = os.path.join(d, "relay-client")
    os.symlink(os.path.abspath(PROG), link)
    p = subprocess.run(RUN + [link, "--help"], stdout=subprocess.PIPE)
    assert p.stdout.decode().startswith("usage: smtprc "), p.stdout
    # A build names only the options it has: TLS's and OAuth's with TLS.
    text = p.stdout.decode()
    tls_only = ("--tls-ca-file", "--tls-policy", "--oauth-file", "mta-sts",
                "--tls=none|may|encrypt|verify|dane")
    if CONFIG_TLS:
        assert all(o in text for o in tls_only), text
    else:
        assert not any(o in text for o in tls_only), text
        assert "--tls=none (this build has no TLS" in text, text
    assert "--auth-file=FILE" in text and "--allow-local-mx" in text, text
