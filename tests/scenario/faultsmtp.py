"""faultsmtp: a scriptable SMTP server for the faults no real server gives
on demand: a chosen reply at greeting, EHLO, MAIL, each RCPT, DATA and the
final dot; 421 at any point; a dropped connection or silence at any stage;
garbage and overlong replies. It runs in a thread of the test process,
listens on 127.0.0.1 only, and records every session and transaction.

A rule maps a stage to an action:
  stage:  greeting ehlo helo mail rcpt data dot rset quit
  action: a reply text ("550 5.1.1 no"; "\\r\\n"-joined for multi-line),
          "drop" (close at once), "silence" (say nothing, keep it open),
          or a callable(arg, server) returning one of those (None: default).
"""
import socket
import threading

DEFAULT = {
    "greeting": "220 fault.test ESMTP",
    "ehlo": "250-fault.test\r\n250-PIPELINING\r\n250-SIZE 10000000\r\n250 8BITMIME",
    "helo": "250 fault.test",
    "mail": "250 2.1.0 ok",
    "rcpt": "250 2.1.5 ok",
    "data": "354 go ahead",
    "dot": "250 2.0.0 queued",
    "rset": "250 2.0.0 ok",
    "quit": "221 2.0.0 bye",
    "noop": "250 ok",
}


class FaultServer:
    def __init__(self, rules=None, host="127.0.0.1", port=0):
        """port 0: any free port; the family follows the host address."""
        self.rules = dict(rules or {})
        self.sessions = 0
        self.messages = []      # (mail_from, [rcpt], data bytes)
        self.commands = []      # every command line received
        self.ahead = []         # per final dot: bytes the client had sent
                                # beyond it before its reply went out
        self.lock = threading.Lock()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.conns = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for c in list(self.conns):
            try:
                c.close()
            except OSError:
                pass
        self.thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()

    def _accept(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            # Replies go out one by one as the commands arrive; without
            # this Nagle holds each behind the client's delayed ACK.
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.sessions += 1
                self.conns.append(c)
            threading.Thread(target=self._session, args=(c,), daemon=True).start()

    def _action(self, stage, arg):
        a = self.rules.get(stage)
        if callable(a):
            a = a(arg, self)
        return DEFAULT[stage] if a is None else a

    def _say(self, c, stage, arg=""):
        return self._send(c, self._action(stage, arg))

    def _send(self, c, a):
        """Sends the action's reply; returns False when the session ends."""
        if a == "drop":
            c.close()
            return False
        if a == "silence":
            # Hold the connection until the client gives up.
            try:
                c.settimeout(60)
                while c.recv(4096):
                    pass
            except OSError:
                pass
            c.close()
            return False
        if isinstance(a, str):
            a = a.encode("latin-1")
        c.sendall(a + (b"" if a.endswith(b"\n") else b"\r\n"))
        return True

    @staticmethod
    def _ahead(c, f):
        """Bytes already received beyond the line just read (pipelined
        commands), without waiting for more."""
        c.setblocking(False)
        try:
            return len(f.peek(1) or b"")
        except (OSError, ValueError):
            return 0
        finally:
            c.setblocking(True)

    def _session(self, c):
        try:
            self._dialogue(c)
        except OSError:
            pass
        finally:
            try:
                c.close()
            except OSError:
                pass

    def _dialogue(self, c):
        f = c.makefile("rb")
        if not self._say(c, "greeting"):
            return
        mail, rcpts = None, []
        while True:
            line = f.readline(4096)
            if not line:
                return
            cmd = line.rstrip(b"\r\n").decode("latin-1")
            with self.lock:
                self.commands.append(cmd)
            verb = cmd[:4].upper()
            if verb == "EHLO":
                ok = self._say(c, "ehlo", cmd[5:])
            elif verb == "HELO":
                ok = self._say(c, "helo", cmd[5:])
            elif verb == "MAIL":
                mail = cmd[10:].split(">")[0].lstrip("<")
                rcpts = []
                ok = self._say(c, "mail", mail)
            elif verb == "RCPT":
                addr = cmd[8:].split(">")[0].lstrip("<")
                a = self._action("rcpt", addr)
                if isinstance(a, str) and a.startswith("2"):
                    rcpts.append(addr)
                ok = self._send(c, a)
            elif verb == "DATA":
                a = self._action("data", len(rcpts))
                if not (isinstance(a, str) and a.startswith("354")):
                    ok = self._send(c, a)
                    continue
                if not self._send(c, a):
                    return
                data = []
                while True:
                    l = f.readline(1 << 20)
                    if not l:
                        return
                    if l == b".\r\n":
                        break
                    data.append(l[1:] if l.startswith(b".") else l)
                body = b"".join(data)
                with self.lock:
                    self.ahead.append(self._ahead(c, f))
                a = self._action("dot", body)
                if isinstance(a, str) and a.startswith("2"):
                    with self.lock:
                        self.messages.append((mail, list(rcpts), body))
                ok = self._send(c, a)
            elif verb == "RSET":
                ok = self._say(c, "rset")
            elif verb == "QUIT":
                self._say(c, "quit")
                return
            else:
                ok = self._say(c, "noop")
            if not ok:
                return
