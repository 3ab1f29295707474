"""OAuth 2.0 peers on 127.0.0.1 for the OAuth tests, each a real server:

TokenEndpoint: an HTTPS token endpoint (Python's http.server behind TLS
with the test's CA) answering RFC 6749 section 6 refreshes with the
documented success and error JSON: access tokens that expire, refresh
tokens rotated on each use (the old one then refused, the strictest a
provider may be), and every request recorded.

OAuthSmtp: a submission server (aiosmtpd) that requires STARTTLS and then
AUTH XOAUTH2 or OAUTHBEARER, accepting only the access tokens the
endpoint issued and has not expired, and answering a refused token as
Google does: a 334 carrying the RFC 7628 JSON error, then 535 5.7.8."""
import base64
import collections
import http.server
import json
import ssl
import threading
import time
import urllib.parse
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

from harness import free_port

warnings.filterwarnings("ignore", message="Session.login_data")


class TokenEndpoint:
    def __init__(self, cert, key, refresh="rt-0", expires_in=3600,
                 rotate=True, revoke=True, client_id="smtprc-test-client"):
        self.lock = threading.Lock()
        self.valid_refresh = {refresh}
        self.access = {}            # token -> expiry (monotonic seconds)
        self.requests = []          # each form, as a dict of lists
        self.expires_in = expires_in
        self.rotate = rotate
        self.revoke = revoke        # a rotated refresh token is refused
        self.stopped = False
        self.client_id = client_id
        self.n = 0
        self.fail_with = None       # (status, body) to answer instead
        # The device grant (RFC 8628): device_code -> its state, the
        # answers to give to its polls in order ("pending", "slow_down",
        # "ok", "denied", "expired"), and when each poll came.
        self.devices = {}
        self.device_script = ["pending", "ok"]
        self.device_interval = 1
        self.polls = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(n).decode())
                status, body = outer._answer(self.path, form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

        self.port = free_port()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/token"):
        return "https://localhost:%d%s" % (self.port, path)

    def _answer(self, path, form):
        with self.lock:
            self.requests.append(form)
            if self.fail_with:
                return self.fail_with
            one = lambda k: (form.get(k) or [None])[0]  # noqa: E731
            if one("client_id") != self.client_id:
                return 401, {"error": "invalid_client",
                             "error_description": "unknown client"}
            if path == "/devicecode":
                code = "dc-%d" % (len(self.devices) + 1)
                self.devices[code] = list(self.device_script)
                return 200, {"device_code": code, "user_code": "WDJB-MJHT",
                             "verification_uri": "https://microsoft.com/devicelogin",
                             "expires_in": 900, "interval": self.device_interval,
                             "message": "To sign in, use a web browser..."}
            if path != "/token":
                return 404, {"error": "not_found"}
            if one("grant_type") == "urn:ietf:params:oauth:grant-type:device_code":
                script = self.devices.get(one("device_code"))
                self.polls.append(time.monotonic())
                step = script.pop(0) if script and len(script) > 1 else \
                    (script[0] if script else "expired")
                if step != "ok":
                    return 400, {"error": {
                        "pending": "authorization_pending",
                        "slow_down": "slow_down", "denied": "access_denied",
                        "expired": "expired_token"}[step]}
                self.devices.pop(one("device_code"))
            elif one("grant_type") != "refresh_token":
                return 400, {"error": "unsupported_grant_type"}
            elif one("refresh_token") not in self.valid_refresh:
                return 400, {"error": "invalid_grant", "error_description":
                             "AADSTS70000: The refresh token is not valid."}
            rt = one("refresh_token")
            self.n += 1
            at = "at-%d.%s" % (self.n, "x" * 1500)   # Microsoft-sized
            self.access[at] = time.monotonic() + self.expires_in
            body = {"token_type": "Bearer", "scope": one("scope") or "",
                    "expires_in": self.expires_in, "access_token": at}
            if self.rotate or not rt:
                if self.revoke and rt:
                    self.valid_refresh.discard(rt)
                new = "rt-%d" % self.n
                self.valid_refresh.add(new)
                body["refresh_token"] = new
            return 200, body

    def token_ok(self, token):
        with self.lock:
            end = self.access.get(token)
            return end is not None and time.monotonic() < end

    def expire_all(self):
        with self.lock:
            for t in self.access:
                self.access[t] = 0

    def stop(self):
        if self.stopped:
            return
        self.stopped = True
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


class _BigSMTP(SMTP):
    # RFC 4954 section 4: an AUTH line may reach 12288 octets.
    line_length_limit = 16384
    command_size_limit = 16384

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        # Its own table (the class's is shared by every server).
        self.command_size_limits = collections.defaultdict(lambda: 16384)


class OAuthSmtp:
    def __init__(self, cert, key, endpoint, user, mechanisms=("XOAUTH2",
                                                              "OAUTHBEARER")):
        self.messages = []
        self.attempts = []          # (mechanism, user, token prefix, ok)
        self.port = free_port()
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        outer = self

        def check(server, mech, raw):
            fields = raw.decode("utf-8", "replace").split("\x01")
            if mech == "XOAUTH2":
                who = fields[0][5:] if fields[0].startswith("user=") else None
            else:
                gs2 = fields[0].split(",")
                who = gs2[1][2:] if len(gs2) > 1 and gs2[1].startswith("a=") else None
            auth = [f for f in fields if f.startswith("auth=Bearer ")]
            token = auth[0][12:] if auth else ""
            ok = who == user and endpoint.token_ok(token)
            outer.attempts.append((mech, who, token[:8], ok))
            return ok

        async def refuse(server, mech):
            err = json.dumps({"status": "invalid_token", "schemes": "bearer",
                              "scope": "https://mail.google.com/"})
            await server.challenge_auth(err)      # the client's reply ends it
            return AuthResult(success=False, handled=False,
                              message="535 5.7.8 Username and Password not accepted")

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                       envelope.original_content))
                return "250 2.0.0 accepted"

        def mech_method(mech):
            async def method(self, server, args):
                if len(args) < 2:
                    return AuthResult(success=False, handled=False)
                raw = base64.b64decode(args[1])
                if check(server, mech, raw):
                    return AuthResult(success=True, handled=False)
                return await refuse(server, mech)
            return method

        for m in mechanisms:
            setattr(Handler, "auth_" + m, mech_method(m))

        class Ctl(Controller):
            def factory(self):
                return _BigSMTP(self.handler, **self.SMTP_kwargs)

        self.controller = Ctl(
            Handler(), hostname="127.0.0.1", port=self.port, tls_context=ctx,
            require_starttls=True, auth_required=True, auth_require_tls=True,
            auth_exclude_mechanism=["PLAIN", "LOGIN"])
        self.controller.start()

    def stop(self):
        self.controller.stop()
