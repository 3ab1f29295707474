"""make demo: the whole remote-delivery path on loopback.

  sendmail -> maildrop -> smtppd -> remote/ lists -> smtprcd -> smtprc
           -> nsd (SRV look-up) -> a private Postfix (a real receiving MTA)

Everything runs under a temporary directory and is stopped at the end."""
import os
import shutil
import signal
import subprocess
import sys
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "scenario"))
import harness  # noqa: E402
from dnsd import Nsd  # noqa: E402

prog = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(top, "build/host/bin/smtprc"))


def title(t):
    print("\n\033[1m== %s\033[0m" % t, flush=True)


def listing(q):
    out = []
    for sub in ("maildrop", "remote", "mess", "local"):
        p = os.path.join(q, sub)
        out += ["%s/%s" % (sub, n) for n in sorted(os.listdir(p))] if os.path.isdir(p) else []
    return out


d = harness.tmpdir()
tls = b"CONFIG_TLS=1" in subprocess.run([prog, "--version"],
                                        stdout=subprocess.PIPE).stdout
cert = None
if tls:
    # The receiving MTA offers STARTTLS with a certificate for mx.example.com
    # from a CA made here; smtprc requires TLS and verifies it with that CA.
    from tlscerts import Certs  # noqa: E402
    certs = Certs(d)
    cert = certs.leaf("mx", "mx.example.com")
pf = harness.PrivatePostfix(domains=("example.com",), tls=cert)
# example.com's SRV record names the receiving server and carries its
# port, so nothing needs port 25.
zone = """$ORIGIN example.com.
$TTL 60
@ SOA ns hostmaster 1 3600 600 86400 60
@ NS ns
ns A 127.0.0.1
_smtp._tcp SRV 10 0 %d mx
mx A 127.0.0.1
""" % pf.port
ns = Nsd({"example.com": zone})
daemons = []
rc = 1
try:
    q = os.path.join(d, "queue")
    bindir = os.path.join(d, "sbin")
    os.makedirs(q)
    os.makedirs(bindir)
    for name in ("smtprc", "sendmail", "smtppd", "smtprcd", "mailq"):
        os.symlink(prog, os.path.join(bindir, name))
    conf = os.path.join(d, "smtprc.conf")
    with open(conf, "w") as f:
        f.write("queue %s\nsemaphore-dir %s/run\nhelo-name nas1.example.net\n"
                "origin nas1.example.net\nresolver 127.0.0.1:%d\n"
                "retry-first 5\nconcurrency 2\n"
                # The demo's servers are on loopback, found through its DNS.
                "allow-local-mx yes\n" % (q, d, ns.port))
        if tls:
            f.write("tls verify\ntls-ca-file %s\n" % certs.ca_file)
    run = os.path.join(d, "smtprc.run")
    with open(run, "w") as f:
        f.write("program %s/smtprc\nargument smtprc\nargument /V\n" % bindir)
    env = dict(os.environ, SMTPRC_CONF=conf)

    title("a private Postfix on 127.0.0.1:%d%s; nsd on 127.0.0.1:%d serves example.com"
          % (pf.port, " offering STARTTLS" if tls else "", ns.port))
    print(zone.strip())
    title("the configuration (%s) and the run file" % conf)
    print(open(conf).read() + "--\n" + open(run).read(), end="")

    title("starting smtppd and smtprcd")
    for cmd in (["smtppd"], ["smtprcd", run]):
        print("$ " + " ".join(cmd), flush=True)
        daemons.append(subprocess.Popen([os.path.join(bindir, cmd[0])] + cmd[1:],
                                        env=env))
    for sem in ("PD", "RD"):
        end = time.time() + 10
        while not os.path.exists(os.path.join(d, "run", "IU", "SMTP", sem)):
            assert time.time() < end, "daemons did not start"
            time.sleep(0.05)

    title("three messages through sendmail, as cron, smartd and apcupsd send them")
    msgs = [
        (["-t"], "To: admin@example.com, oncall@example.com\nSubject: disk failing on nas1\n\n"
         "SMART: /dev/sda reallocated sectors: 128\n.a line starting with a dot\n"),
        (["-f", "ups@example.com", "admin@example.com", "typo@examplecom"],
         "Subject: UPS on battery\n\nUPS ups1 on battery since 03:12, 41 min left\n"),
        (["-F", "Router One", "admin@example.com"],
         "Subject: firmware 2.4.1 available\nContent-Type: text/plain; charset=utf-8\n\n"
         "Neue Firmware f\u00fcr router1 verf\u00fcgbar.\n"),
    ]
    for args, body in msgs:
        print("$ sendmail %s <<EOF\n%sEOF" % (" ".join(args), body), flush=True)
        p = subprocess.run([os.path.join(bindir, "sendmail")] + args,
                           input=body.encode(), env=env)
        if p.returncode:
            raise SystemExit("sendmail failed: %d" % p.returncode)

    title("waiting until the queue is empty")
    end = time.time() + 60
    while listing(q) and time.time() < end:
        time.sleep(0.2)
    time.sleep(0.3)
    left = listing(q)
    print("queue: %s" % (", ".join(left) if left else "(empty)"))
    subprocess.run([os.path.join(bindir, "mailq")], env=env)

    title("delivered into the receiving server's mailboxes")
    for user, n in (("admin", 3), ("oncall", 1), ("ups", 1)):
        for m in pf.delivered("example.com", user, count=n):
            head, _, body = m.decode("utf-8", "replace").partition("\n\n")
            subj = [h for h in head.split("\n") if h.startswith("Subject:")]
            print("%s@example.com: %s | %s" % (user, subj[0] if subj else "?",
                                               body.strip().split("\n")[0]))
    print("(ups@example.com got the bounce for typo@examplecom: a domain "
          "without a dot is bounced by smtppd at once)")
    rc = 0 if not left else 1
finally:
    for p in daemons:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
    ns.stop()
    pf.stop()
    shutil.rmtree(d, ignore_errors=True)
sys.exit(rc)
