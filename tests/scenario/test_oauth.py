"""OAuth 2.0 for a smarthost route (--oauth-file): SASL XOAUTH2 and
OAUTHBEARER against a real submission server (aiosmtpd) that accepts only
the tokens a real HTTPS token endpoint (http.server with the test's CA)
issued; refreshes over HTTPS when the token is missing, expired or
refused; rotated refresh tokens stored; every token problem deferred
4.7.8, never bounced; the token file never lost under kill -9."""
import os
import random
import signal
import subprocess
import time

import qlib
from harness import PROG, RUN, Skip, local_dns, smtprc, test, tmpdir
from sysexits import EX_TEMPFAIL, EX_USAGE
from tlscerts import Certs

TLS = os.environ.get("CONFIG_TLS", "1") == "1"


def need_tls():
    if not TLS:
        raise Skip("TLS IS NOT BUILT IN (CONFIG_TLS=0): OAuth needs it")


def one_list(q, n):
    return qlib.add_message(q, "oauth.example", "nas@nas.example",
                            ["u%d@oauth.example" % n],
                            "Subject: oauth %d\n\nthrough a provider\n" % n)


def token_file(d, smtp_port, endpoint, refresh="rt-0", mech=None):
    path = os.path.join(d, "m365.token")
    with open(path, "w") as f:
        f.write("# the route's OAuth 2.0 settings\n"
                "target localhost:%d\nuser nas@oauth.example\n"
                "token-endpoint %s\nclient-id smtprc-test-client\n"
                "scope https://outlook.office.com/SMTP.Send offline_access\n"
                "%s%s"
                % (smtp_port, endpoint.url(),
                   "refresh-token %s\n" % refresh if refresh else
                   "device-endpoint %s\n" % endpoint.url("/devicecode"),
                   "mechanism %s\n" % mech if mech else ""))
    os.chmod(path, 0o600)
    return path


def fields(path):
    out = {}
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            k, _, v = line.rstrip("\n").partition(" ")
            out[k] = v
    return out


class Peers:
    """A token endpoint and a submission server sharing the test's CA."""

    def __init__(self, rotate=True, revoke=True, mechanisms=("XOAUTH2", "OAUTHBEARER")):
        from oauthsrv import OAuthSmtp, TokenEndpoint
        self.d = tmpdir()
        self.certs = Certs(self.d)
        crt, key = self.certs.leaf("localhost", "localhost")
        self.ep = TokenEndpoint(crt, key, rotate=rotate, revoke=revoke)
        self.smtp = OAuthSmtp(crt, key, self.ep, "nas@oauth.example", mechanisms)
        self.q = qlib.make_queue(tmpdir())

    def run(self, lst, path, *extra):
        return smtprc(self.q, "oauth.example", [lst],
                      "--route=* localhost:%d" % self.smtp.port, "/V",
                      "--oauth-file=" + path,
                      "--tls-ca-file=" + self.certs.ca_file, *extra)

    def stop(self):
        self.smtp.stop()
        self.ep.stop()


@test
def xoauth2_refreshes_stores_rotated_tokens_and_retries_a_refused_one():
    need_tls()
    p = Peers()
    try:
        path = token_file(p.d, p.smtp.port, p.ep)
        # No access token yet: one refresh, then AUTH XOAUTH2.
        lst = one_list(p.q, 1)
        rc, err = p.run(lst, path)
        assert rc == 0 and not os.path.exists(lst), err
        assert len(p.ep.requests) == 1, p.ep.requests
        req = p.ep.requests[0]
        assert req["grant_type"] == ["refresh_token"] and \
            req["refresh_token"] == ["rt-0"] and \
            req["scope"] == ["https://outlook.office.com/SMTP.Send offline_access"], req
        assert p.smtp.attempts == [("XOAUTH2", "nas@oauth.example", "at-1.xxx", True)], \
            p.smtp.attempts
        assert len(p.smtp.messages) == 1
        f = fields(path)
        assert f["refresh-token"] == "rt-1" and f["access-token"].startswith("at-1."), f
        assert int(f["access-expires"]) > time.time() + 3000, f
        assert f["scope"] == "https://outlook.office.com/SMTP.Send offline_access", f
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert not os.path.exists(path + ".tmp")
        # Neither token is ever logged.
        assert "at-1." not in err and "rt-" not in err, err
        assert "[AUTH credentials: not logged]" in err, err
        # Still fresh: no refresh.
        lst = one_list(p.q, 2)
        rc, err = p.run(lst, path)
        assert rc == 0 and len(p.ep.requests) == 1, (err, p.ep.requests)
        # The provider revokes it before its time: the server's 334 with
        # its JSON error, a refresh (with the rotated token), once more.
        p.ep.expire_all()
        lst = one_list(p.q, 3)
        rc, err = p.run(lst, path)
        assert rc == 0 and not os.path.exists(lst), err
        assert len(p.ep.requests) == 2 and \
            p.ep.requests[1]["refresh_token"] == ["rt-1"], p.ep.requests
        assert [a[3] for a in p.smtp.attempts] == [True, True, False, True], \
            p.smtp.attempts
        assert fields(path)["refresh-token"] == "rt-2"
        assert len(p.smtp.messages) == 3
    finally:
        p.stop()


@test
def token_problems_defer_with_the_reason_and_never_bounce():
    need_tls()
    p = Peers()
    try:
        path = token_file(p.d, p.smtp.port, p.ep, refresh="rt-unknown")
        # The refresh token is refused (RFC 6749 5.2 invalid_grant).
        lst = one_list(p.q, 1)
        rc, err = p.run(lst, path)
        assert rc == EX_TEMPFAIL and os.path.exists(lst), err
        text = open(lst).read()
        assert "4.7.8" in text and "invalid_grant" in text and \
            "smtprc --oauth-login" in text, text
        assert not p.smtp.attempts, p.smtp.attempts
        assert fields(path)["refresh-token"] == "rt-unknown"
        assert not qlib.read_maildrop(p.q), "a token problem never bounces"
        # The endpoint answers 503 with no JSON: deferred, said so.
        path = token_file(p.d, p.smtp.port, p.ep)
        p.ep.fail_with = (503, "<html>down</html>")
        rc, err = p.run(lst, path)
        assert rc == EX_TEMPFAIL and "HTTP 503" in open(lst).read(), err
        # Nobody listens at the endpoint.
        p.ep.fail_with = None
        p.ep.stop()
        rc, err = p.run(lst, path)
        assert rc == EX_TEMPFAIL and "4.7.8" in open(lst).read(), err
        assert fields(path)["refresh-token"] == "rt-0"
        # A token file others can read is a usage error, as is a typo.
        os.chmod(path, 0o640)
        rc, err = p.run(lst, path)
        assert rc == EX_USAGE and "chmod 600" in err, err
        with open(path, "a") as f:
            f.write("refresh_token x\n")
        os.chmod(path, 0o600)
        rc, err = p.run(lst, path)
        assert rc == EX_USAGE and "line 8: an unknown key" in err, err
        assert os.path.exists(lst) and not qlib.read_maildrop(p.q)
    finally:
        p.stop()


@test
def oauthbearer_when_the_server_offers_only_it():
    need_tls()
    p = Peers(mechanisms=("OAUTHBEARER",))
    try:
        path = token_file(p.d, p.smtp.port, p.ep, mech="xoauth2")
        lst = one_list(p.q, 1)
        rc, err = p.run(lst, path)
        assert rc == 0 and not os.path.exists(lst), err
        assert [a[:2] + a[3:] for a in p.smtp.attempts] == \
            [("OAUTHBEARER", "nas@oauth.example", True)], p.smtp.attempts
    finally:
        p.stop()


@test
def kill_9_during_refreshes_never_loses_the_refresh_token():
    """The endpoint rotates refresh tokens and, as Microsoft does, still
    takes an older one; smtprc is killed at random instants while it
    refreshes and stores. After every kill the token file is whole (the
    old one or the new one) and its refresh token still works."""
    need_tls()
    p = Peers(rotate=True, revoke=False)
    rnd = random.Random(7)
    kills = 0
    # How long a run goes on after the endpoint has its request: a kill
    # is aimed at a random instant within it. It starts generous and
    # shrinks to what a run that ended first took, so that the kills land
    # inside the window on a fast host and under an emulator alike (a
    # fixed 0-0.3 s under qemu-arm missed it: a run ends about 20 ms after
    # the request, and 2 kills of 16 failed the landing's CI).
    span = 0.3
    try:
        path = token_file(p.d, p.smtp.port, p.ep)
        for i in range(20):
            p.ep.expire_all()
            lst = one_list(p.q, i)
            cmd = RUN + [PROG, "--queue=" + p.q] + local_dns(
                ["--route=* localhost:%d" % p.smtp.port, "--oauth-file=" + path,
                 "--tls-ca-file=" + p.certs.ca_file, "oauth.example", lst])
            seen = len(p.ep.requests)
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            # The window that matters opens when the endpoint has the
            # request (it has rotated the token when it answers): a kill
            # at a random instant after that, or before it now and then.
            end = time.monotonic() + 30
            while len(p.ep.requests) == seen and proc.poll() is None and \
                    time.monotonic() < end and i % 5:
                time.sleep(0.001)
            start = time.monotonic()
            aim = start + rnd.uniform(0, span)
            while proc.poll() is None and time.monotonic() < aim:
                time.sleep(0.001)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            elif i % 5:
                span = max(0.005, 0.9 * (time.monotonic() - start))
            proc.wait(60)
            f = fields(path)
            assert set(f) >= {"target", "user", "token-endpoint", "client-id",
                              "scope", "refresh-token"}, f
            assert f["refresh-token"] in p.ep.valid_refresh, (i, f)
        # And it still delivers.
        lst = one_list(p.q, 99)
        rc, err = p.run(lst, path)
        assert rc == 0 and not os.path.exists(lst), err
        print("     kill -9 during refreshes: 20 runs, %d kills, %d refreshes"
              % (kills, len(p.ep.requests)))
        assert kills >= 5, kills
    finally:
        p.stop()


@test
def tls_off_build_refuses_an_oauth_file():
    if TLS:
        raise Skip("TLS is built in: this checks the CONFIG_TLS=0 build")
    d = tmpdir()
    q = qlib.make_queue(tmpdir())
    lst = one_list(q, 1)
    rc, err = smtprc(q, "oauth.example", [lst], "--route=* localhost:25",
                     "--oauth-file=" + os.path.join(d, "none"))
    assert rc == EX_USAGE and "OAuth 2.0 needs TLS" in err, err
    assert os.path.exists(lst)


@test
def device_grant_signs_in_a_box_without_a_browser():
    """RFC 8628: before the sign-in, mail waits (4.7.8, asking for it);
    smtprc --oauth-login prints the URL and the code, polls within the
    interval, 5 s more after a slow_down, and stores the tokens, with
    which the mail goes. A refused sign-in leaves the file as it was."""
    need_tls()
    p = Peers()
    try:
        path = token_file(p.d, p.smtp.port, p.ep, refresh=None)
        target = "localhost:%d" % p.smtp.port
        lst = one_list(p.q, 1)
        rc, err = p.run(lst, path)
        assert rc == EX_TEMPFAIL and os.path.exists(lst), err
        text = open(lst).read()
        assert "4.7.8" in text and "smtprc --oauth-login " + target in text, text
        # --check says what is missing, and for which route.
        out = subprocess.run(RUN + [PROG, "--check", "--queue=" + p.q,
                                    "--route=* " + target, "--oauth-file=" + path,
                                    "--tls-ca-file=" + p.certs.ca_file],
                             stdout=subprocess.PIPE, timeout=30)
        said = out.stdout.decode()
        assert out.returncode == 0, said
        assert "AUTH as (OAuth 2.0) nas@oauth.example" in said, said
        assert "no access token yet" in said and \
            "sign in once with smtprc --oauth-login" in said, said
        p.ep.device_script = ["pending", "slow_down", "ok"]
        login = RUN + [PROG, "--oauth-login", "--oauth-file=" + path,
                       "--tls-ca-file=" + p.certs.ca_file, target]
        out = subprocess.run(login, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=120)
        said = out.stdout.decode()
        assert out.returncode == 0, (said, out.stderr.decode())
        assert "https://microsoft.com/devicelogin" in said and \
            "WDJB-MJHT" in said and "Signed in" in said, said
        gaps = [b - a for a, b in zip(p.ep.polls, p.ep.polls[1:])]
        assert len(p.ep.polls) == 3 and gaps[0] >= 0.9 and gaps[1] >= 5.5, gaps
        f = fields(path)
        assert f["refresh-token"].startswith("rt-") and \
            f["access-token"].startswith("at-"), f
        assert f["device-endpoint"] == p.ep.url("/devicecode"), f
        assert os.stat(path).st_mode & 0o777 == 0o600
        n = len(p.ep.requests)
        rc, err = p.run(lst, path)
        assert rc == 0 and not os.path.exists(lst), err
        assert len(p.ep.requests) == n, "the stored access token is used"
        # Refused at the provider: exit 69, the file untouched.
        before = open(path).read()
        p.ep.device_script = ["denied"]
        out = subprocess.run(login, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=60)
        assert out.returncode == 69 and b"access_denied" in out.stderr, out
        assert open(path).read() == before
        # Another route's file, or none: a usage error.
        out = subprocess.run(RUN + [PROG, "--oauth-login", "--oauth-file=" + path,
                                    "other:587"], stderr=subprocess.PIPE, timeout=30)
        assert out.returncode == EX_USAGE and b"another route" in out.stderr, out
    finally:
        p.stop()


@test
def a_token_endpoint_with_another_names_certificate_gets_nothing():
    """The refresh token goes only to the endpoint its URL names: a
    certificate for another name (someone on the path) fails the
    handshake before any request, the mail is deferred 4.7.5/4.7.8."""
    need_tls()
    from oauthsrv import TokenEndpoint
    p = Peers()
    crt, key = p.certs.leaf("other", "login.other.test")
    rogue = TokenEndpoint(crt, key)
    try:
        path = token_file(p.d, p.smtp.port, rogue)
        lst = one_list(p.q, 1)
        rc, err = p.run(lst, path)
        assert rc == EX_TEMPFAIL and os.path.exists(lst), err
        assert not rogue.requests, rogue.requests
        text = open(lst).read()
        assert "4.7.8" in text and "certificate" in text, text
        assert fields(path)["refresh-token"] == "rt-0"
    finally:
        rogue.stop()
        p.stop()
