"""TLS: STARTTLS against a real Postfix with certificates this test makes
(its own CA; a leaf for the server's name, one for another name, an
expired one, a self-signed one), every policy against every kind, and the
faults no real server gives: no STARTTLS, a broken handshake, and a
response injected after the 220 to STARTTLS."""
import base64
import os
import shutil
import subprocess

import qlib
from dnsd import Nsd
from faultsmtp import FaultServer
from harness import (Skip, PrivatePostfix, free_port, smtprc, stop_process, test,
                     tmpdir, wait_port)
from tlscerts import Certs, der
from sysexits import EX_TEMPFAIL, EX_USAGE

TLS = os.environ.get("CONFIG_TLS", "1") == "1"


def need_tls():
    if not TLS:
        raise Skip("TLS IS NOT BUILT IN (CONFIG_TLS=0): TLS tests skipped")


def one_list(q, n=0):
    return qlib.add_message(q, "tls.example", "nas@nas.example", ["u%d@tls.example" % n],
                            "Subject: tls %d\n\nover TLS or not\n" % n)


@test
def every_policy_against_every_certificate():
    need_tls()
    d = tmpdir()
    certs = Certs(d)
    kinds = {
        "good": certs.leaf("good", "mx.test"),
        "wrongname": certs.leaf("wrong", "other.test"),
        "expired": certs.leaf("expired", "mx.test", expired=True),
        "selfsigned": certs.leaf("self", "mx.test", self_signed=True),
        "rsa": certs.leaf("rsa", "mx.test", kind="rsa"),
    }
    pf = PrivatePostfix(domains=("tls.example",), more_tls=kinds)
    plain = FaultServer()           # no STARTTLS offered
    dns = Nsd({"test": "$ORIGIN test.\n$TTL 60\n@ SOA ns h 1 60 60 60 60\n"
                       "@ NS ns\nns A 127.0.0.1\nmx A 127.0.0.1\n"})
    # policy -> kinds that must be delivered (the others deferred)
    want = {
        "none": {"good", "wrongname", "expired", "selfsigned", "rsa", "plain"},
        "may": {"good", "wrongname", "expired", "selfsigned", "rsa", "plain"},
        "encrypt": {"good", "wrongname", "expired", "selfsigned", "rsa"},
        "verify": {"good", "rsa"},
    }
    why = {"wrongname": "not for the server's name", "expired": "expired",
           "selfsigned": "not trusted", "plain": "4.7.10"}
    q = qlib.make_queue(tmpdir())
    try:
        n = 0
        for policy, ok in want.items():
            for kind in list(kinds) + ["plain"]:
                n += 1
                port = plain.port if kind == "plain" else pf.ports[kind]
                lst = one_list(q, n)
                rc, err = smtprc(q, "mx.test:%d" % port, [lst], "/V",
                                 "--resolver=127.0.0.1:%d" % dns.port,
                                 "--tls=" + policy, "--tls-ca-file=" + certs.ca_file,
                                 "--timeout-connect=5")
                case = (policy, kind, rc, err[-1500:])
                if kind in ok:
                    assert rc == 0 and not os.path.exists(lst), case
                    encrypted = policy != "none" and kind != "plain"
                    assert ("TLSv1.2 ECDHE-" in err) == encrypted, case
                    if policy == "verify":
                        assert "certificate verified" in err, case
                    if kind == "rsa" and encrypted:
                        assert "ECDHE-RSA-" in err, case
                else:
                    assert rc == EX_TEMPFAIL and os.path.exists(lst), case
                    text = open(lst).read()
                    assert why[kind] in err and "deferred" in err, case
                    assert ("4.7.10" if kind == "plain" else "4.7.5") in text, (case, text)
                    os.unlink(lst)
                    os.unlink(os.path.join(q, "mess", os.path.basename(lst)))
        # Postfix saw the TLS sessions.
        assert pf.log().count("TLS connection established") >= 12, pf.log()[-2000:]
    finally:
        pf.stop()
        plain.stop()
        dns.stop()
        shutil.rmtree(d, ignore_errors=True)


def starttls_fault(reply):
    """A fault server that offers STARTTLS and answers it with reply (the
    server knows no TLS: STARTTLS reaches it as an unknown command)."""
    return FaultServer({
        "ehlo": "250-fault.test\r\n250-PIPELINING\r\n250 STARTTLS",
        "noop": reply,
    })


@test
def injected_reply_after_starttls_is_not_acted_on():
    need_tls()
    # "220 Ready" and a second line in the same write, before any TLS.
    srv = starttls_fault("220 Ready\r\n250 2.0.0 injected: go on in plaintext")
    q = qlib.make_queue(tmpdir())
    try:
        lst = one_list(q)
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst], "/V")
        assert rc == EX_TEMPFAIL and os.path.exists(lst), (rc, err)
        assert "response injection" in err, err
        cmds = [c.split()[0].upper() for c in srv.commands if c]
        assert "MAIL" not in cmds and "RCPT" not in cmds, srv.commands
        # Deferred, never sent in plaintext on another connection.
        assert srv.sessions == 1, srv.sessions
    finally:
        srv.stop()


class InjectingTlsServer:
    """An SMTP server on 127.0.0.1 that offers STARTTLS, answers it with
    "220 Ready" followed in the same write by `inject` (plaintext bytes
    that must never be taken as the server's), then completes a real TLS
    handshake and speaks SMTP inside it, accepting everything. With an
    empty inject it is an honest STARTTLS server: the control case."""

    def __init__(self, crt, key, inject):
        import socket
        import ssl
        import threading
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(crt, key)
        self.inject = inject
        self.sessions = 0
        self.handshakes = 0
        self.commands = []       # every command, plaintext or in TLS
        self.messages = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _lines(self, f):
        while True:
            line = f.readline(4096)
            if not line:
                return
            line = line.decode("latin-1").rstrip("\r\n")
            self.commands.append(line)
            yield line

    def _session(self, c):
        c.settimeout(10)
        c.sendall(b"220 inject.test ESMTP\r\n")
        f = c.makefile("rb")
        for line in self._lines(f):
            verb = line.split(" ")[0].upper()
            if verb == "EHLO":
                c.sendall(b"250-inject.test\r\n250 STARTTLS\r\n")
            elif verb == "STARTTLS":
                c.sendall(b"220 Ready\r\n" + self.inject)
                tls = self.ctx.wrap_socket(c, server_side=True)
                self.handshakes += 1
                self._smtp(tls)
                return
            else:
                c.sendall(b"250 2.0.0 ok\r\n")

    def _smtp(self, t):
        f = t.makefile("rb")
        data = False
        for line in self._lines(f):
            if data:
                if line == ".":
                    data = False
                    self.messages += 1
                    t.sendall(b"250 2.0.0 queued\r\n")
                continue
            verb = line.split(" ")[0].upper()
            if verb == "EHLO":
                t.sendall(b"250-inject.test\r\n250 PIPELINING\r\n")
            elif verb == "DATA":
                data = True
                t.sendall(b"354 go ahead\r\n")
            elif verb == "QUIT":
                t.sendall(b"221 2.0.0 bye\r\n")
                return
            else:
                t.sendall(b"250 2.0.0 ok\r\n")

    def _run(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.sessions += 1
            try:
                self._session(c)
            except OSError:
                pass        # the client dropped the connection
            finally:
                c.close()

    def stop(self):
        self.stopping = True
        self.thread.join(10)
        self.sock.close()


@test
def injection_followed_by_a_handshake_that_succeeds():
    """The injected bytes come before a TLS handshake that would succeed:
    the client must still drop the connection, never act on them, and
    deliver nothing; the honest server (no injection) gets the message over
    TLS, so the handshake itself is not what stops the mail."""
    need_tls()
    d = tmpdir()
    certs = Certs(d)
    crt, key = certs.leaf("inj", "inject.test")
    q = qlib.make_queue(tmpdir())
    honest = InjectingTlsServer(crt, key, b"")
    try:
        lst = one_list(q)
        rc, err = smtprc(q, "[127.0.0.1]:%d" % honest.port, [lst], "/V")
        assert rc == 0 and not os.path.exists(lst), (rc, err)
        assert honest.handshakes == 1 and honest.messages == 1, honest.commands
        assert "TLSv1.2" in err, err
    finally:
        honest.stop()
    srv = InjectingTlsServer(crt, key, b"250 2.0.0 injected\r\n")
    try:
        lst = one_list(q, 1)
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst], "/V")
        assert rc == EX_TEMPFAIL and os.path.exists(lst), (rc, err)
        assert "response injection" in err, err
        assert srv.messages == 0 and srv.handshakes == 0, srv.commands
        assert not [c for c in srv.commands if c.upper().startswith(("MAIL", "RCPT"))], \
            srv.commands
        assert srv.sessions == 1, srv.sessions
    finally:
        srv.stop()


@test
def may_reconnects_in_plaintext_after_a_failed_handshake():
    need_tls()
    # The server says 220 to STARTTLS and then answers the ClientHello
    # with SMTP text: the handshake fails.
    srv = starttls_fault("220 go ahead")
    q = qlib.make_queue(tmpdir())
    try:
        lst = one_list(q)
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst], "/V")
        assert rc == 0 and not os.path.exists(lst), (rc, err)
        assert "reconnecting without TLS" in err, err
        assert srv.sessions == 2 and len(srv.messages) == 1, (srv.sessions, srv.messages)
        # encrypt: the same failure defers, nothing in plaintext.
        lst = one_list(q, 1)
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port, [lst], "--tls=encrypt")
        assert rc == EX_TEMPFAIL and os.path.exists(lst) and len(srv.messages) == 1, (rc, err)
        assert "4.7.5" in open(lst).read()
    finally:
        srv.stop()


@test
def ehlo_again_after_starttls_replaces_extensions():
    need_tls()
    d = tmpdir()
    certs = Certs(d)
    pf = PrivatePostfix(domains=("tls.example",), more_tls={"good": certs.leaf("g", "mx.test")})
    q = qlib.make_queue(tmpdir())
    try:
        lst = one_list(q)
        rc, err = smtprc(q, "[127.0.0.1]:%d" % pf.ports["good"], [lst], "/V")
        assert rc == 0, err
        lines = err.splitlines()
        ehlo = [i for i, l in enumerate(lines) if "> EHLO " in l]
        tls = [i for i, l in enumerate(lines) if "TLSv1.2" in l]
        assert len(ehlo) == 2 and tls and ehlo[0] < tls[0] < ehlo[1], lines
        # STARTTLS is not offered again inside TLS, and not asked for.
        assert sum("> STARTTLS" in l for l in lines) == 1, lines
        assert "(TLSv1.2" in err, err       # the outcome line says so
    finally:
        pf.stop()
        shutil.rmtree(d, ignore_errors=True)


@test
def implicit_tls_on_the_submissions_port():
    need_tls()
    d = tmpdir()
    certs = Certs(d)
    crt, key = certs.leaf("g", "mx.test")
    pf = PrivatePostfix(domains=("tls.example",),
                        more_tls={"smtps": (crt, key, "wrapper")})
    dns = Nsd({"test": "$ORIGIN test.\n$TTL 60\n@ SOA ns h 1 60 60 60 60\n"
                       "@ NS ns\nns A 127.0.0.1\nmx A 127.0.0.1\n"})
    q = qlib.make_queue(tmpdir())
    port = pf.ports["smtps"]
    try:
        lst = one_list(q)
        rc, err = smtprc(q, "mx.test:%d" % port, [lst], "/V", "--tls=verify",
                         "--tls-ca-file=" + certs.ca_file,
                         "--resolver=127.0.0.1:%d" % dns.port,
                         "--tls-implicit-port=%d" % port)
        assert rc == 0 and not os.path.exists(lst), err
        lines = err.splitlines()
        tls = [i for i, l in enumerate(lines) if "(implicit TLS)" in l]
        greet = [i for i, l in enumerate(lines) if "< 220 " in l]
        assert tls and greet and tls[0] < greet[0], lines
        assert "certificate verified" in err and "STARTTLS" not in err, err
        # Without the port marked implicit, the same server is unreadable
        # plaintext: deferred, never delivered.
        lst = one_list(q, 1)
        rc, err = smtprc(q, "mx.test:%d" % port, [lst],
                         "--resolver=127.0.0.1:%d" % dns.port,
                         "--timeout-greeting=2")
        assert rc == EX_TEMPFAIL and os.path.exists(lst), err
    finally:
        pf.stop()
        dns.stop()
        shutil.rmtree(d, ignore_errors=True)


def against_s_server(q, n, cert, args, host, *opts):
    """One list of q delivered by smtprc to openssl s_server (started with
    cert and args on an implicit-TLS port of 127.0.0.1, stopped after) as
    host:PORT: (list path, exit code, standard error). s_server speaks no
    SMTP, so a handshake that succeeds ends in a greeting time-out."""
    port = free_port()
    srv = subprocess.Popen(["openssl", "s_server", "-quiet", "-accept",
                            "127.0.0.1:%d" % port, "-cert", cert[0],
                            "-key", cert[1]] + args,
                           stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        lst = one_list(q, n)
        rc, err = smtprc(q, "%s:%d" % (host, port), [lst], "/V",
                         "--tls-implicit-port=%d" % port,
                         "--timeout-greeting=1", *opts)
    finally:
        stop_process(srv)
    return lst, rc, err


@test
def handshake_corner_cases_against_openssl_s_server():
    """openssl s_server on an implicit-TLS port, configured the ways a
    server can disagree with this client: TLS 1.3 only, no ECDHE suite,
    RSA-PSS signatures only, CBC suites only, a 4608-bit RSA key; and those
    it must accept: only X25519, only P-521, only ChaCha20-Poly1305, only
    AES-256-GCM, only AES-128-GCM. s_server speaks no SMTP, so an accepted
    handshake ends in a greeting time-out; either way the recipient is
    deferred and the transcript says why."""
    need_tls()
    d = tmpdir()
    certs = Certs(d)
    ec = certs.leaf("ec", "mx.test")
    rsa = certs.leaf("rsa", "mx.test", kind="rsa")
    # over the 4096 bits (520 bytes) a leaf key may have here
    big = certs.leaf("big", "mx.test", kind="rsa", bits=4608)
    cases = [
        (["-tls1_3"], ec, "fatal alert 70: protocol_version"),
        (["-tls1_2", "-cipher", "AES128-SHA256"], rsa, "fatal alert 40: handshake_failure"),
        (["-tls1_2", "-sigalgs", "RSA-PSS+SHA256"], rsa, "fatal alert 40"),
        (["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"], ec, "fatal alert 40"),
        (["-tls1_2"], big, "no usable key (RSA over 4096 bits"),
        (["-tls1_2", "-curves", "X25519"], ec, "ECDHE-ECDSA-"),
        (["-tls1_2", "-curves", "secp521r1"], ec, "ECDHE-ECDSA-"),
        # each AEAD of the suites offered, its records both ways (the
        # Finished messages): Poly1305 is BearSSL's i15 code on MIPS
        (["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"], ec,
         "ECDHE-ECDSA-CHACHA20-POLY1305"),
        (["-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"], rsa,
         "ECDHE-RSA-AES256-GCM-SHA384"),
        (["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], ec,
         "ECDHE-ECDSA-AES128-GCM-SHA256"),
    ]
    q = qlib.make_queue(tmpdir())
    try:
        for n, (args, cert, want) in enumerate(cases):
            lst, rc, err = against_s_server(q, n, cert, args, "[127.0.0.1]")
            case = (args, rc, err[-1500:])
            assert rc == EX_TEMPFAIL and os.path.exists(lst), case
            assert want in err, case
            text = open(lst).read()
            if want.startswith("ECDHE"):
                # TLS up, then no greeting: a plain time-out
                assert "(implicit TLS)" in err and "4.4.1" in text, (case, text)
            else:
                assert "4.7.5" in text and "(no TLS session)" in err, (case, text)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def sha1_signatures_are_neither_offered_nor_trusted():
    """RFC 9155: a TLS 1.2 client must not offer SHA-1 for the server's
    signature, and a certificate signed with SHA-1 proves nothing. Against
    openssl s_server (security level 0, so that it may use SHA-1 at all):
    a server that can sign only with SHA-1 finds no common signature
    algorithm; a certificate its CA signed with SHA-1 does not verify,
    the same certificate signed with SHA-256 does (the control). Before,
    both were accepted."""
    need_tls()
    from cryptography.hazmat.primitives import hashes
    d = tmpdir()
    certs = Certs(d)
    rsa = certs.leaf("rsa", "mx.test", kind="rsa")
    sha1 = certs.leaf("sha1", "mx.test", sig_hash=hashes.SHA1())
    good = certs.leaf("good", "mx.test")
    dns = Nsd({"test": "$ORIGIN test.\n$TTL 60\n@ SOA ns h 1 60 60 60 60\n"
                       "@ NS ns\nns A 127.0.0.1\nmx A 127.0.0.1\n"})
    cases = [
        (["-sigalgs", "RSA+SHA1"], rsa, [], "fatal alert 40"),
        ([], sha1, ["--tls=verify"], "SHA-1 signatures are refused"),
        ([], good, ["--tls=verify"], "certificate verified"),
    ]
    q = qlib.make_queue(tmpdir())
    try:
        for n, (args, cert, opts, want) in enumerate(cases):
            lst, rc, err = against_s_server(
                q, n, cert, ["-tls1_2", "-cipher", "DEFAULT:@SECLEVEL=0"] + args,
                "mx.test", "--resolver=127.0.0.1:%d" % dns.port,
                "--tls-ca-file=" + certs.ca_file, *opts)
            case = (args, opts, rc, err[-1500:])
            # s_server speaks no SMTP: even the control ends deferred
            assert rc == EX_TEMPFAIL and os.path.exists(lst), case
            assert want in err, case
            if want != "certificate verified":
                assert "4.7.5" in open(lst).read(), case
    finally:
        dns.stop()
        shutil.rmtree(d, ignore_errors=True)


@test
def every_curve_in_the_handshake_and_in_an_ecdsa_chain():
    """The curves smtprc offers (X25519, P-256, P-384, P-521: tls_ec.c,
    BearSSL's generic code) each used for ECDHE by openssl s_server, the
    server's P-256 key signing it, under the verify policy with a P-384 CA
    that signs with SHA-384 (as the ECDSA roots of public PKIs do). The
    control: the same leaf with one byte of the CA's signature changed is
    not trusted."""
    need_tls()
    d = tmpdir()
    certs = Certs(d, ca_kind="ec384")
    leaf = certs.leaf("leaf", "mx.test")
    der_bytes = bytearray(der(leaf[0]))
    der_bytes[-1] ^= 1      # the last byte of the ECDSA signature's s
    bad = (os.path.join(d, "bad.crt"), leaf[1])
    with open(bad[0], "wb") as f:
        f.write(b"-----BEGIN CERTIFICATE-----\n" +
                base64.encodebytes(bytes(der_bytes)) +
                b"-----END CERTIFICATE-----\n")
    dns = Nsd({"test": "$ORIGIN test.\n$TTL 60\n@ SOA ns h 1 60 60 60 60\n"
                       "@ NS ns\nns A 127.0.0.1\nmx A 127.0.0.1\n"})
    cases = [(curve, leaf, "certificate verified")
             for curve in ("X25519", "prime256v1", "secp384r1", "secp521r1")]
    cases.append(("prime256v1", bad, "certificate chain not trusted"))
    q = qlib.make_queue(tmpdir())
    try:
        for n, (curve, cert, want) in enumerate(cases):
            lst, rc, err = against_s_server(
                q, n, cert, ["-tls1_2", "-curves", curve], "mx.test",
                "--resolver=127.0.0.1:%d" % dns.port,
                "--tls-ca-file=" + certs.ca_file, "--tls=verify")
            case = (curve, cert, rc, err[-1500:])
            # s_server speaks no SMTP: a verified session ends deferred too
            assert rc == EX_TEMPFAIL and os.path.exists(lst), case
            assert want in err, case
            if cert is leaf:
                assert "ECDHE-ECDSA-" in err, case
    finally:
        dns.stop()
        shutil.rmtree(d, ignore_errors=True)


@test
def per_domain_policy_option_and_file():
    need_tls()
    srv = FaultServer()          # offers no STARTTLS
    q = qlib.make_queue(tmpdir())
    pfile = os.path.join(q, "tls-policy")
    route = "--route=tls.example [127.0.0.1]:%d" % srv.port
    try:
        cases = [
            ([], 0, None),                                     # may: plaintext
            (["--tls-policy=tls.example encrypt"], EX_TEMPFAIL, "4.7.10"),
            (["--tls-policy=other.example encrypt"], 0, None),
            (["--tls=encrypt", "--tls-policy=tls.example may"], 0, None),  # domain wins
            # verify cannot check a certificate of an address: refused
            # before connecting, with the reason.
            (["--tls-policy=* verify"], EX_TEMPFAIL, "needs a host name"),
            (["--tls-policy-file=" + pfile], EX_TEMPFAIL, "4.7.10"),
            # The route's target has its own policy: it wins (next hop).
            (["--tls-policy=[127.0.0.1] encrypt", "--tls-policy=tls.example may"],
             EX_TEMPFAIL, "4.7.10"),
        ]
        with open(pfile, "w") as f:
            f.write("# domain policy\n* none\nTLS.example   encrypt\n")
        for n, (opts, want, status) in enumerate(cases):
            lst = one_list(q, n)
            rc, err = smtprc(q, "tls.example", [lst], route, *opts)
            assert rc == want, (opts, rc, err)
            if want:
                assert status in open(lst).read(), open(lst).read()
        with open(pfile, "w") as f:
            f.write("tls.example sometimes\n")
        rc, err = smtprc(q, "tls.example", [one_list(q, 9)], route,
                         "--tls-policy-file=" + pfile)
        assert rc == EX_USAGE and "none, may, encrypt, verify or dane" in err, err
    finally:
        srv.stop()


@test
def tls_off_build_refuses_tls_options():
    if TLS:
        raise Skip("TLS is built in: this checks the CONFIG_TLS=0 build")
    q = qlib.make_queue(tmpdir())
    rc, err = smtprc(q, "[127.0.0.1]:25", [one_list(q)], "--tls=may")
    assert rc == EX_USAGE and "TLS is not built in" in err, err


@test
def auth_for_a_smarthost_inside_tls_only():
    need_tls()
    from authsmtp import AuthServer
    d = tmpdir()
    certs = Certs(d)
    crt, key = certs.leaf("smarthost", "smtp.isp.test")
    q = qlib.make_queue(tmpdir())
    auth = os.path.join(d, "auth")
    plain = FaultServer({"ehlo": "250-fault.test\r\n250 AUTH PLAIN LOGIN"})
    servers = []
    try:
        for mech in (["PLAIN", "LOGIN"], ["LOGIN"]):
            srv = AuthServer(crt, key, "nas1", "s3cret pass", mechanisms=mech)
            servers.append(srv)
            target = "[127.0.0.1]:%d" % srv.port
            route = "--route=* " + target
            with open(auth, "w") as f:
                f.write("# target user password\n* wrong wrong\n%s nas1 s3cret pass\n"
                        % target)
            os.chmod(auth, 0o600)
            lst = one_list(q, len(servers))
            # encrypt said explicitly: the route is an address, which
            # verify (the default with credentials) cannot check.
            rc, err = smtprc(q, "tls.example", [lst], route, "/V",
                             "--auth-file=" + auth, "--tls=encrypt")
            assert rc == 0 and not os.path.exists(lst), (mech, err)
            assert srv.attempts[-1][0] == mech[0] and srv.attempts[-1][2], srv.attempts
            assert "s3cret" not in err and "czNjcmV0" not in err, err
            assert "[AUTH credentials: not logged]" in err, err
            assert len(srv.messages) == 1, srv.messages
            # Wrong credentials: deferred with the server's words, never
            # bounced.
            with open(auth, "w") as f:
                f.write("%s nas1 not-it\n" % target)
            lst = one_list(q, 10 + len(servers))
            rc, err = smtprc(q, "tls.example", [lst], route, "--auth-file=" + auth,
                             "--tls=encrypt")
            assert rc == EX_TEMPFAIL and os.path.exists(lst), err
            text = open(lst).read()
            assert "4.7.8" in text and "authentication failed" in text, text
        # A server without STARTTLS never gets the password.
        with open(auth, "w") as f:
            f.write("* nas1 s3cret pass\n")
        lst = one_list(q, 20)
        rc, err = smtprc(q, "tls.example", [lst], "--route=* [127.0.0.1]:%d" % plain.port,
                         "--auth-file=" + auth, "--tls=may")
        assert rc == EX_TEMPFAIL and "only inside TLS" in open(lst).read(), err
        assert not [c for c in plain.commands if c.upper().startswith("AUTH")], plain.commands
        # A group- or world-readable credentials file is refused.
        os.chmod(auth, 0o644)
        rc, err = smtprc(q, "tls.example", [lst], "--route=* [127.0.0.1]:1",
                         "--auth-file=" + auth)
        assert rc == EX_USAGE and "chmod 600" in err, err
        # Mode 600 but another user's: refused too (anyone who owns it can
        # change what smtprc sends as credentials).
        os.chmod(auth, 0o600)
        os.chown(auth, 65534, 65534)
        rc, err = smtprc(q, "tls.example", [lst], "--route=* [127.0.0.1]:1",
                         "--auth-file=" + auth)
        assert rc == EX_USAGE and "belongs to another user" in err, err
    finally:
        for s in servers:
            s.stop()
        plain.stop()
        shutil.rmtree(d, ignore_errors=True)
