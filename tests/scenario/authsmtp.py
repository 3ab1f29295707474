"""A real SMTP server that requires STARTTLS and then AUTH (aiosmtpd, with
PLAIN and LOGIN), for the smarthost tests. It records the messages it
accepted and the authentication attempts it saw. Listens on 127.0.0.1."""
import ssl
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from harness import free_port

# aiosmtpd 1.4 warns about its own use of a deprecated attribute.
warnings.filterwarnings("ignore", message="Session.login_data")


class AuthServer:
    def __init__(self, cert, key, user, password, mechanisms=None):
        self.messages = []      # (mail_from, [rcpt], data bytes)
        self.attempts = []      # (mechanism, login, success)
        self.port = free_port()
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        outer = self

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and
                  auth_data.login == user.encode() and
                  auth_data.password == password.encode())
            outer.attempts.append((mechanism, getattr(auth_data, "login", None), ok))
            return AuthResult(success=ok, handled=False)

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                       envelope.original_content))
                return "250 2.0.0 accepted"

        kw = {}
        if mechanisms is not None:
            # aiosmtpd offers every auth_MECH it has; hide the others.
            kw["auth_exclude_mechanism"] = [m for m in ("PLAIN", "LOGIN")
                                            if m not in mechanisms]
        self.controller = Controller(
            Handler(), hostname="127.0.0.1", port=self.port, tls_context=ctx,
            require_starttls=True, authenticator=authenticator,
            auth_required=True, auth_require_tls=True, **kw)
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()
