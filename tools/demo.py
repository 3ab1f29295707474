"""make demo: smtprc delivering a small queue to a real receiving SMTP
server (a private Postfix on 127.0.0.1), with the conversation shown."""
import os
import subprocess
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "scenario"))
import harness  # noqa: E402
import qlib  # noqa: E402
from dnsd import Nsd  # noqa: E402

prog = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, "build/host/bin/smtprc")


def title(t):
    print("\n\033[1m== %s\033[0m" % t, flush=True)


def show_queue(q):
    files = qlib.queue_files(q)
    print("queue %s: %s" % (q, ", ".join(files) if files else "(empty)"), flush=True)


pf = harness.PrivatePostfix(domains=("example.com",))
# A real DNS server (nsd) on loopback: example.com's SRV record names the
# receiving server and carries its port, so nothing needs port 25.
zone = """$ORIGIN example.com.
$TTL 60
@ SOA ns hostmaster 1 3600 600 86400 60
@ NS ns
ns A 127.0.0.1
_smtp._tcp SRV 10 0 %d mx
mx A 127.0.0.1
""" % pf.port
ns = Nsd({"example.com": zone})
try:
    q = qlib.make_queue(harness.tmpdir())
    title("a private Postfix listens on 127.0.0.1:%d; nsd on 127.0.0.1:%d serves "
          "example.com" % (pf.port, ns.port))
    print(zone.strip())
    title("queueing 3 messages for example.com")
    msgs = [
        ("Subject: disk failing on nas1\n\nSMART: /dev/sda reallocated sectors: 128\n"
         ".a line starting with a dot\n.\n", ["admin@example.com", "oncall@example.com"]),
        ("Subject: UPS on battery\n\nUPS ups1 on battery since 03:12, 41 min left\n",
         ["admin@example.com"]),
        ("Subject: firmware 2.4.1 available\nContent-Type: text/plain; charset=utf-8\n\n"
         "Neue Firmware f\u00fcr router1 verf\u00fcgbar.\n", ["admin@example.com"]),
    ]
    lists = []
    for i, (body, rcpts) in enumerate(msgs):
        full = ("From: nas1 <root@nas1.example.net>\nTo: %s\n"
                "Date: Sat, 28 Nov 2026 12:0%d:00 +0000\nMessage-ID: <demo%d@nas1.example.net>\n"
                % (", ".join(rcpts), i, i)) + body
        lists.append(qlib.add_message(q, "example.com", "root@nas1.example.net",
                                      rcpts, full.encode()))
    show_queue(q)
    print("\none recipient list (%s):" % os.path.relpath(lists[0], q))
    print(open(lists[0]).read(), end="")

    title("smtprc /V example.com  (SRV look-up, then one connection for every list)")
    cmd = [prog, "--queue=" + q, "/V", "--helo-name=nas1.example.net",
           "--resolver=127.0.0.1:%d" % ns.port, "example.com"] + lists
    print("$ " + " ".join(os.path.relpath(c, q) if c.startswith(q) else c for c in cmd), flush=True)
    rc = subprocess.call(cmd)
    print("exit status %d" % rc)

    title("delivered into the receiving server's mailbox")
    for user in ("admin", "oncall"):
        for m in pf.delivered("example.com", user, count=3 if user == "admin" else 1):
            head, _, body = m.decode("utf-8", "replace").partition("\n\n")
            subj = [h for h in head.split("\n") if h.startswith("Subject:")]
            print("%s@example.com: %s | %s" % (user, subj[0] if subj else "?",
                                               body.strip().split("\n")[0]))
    title("the queue afterwards")
    show_queue(q)
    import shutil
    shutil.rmtree(q, ignore_errors=True)
    sys.exit(rc)
finally:
    ns.stop()
    pf.stop()
