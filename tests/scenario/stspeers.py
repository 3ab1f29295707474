"""Peers for the MTA-STS test, run as programs inside the test's network
namespace (python3 stspeers.py KIND ...):

  https CERT KEY ADDR DOCROOT   an HTTPS server on ADDR:443 serving the
                                files of DOCROOT (.txt as text/plain)
  silent - - ADDR -             accepts on ADDR:443 and never says a word
  smtp CERT|- KEY|- ADDR OUTDIR an SMTP server on ADDR:25 (aiosmtpd),
                                with STARTTLS when given a certificate,
                                writing each message it accepts to OUTDIR

Each runs until killed; the test that starts them stops them."""
import functools
import http.server
import os
import ssl
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def https(cert, key, addr, root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass
    handler = functools.partial(Quiet, directory=root)
    httpd = http.server.ThreadingHTTPServer((addr, 443), handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    httpd.serve_forever()


def smtp(cert, key, addr, out):
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            name = "%d-%d" % (time.time() * 1e6, os.getpid())
            with open(os.path.join(out, name + ".tmp"), "wb") as f:
                f.write(b"TLS %d\n" % (session.ssl is not None))
                f.write(envelope.original_content)
            os.rename(os.path.join(out, name + ".tmp"), os.path.join(out, name))
            return "250 2.0.0 accepted"

    kw = {}
    if cert != "-":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        kw["tls_context"] = ctx
    c = Controller(Handler(), hostname=addr, port=25, **kw)
    c.start()
    while True:
        time.sleep(3600)


def silent(cert, key, addr, out):
    import socket
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 443))
    s.listen(8)
    held = []
    while True:
        held.append(s.accept())


if __name__ == "__main__":
    {"https": https, "smtp": smtp, "silent": silent}[sys.argv[1]](*sys.argv[2:6])
