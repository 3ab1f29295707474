"""harness: runs the real smtprc binary against real servers on loopback.

Environment (set by tests/run.sh): SMTPRC the binary, RUN a prefix such as
"qemu-arm-static" for a board, CONFIG_LOG / CONFIG_IPV6 / CONFIG_TLS the
compiled flags, SCENARIO_FILTER a substring of the test names to run."""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

PROG = os.environ.get("SMTPRC", "build/host/bin/smtprc")
RUN = os.environ.get("RUN", "").split()
CONFIG_LOG = os.environ.get("CONFIG_LOG", "1") == "1"
CONFIG_IPV6 = os.environ.get("CONFIG_IPV6", "1") == "1"
CONFIG_TLS = os.environ.get("CONFIG_TLS", "1") == "1"

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Skip(Exception):
    pass


def free_port(host="127.0.0.1"):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until(cond, timeout=10, what="a condition"):
    """Waits until cond() is true, polling every 50 ms; fails after
    timeout seconds."""
    end = time.time() + timeout
    while not cond():
        if time.time() > end:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def wait_port(port, host="127.0.0.1", timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection((host, port), 0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server on port %d did not come up" % port)


def stop_process(p, timeout=10):
    """Terminates p and waits for it; kills it when it does not end."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


_made = []


def tmpdir():
    """A new temporary folder, removed when the test that made it ends
    (main), whatever the test did with it."""
    d = tempfile.mkdtemp(prefix="smtprc-test-")
    _made.append(d)
    return d


def _remove_made():
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)


def local_dns(opts):
    """The test servers live on loopback: when a test points smtprc at its
    own DNS server, the servers that DNS names are on this host, which
    smtprc refuses unless --allow-local-mx says otherwise (a test bed)."""
    opts = list(opts)
    if any(o.startswith("--resolver=") for o in opts) and \
            not any(o.endswith("allow-local-mx") for o in opts):
        opts.append("--allow-local-mx")
    return opts


def smtprc(queue, domain, lists, *opts, timeout=120, prog=None):
    """Runs smtprc; returns (exit status, stderr text)."""
    cmd = RUN + [prog or PROG, "--queue=" + queue] + local_dns(opts) + [domain] + list(lists)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stderr.decode("utf-8", "replace")


class SmtpSink:
    """Postfix's smtp-sink on a free loopback port, counting sessions and
    messages (-c). extra: further smtp-sink options."""

    def __init__(self, *extra, backlog=100):
        self.port = free_port()
        self.out = tempfile.TemporaryFile()
        self.p = subprocess.Popen(
            ["smtp-sink", "-u", "nobody", "-c"] + list(extra) +
            ["127.0.0.1:%d" % self.port, str(backlog)],
            stdout=self.out, stderr=subprocess.STDOUT)
        wait_port(self.port)
        # wait_port's probe connection counts as a session (-c prints the
        # counters when a session ends): remember it.
        wait_until(lambda: self.counters()[0] >= 1, 5, "smtp-sink's counters")
        self.base = self.counters()

    def counters(self):
        self.out.seek(0)
        text = self.out.read().decode("latin-1")
        m = re.findall(r"sess=(\d+) quit=(\d+) mesg=(\d+)", text)
        if not m:
            return (0, 0, 0)
        return tuple(int(x) for x in m[-1])

    def stats(self):
        """(sessions, quits, messages) since start, probe excluded."""
        time.sleep(0.2)
        now = self.counters()
        return tuple(now[i] - self.base[i] for i in range(3))

    def stop(self):
        stop_process(self.p)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


class PrivatePostfix:
    """A private Postfix instance: its own config, queue and mailboxes,
    receiving on 127.0.0.1:PORT and storing every message of its domains in
    one Maildir, self.mail/all/ (Delivered-To tells the recipient)."""

    def __init__(self, domains=("example.com",), tls=None, more_tls=None,
                 main_cf=""):
        """tls: (certificate file, key file): offer STARTTLS with them.
        more_tls: {label: (certificate, key)}: one more listener each, on
        self.ports[label], offering STARTTLS with that certificate.
        main_cf: more main.cf lines (a later line overrides an earlier)."""
        self.dir = tmpdir()
        self.ports = {}
        self.port = free_port()
        d = self.dir
        self.mail = os.path.join(d, "mail")
        os.chmod(d, 0o755)
        for sub in ("etc", "queue", "data", "mail"):
            os.makedirs(os.path.join(d, sub))
        shutil.chown(self.mail, "nobody", "nogroup")
        shutil.chown(os.path.join(d, "data"), "postfix", "postfix")
        with open(os.path.join(d, "etc", "main.cf"), "w") as f:
            f.write("""compatibility_level = 3.6
queue_directory = %(d)s/queue
data_directory = %(d)s/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.smtprc-test.invalid
mydomain = smtprc-test.invalid
myorigin = $myhostname
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
virtual_mailbox_domains = %(domains)s
virtual_mailbox_base = %(d)s/mail
virtual_mailbox_maps = static:all/
# Nothing leaves this instance: no DNS, no remote delivery (its bounces
# included).
default_transport = error:remote delivery disabled in tests
relay_transport = error:remote delivery disabled in tests
smtp_dns_support_level = disabled
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 1
maillog_file = %(d)s/maillog
maillog_file_prefixes = %(d)s
smtputf8_enable = no
message_size_limit = 20480000
smtpd_banner = $myhostname ESMTP
""" % {"d": d, "domains": " ".join(domains)} + main_cf)
            if tls:
                f.write("smtpd_tls_cert_file = %s\nsmtpd_tls_key_file = %s\n"
                        "smtpd_tls_security_level = may\nsmtpd_tls_loglevel = 1\n"
                        % tls)
        shutil.copy("/etc/postfix/master.cf", os.path.join(d, "etc", "master.cf"))
        mc = open(os.path.join(d, "etc", "master.cf")).read()
        # Listen on our port instead of 25, no chroot anywhere, and a
        # postlog service for maillog_file.
        mc = re.sub(r"^smtp\s+inet.*$",
                    "127.0.0.1:%d inet n - n - - smtpd" % self.port, mc,
                    count=1, flags=re.M)
        lines = []
        for line in mc.splitlines():
            parts = line.split()
            if len(parts) >= 8 and not line.startswith((" ", "\t", "#")):
                parts[4] = "n"
                line = " ".join(parts)
            lines.append(line)
        mc = "\n".join(lines) + "\n"
        for label, cert in (more_tls or {}).items():
            # (certificate, key) for STARTTLS; a third item "wrapper":
            # implicit TLS from the first byte (RFC 8314).
            self.ports[label] = free_port()
            mc += ("127.0.0.1:%d inet n - n - - smtpd -o smtpd_tls_cert_file=%s "
                   "-o smtpd_tls_key_file=%s -o smtpd_tls_security_level=%s "
                   "-o smtpd_tls_loglevel=1%s\n"
                   % (self.ports[label], cert[0], cert[1],
                      "encrypt" if cert[2:] else "may",
                      " -o smtpd_tls_wrappermode=yes" if cert[2:] else ""))
        if "postlog" not in mc:
            mc += "postlog unix-dgram n - n - 1 postlogd\n"
        with open(os.path.join(d, "etc", "master.cf"), "w") as f:
            f.write(mc)
        self.conf = os.path.join(d, "etc")
        subprocess.run(["postfix", "-c", self.conf, "set-permissions"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        p = subprocess.run(["postfix", "-c", self.conf, "start"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            # Postfix reports start-up errors only to its log.
            raise AssertionError("postfix start failed: " + self.log()[-1000:])
        wait_port(self.port)
        for port in self.ports.values():
            wait_port(port)

    def delivered(self, domain, user, wait=10, count=1):
        """The stored messages of user@domain, waiting for count of them."""
        path = os.path.join(self.mail, "all", "new")
        tag = ("Delivered-To: %s@%s\n" % (user, domain)).encode()
        end = time.time() + wait
        while True:
            out = []
            for n in sorted(os.listdir(path)) if os.path.isdir(path) else []:
                with open(os.path.join(path, n), "rb") as f:
                    data = f.read()
                if tag in data.split(b"\n\n", 1)[0] + b"\n":
                    out.append(data)
            if len(out) >= count or time.time() > end:
                return out
            time.sleep(0.1)

    def log(self):
        try:
            return open(os.path.join(self.dir, "maillog")).read()
        except OSError:
            return ""

    def stop(self):
        pid = None
        try:
            with open(os.path.join(self.dir, "queue", "pid", "master.pid")) as f:
                pid = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
        subprocess.run(["postfix", "-c", self.conf, "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # master exits shortly after stop; make sure nothing stays.
        end = time.time() + 10
        while pid and time.time() < end:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def main(modules):
    flt = os.environ.get("SCENARIO_FILTER", "")
    passed = failed = skipped = 0
    failures = []  # (name, last lines of the traceback), repeated at the end
    for fn in TESTS:
        name = fn.__module__ + "." + fn.__name__
        if flt and flt not in name:
            continue
        t0 = time.time()
        try:
            fn()
            print("ok   %s (%.1f s)" % (name, time.time() - t0), flush=True)
            passed += 1
        except Skip as e:
            print("skip %s: %s" % (name, e), flush=True)
            skipped += 1
        except Exception:
            print("FAIL %s (%.1f s)" % (name, time.time() - t0), flush=True)
            tb = traceback.format_exc()
            sys.stdout.write(tb)
            failures.append((name, tb.rstrip("\n").split("\n")[-6:]))
            failed += 1
        finally:
            _remove_made()
    # CI shows the tail of its output: the failures again, just above the total.
    for name, lines in failures:
        print("FAIL %s, ending:" % name)
        for line in lines:
            print("     " + line)
    print("scenario: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0
