"""The queue: malformed input, usage errors, the trigger FIFO, two relay
clients sharing a message, and kill -9 at random instants."""
import os
import random
import signal
import stat
import subprocess
import threading
import time

import qlib
from faultsmtp import FaultServer
from harness import PROG, RUN, smtprc, test, tmpdir
from sysexits import EX_DATAERR, EX_USAGE


def plain(q, n=1, domain="example.com", rcpts=("bob@example.com",)):
    return [qlib.add_message(q, domain, "alice@example.org", list(rcpts),
                             "Subject: q%d\nX-Seq: %d\n\nbody\n" % (i, i))
            for i in range(n)]


@test
def malformed_list_left_untouched():
    q = qlib.make_queue(tmpdir())
    good1, bad, good2 = plain(q, 3)
    with open(bad, "a") as f:
        f.write("rcpt <not an address>\n")
    before = open(bad, "rb").read()
    wrong_dom = plain(q, 1, domain="other.example", rcpts=("x@other.example",))[0]
    missing = plain(q, 1)[0]
    os.unlink(os.path.join(q, "mess", os.path.basename(missing)))
    with FaultServer() as srv:
        rc, err = smtprc(q, "[127.0.0.1]:%d" % srv.port,
                         [good1, bad, good2, missing, wrong_dom])
        # A domain argument with a port routes any domain's lists (a
        # smarthost), so "other.example" is delivered here too.
        assert len(srv.messages) == 3, srv.messages
    assert rc == EX_DATAERR, (rc, err)
    assert open(bad, "rb").read() == before
    assert "malformed recipient list %s" % bad in err and "line 8" in err, err
    assert "mess/%s does not exist" % os.path.basename(missing) in err, err
    assert os.path.exists(missing)
    assert not os.path.exists(good1) and not os.path.exists(good2)


@test
def list_of_another_domain_is_refused():
    q = qlib.make_queue(tmpdir())
    lst = plain(q, 1, domain="other.example", rcpts=("x@other.example",))[0]
    before = open(lst, "rb").read()
    rc, err = smtprc(q, "example.com", [lst])
    assert rc == EX_DATAERR, (rc, err)
    assert "another domain" in err
    assert open(lst, "rb").read() == before


@test
def usage_errors_touch_nothing():
    q = qlib.make_queue(tmpdir())
    lst = plain(q)[0]
    before = open(lst, "rb").read()
    for args in ([], ["example.com"], ["/NOSUCH", "example.com", lst],
                 ["/V:yes", "example.com", lst], ["--lifetime=abc", "x.test", lst],
                 ["--smtp-port=0", "x.test", lst], ["/SELF:nonsense", "x.test", lst],
                 ["bad domain!", lst], ["[1.2.3]", lst], ["/CLIENTIP-", "[127.0.0.1]", lst],
                 ["/CLIENTPORT-", "127.0.0.1:25", lst], ["-x", "x.test", lst]):
        p = subprocess.run(RUN + [PROG, "--queue=" + q] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert p.returncode == EX_USAGE, (args, p.returncode, p.stderr)
        assert b"usage:" in p.stderr, (args, p.stderr)
    assert open(lst, "rb").read() == before
    p = subprocess.run(RUN + [PROG, "/?", "/garbage"], stdout=subprocess.PIPE)
    assert p.returncode == 0 and b"usage:" in p.stdout


@test
def trigger_fifo_signalled_on_bounce():
    q = qlib.make_queue(tmpdir())
    semdir = tmpdir()
    os.makedirs(os.path.join(semdir, "IU", "SMTP"))
    fifo = os.path.join(semdir, "IU", "SMTP", "PD")
    os.mkfifo(fifo)
    lst = plain(q)[0]
    # No reader: not an error.
    with FaultServer({"rcpt": "550 5.1.1 no"}) as srv:
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, [lst],
                         "/TRIGGER:\\SEM32\\IU\\SMTP\\PD", "--semaphore-dir=" + semdir)
    assert rc == 0, (rc, err)
    assert "warning" not in err, err
    # With a reader: one byte arrives.
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    lst = plain(q)[0]
    with FaultServer({"rcpt": "550 5.1.1 no"}) as srv:
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, [lst],
                         "--trigger=" + fifo)
    assert rc == 0, (rc, err)
    assert os.read(fd, 10) == b"!"
    os.close(fd)
    # Delivered mail makes no bounce and no signal.
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    lst = plain(q)[0]
    with FaultServer() as srv:
        rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, [lst], "--trigger=" + fifo)
    assert rc == 0
    try:
        got = os.read(fd, 10)
    except BlockingIOError:
        got = b""
    assert got == b"", got
    os.close(fd)
    assert len(qlib.read_maildrop(q)) == 2


@test
def two_domains_share_one_message():
    """Two relay clients for two domains of one message finish together:
    the message goes exactly when the last list goes, never earlier."""
    for rnd in range(20):
        q = qlib.make_queue(tmpdir())
        mid = qlib.new_id()
        data = "Subject: shared %d\n\nhello\n" % rnd
        la = qlib.add_message(q, "a.example", "s@example.org", ["x@a.example"], data, msgid=mid)
        lb = qlib.add_message(q, "b.example", "s@example.org", ["y@b.example"], data, msgid=mid)
        # smtppd links one message file per domain: mess/ID.a and mess/ID.b
        # share an inode.
        os.unlink(os.path.join(q, "mess", os.path.basename(lb)))
        os.link(os.path.join(q, "mess", os.path.basename(la)),
                os.path.join(q, "mess", os.path.basename(lb)))
        with FaultServer() as srv:
            out = {}

            # Each by its domain (one relay client a domain: a shared
            # argument such as the server's HOST:PORT is one lock).
            def go(key, lst):
                out[key] = smtprc(q, key + ".example", [lst],
                                  "--route=* [127.0.0.1]:%d" % srv.port)
            ts = [threading.Thread(target=go, args=(k, l)) for k, l in (("a", la), ("b", lb))]
            for t in ts:
                t.start()
            for t in ts:
                t.join(60)
            assert len(srv.messages) == 2
            # The message has no Date field: the relay client adds one
            # in front (RFC 5322 section 3.6), the rest byte for byte.
            wire = data.replace("\n", "\r\n").encode()
            for m in srv.messages:
                head, rest = m[2].split(b"\r\n", 1)
                assert head.startswith(b"Date: ") and rest == wire, m[2]
        assert out["a"][0] == 0 and out["b"][0] == 0, out
        assert qlib.queue_files(q) == [], qlib.queue_files(q)


def kill_runs(q, lists, srv, rng, kill_runs_max=40, after_kill=None):
    """Runs smtprc on what is left of lists until the queue is empty; the
    first kill_runs_max runs are killed with SIGKILL at a random instant.
    after_kill(attempt) is called after each killed run. Returns (runs,
    kills)."""
    kills = runs = 0
    for attempt in range(200):
        left = [l for l in lists if os.path.exists(l)]
        if not left and not os.listdir(os.path.join(q, "done")):
            break
        runs += 1
        cmd = RUN + [PROG, "--queue=" + q, "127.0.0.1:%d" % srv.port] + (left or lists[:1])
        if not left:
            # Only leftovers of a killed run remain: a run with one
            # (missing) list still sweeps them.
            cmd = RUN + [PROG, "--queue=" + q, "127.0.0.1:%d" % srv.port, "/dev/null"]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt < kill_runs_max:
            time.sleep(rng.uniform(0, 0.08))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                kills += 1
        p.wait(60)
        if attempt < kill_runs_max and after_kill:
            after_kill(attempt)
    return runs, kills


def deliveries(srv):
    """{(X-Seq, recipient): times delivered}."""
    seen = {}
    for mail, rcpts, body in srv.messages:
        if not rcpts:
            # Every RCPT of a pipelined transaction refused: the client
            # ends the DATA the server had already accepted with a lone
            # dot (RFC 2920 §3.1); nothing was delivered.
            assert body == b"", body[:200]
            continue
        seq = int(body.split(b"X-Seq: ")[1].split(b"\n")[0])
        for r in rcpts:
            seen.setdefault((seq, r), 0)
            seen[(seq, r)] += 1
    return seen


def check_delivered(q, seen, n, rcpts, kills):
    missing = [(i, r) for i in range(n) for r in rcpts if (i, r) not in seen]
    assert not missing, missing[:10]
    assert kills >= 10, kills
    left = qlib.queue_files(q)
    assert left == [], left
    return sum(v - 1 for v in seen.values())


@test
def kill_nine_never_loses_mail():
    """200 messages; smtprc is killed with SIGKILL at random instants and
    rerun until the queue is empty; every message must have arrived at
    least once and nothing may be left behind."""
    q = qlib.make_queue(tmpdir())
    n = 200
    rcpts = ("bob@example.com", "carol@example.com")
    lists = plain(q, n, rcpts=rcpts)
    rng = random.Random(int(os.environ.get("KILL_SEED", "4711")))
    # 4 ms per message: a whole run takes about a second, so the kills
    # below land in the middle of it.
    slow = {"dot": lambda body, s: (time.sleep(0.004), None)[1]}
    with FaultServer(slow) as srv:
        runs, kills = kill_runs(q, lists, srv, rng)
        seen = deliveries(srv)
    dups = check_delivered(q, seen, n, rcpts, kills)
    print("     kill -9: %d runs, %d kills, %d duplicate deliveries" % (runs, kills, dups))


@test
def kill_nine_while_lists_are_rewritten():
    """As above, but while the kills land one recipient of every message is
    deferred (450), so every run rewrites its lists: a list killed in the
    middle of its rewrite must still be whole (the old one or the new one,
    never truncated) after every kill, and in the end both recipients of
    every message arrive."""
    q = qlib.make_queue(tmpdir())
    n = 200
    rcpts = ("bob@example.com", "carol@example.com")
    lists = plain(q, n, rcpts=rcpts)
    rng = random.Random(int(os.environ.get("KILL_SEED", "4712")))
    state = {"defer": True, "checked": 0}

    def rcpt(arg, s):
        return "450 4.2.0 try later" if state["defer"] and "carol@" in arg else None

    def after_kill(attempt):
        for l in lists:
            try:
                got = qlib.read_list(l)
            except FileNotFoundError:
                continue
            addrs = [a for a, _ in got["rcpts"]]
            assert addrs and set(addrs) <= set(rcpts), (l, open(l).read())
            state["checked"] += 1
        if attempt == 39:
            state["defer"] = False
    slow = {"rcpt": rcpt, "dot": lambda body, s: (time.sleep(0.004), None)[1]}
    with FaultServer(slow) as srv:
        runs, kills = kill_runs(q, lists, srv, rng, after_kill=after_kill)
        seen = deliveries(srv)
    dups = check_delivered(q, seen, n, rcpts, kills)
    # Lists were rewritten under the kills: carol's deferral is recorded.
    assert state["checked"] > 0
    print("     kill -9 with deferrals: %d runs, %d kills, %d lists checked, "
          "%d duplicate deliveries" % (runs, kills, state["checked"], dups))
