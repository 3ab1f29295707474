"""One smarthost for many domains (issue 14, item 7): the posting office
queues the recipients of every domain routed to one HOST:PORT under that
next hop, so one message is one transaction and the whole queue for the
smarthost goes over one connection; a domain with a TLS policy of its own
keeps its own list; a route change sorts such lists again at smtppd's
start; credentials and route-from follow the hop whatever its case."""
import os
import re
import subprocess

from faultsmtp import FaultServer
from harness import CONFIG_LOG, PrivatePostfix, Skip, test, tmpdir
from mts import Mts

DOMAINS = ("one.example", "two.example", "three.example", "own.example")


def once(m, prog, *args):
    argv = m.cmd(prog, "--once", *args)
    if prog == "smtprcd":
        argv.append(m.run)
    p = subprocess.run(argv, env=m.env, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def write_conf(m, lines):
    with open(m.conf) as f:
        head = [l for l in f.read().splitlines()
                if not l.startswith(("route ", "tls-policy "))]
    with open(m.conf, "w") as f:
        f.write("\n".join(head + list(lines)) + "\n")


@test
def one_transaction_for_every_domain_through_one_smarthost():
    """A message to three domains routed to one smarthost (Postfix) and a
    fourth with a TLS policy of its own: two lists, not four; the three
    domains in one transaction, and a second message for one of them in
    the same connection (Postfix's own counts)."""
    with PrivatePostfix(domains=DOMAINS) as pf:
        hop = "127.0.0.1:%d" % pf.port
        m = Mts(conf_lines=["route * %s" % hop,
                            "tls-policy own.example none"])
        try:
            rc, err = m.sendmail(b"Subject: three\n\nbody\n", "-f",
                                 "me@home.example", "a@one.example",
                                 "b@two.example", "c@three.example",
                                 "d@own.example")
            assert rc == 0, err
            rc, err = m.sendmail(b"Subject: again\n\nbody\n", "-f",
                                 "me@home.example", "e@one.example")
            assert rc == 0, err
            rc, err = once(m, "smtppd")
            assert rc == 0, err
            names = m.files("remote")
            hops = [n for n in names if n.endswith("." + hop)]
            own = [n for n in names if n.endswith(".own.example")]
            assert len(hops) == 2 and len(own) == 1 and len(names) == 3, names
            assert sorted(m.files("mess")) == sorted(names), m.pending()
            first = open(os.path.join(m.queue, "remote", sorted(hops)[0])).read()
            assert "domain %s\n" % hop in first, first
            rc, out = m.mailq()
            assert rc == 0 and hop in out and "<b@two.example>" in out, out
            rc, err = once(m, "smtprcd")
            assert rc == 0, err
            for d, u in (("one.example", "a"), ("two.example", "b"),
                         ("three.example", "c"), ("own.example", "d"),
                         ("one.example", "e")):
                assert len(pf.delivered(d, u)) == 1, (d, u, pf.log()[-3000:])
            log = pf.log()
            ends = re.findall(r"disconnect from \S+ .*?mail=(\d+) rcpt=(\d+) "
                              r"data=(\d+)", log)
            # The probe's connection has no mail; ours: the hop's (two
            # messages, four recipients: one transaction for the first)
            # and own.example's.
            ours = sorted(e for e in ends if e[0] != "0" and e != ("", "", ""))
            assert ours == [("1", "1", "1"), ("2", "4", "2")], ends
            assert re.search(r"nrcpt=3 ", log), log[-3000:]
            assert m.pending() == {}, m.pending()
        finally:
            m.stop()


@test
def route_change_sorts_hop_lists_again_at_smtppd_start():
    """Two domains routed to smarthost A share a list; the route of one is
    changed to B: the next smtppd hands the list back and sorts it again
    (DSN fields kept), and each recipient reaches its own smarthost once."""
    a, b = FaultServer(), FaultServer()
    hop_a, hop_b = "[127.0.0.1]:%d" % a.port, "[127.0.0.1]:%d" % b.port
    m = Mts(conf_lines=["route one.example %s" % hop_a,
                        "route two.example %s" % hop_a])
    try:
        rc, err = m.sendmail(b"Subject: moved\n\nbody\n", "-f", "me@home.example",
                             "-N", "success,failure", "-V", "env42",
                             "x@one.example", "y@two.example")
        assert rc == 0, err
        rc, err = once(m, "smtppd")
        assert rc == 0, err
        assert [n.split(".", 1)[1] for n in m.files("remote")] == [hop_a], \
            m.files("remote")
        write_conf(m, ["route one.example %s" % hop_a,
                       "route two.example %s" % hop_b])
        rc, err = once(m, "smtppd", "/V")
        assert rc == 0, err
        if CONFIG_LOG:
            assert "handed back to the maildrop" in err, err
        names = m.files("remote")
        assert sorted(n.split(".", 1)[1] for n in names) == sorted([hop_a, hop_b]), names
        for n in names:
            text = open(os.path.join(m.queue, "remote", n)).read()
            assert "envid env42\n" in text and "notify success,failure\n" in text, text
            want = "x@one.example" if n.endswith(hop_a) else "y@two.example"
            assert "rcpt <%s>" % want in text and text.count("rcpt <") == 1, text
        # Unchanged routes: a third start touches nothing.
        before = names
        rc, err = once(m, "smtppd")
        assert rc == 0 and m.files("remote") == before, (err, m.files("remote"))
        rc, err = once(m, "smtprcd")
        assert rc == 0, err
        assert [r for _, r, _ in a.messages] == [["x@one.example"]], a.messages
        assert [r for _, r, _ in b.messages] == [["y@two.example"]], b.messages
        # The success reports (NOTIFY=SUCCESS) wait in the maildrop.
        assert m.files("remote") == [], m.pending()
    finally:
        m.stop()
        a.stop()
        b.stop()


@test
def hop_credentials_and_route_from_ignore_case():
    """A route written in capitals: its hop is queued in lower case, and
    the auth file's and route-from's lines for the route still apply: a
    real server demanding STARTTLS and AUTH (aiosmtpd) gets both
    recipients in one authenticated transaction over a verified session,
    from the route-from address."""
    if os.environ.get("CONFIG_TLS", "1") != "1":
        raise Skip("TLS is not built in (CONFIG_TLS=0)")
    from authsmtp import AuthServer
    from tlscerts import Certs
    certs = Certs(tmpdir())
    crt, key = certs.leaf("smarthost", "localhost")
    srv = AuthServer(crt, key, "nas1", "s3cret pass")
    hop = "LocalHost:%d" % srv.port
    m = Mts(conf_lines=["route * %s" % hop,
                        "route-from %s robot@isp.example" % hop,
                        "tls-ca-file %s" % certs.ca_file])
    try:
        auth = os.path.join(m.dir, "auth")
        with open(auth, "w") as f:
            f.write("%s nas1 s3cret pass\n" % hop)
        os.chmod(auth, 0o600)
        with open(m.conf, "a") as f:
            f.write("auth-file %s\n" % auth)
        rc, err = m.sendmail(b"Subject: case\n\nbody\n", "-f", "me@home.example",
                             "p@one.example", "q@two.example")
        assert rc == 0, err
        rc, err = once(m, "smtppd")
        assert rc == 0, err
        assert [n.split(".", 1)[1] for n in m.files("remote")] == [hop.lower()], \
            m.files("remote")
        rc, err = once(m, "smtprcd")
        assert rc == 0, err
        assert [a[2] for a in srv.attempts] == [True], srv.attempts
        assert len(srv.messages) == 1, srv.messages
        sender, rcpts, _ = srv.messages[0]
        assert sender == "robot@isp.example" and rcpts == ["p@one.example",
                                                           "q@two.example"], srv.messages
        assert m.files("remote") == [], m.pending()
    finally:
        m.stop()
        srv.stop()
