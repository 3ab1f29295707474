"""make install into a root file system, the sample configuration, and the
busybox init script starting and stopping the daemons for real."""
import os
import shutil
import subprocess
import time

from faultsmtp import FaultServer
from harness import RUN, Skip, test, tmpdir
from sysexits import EX_USAGE

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_install(dest, prefix):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    args = ["make", "-s", "-C", TOP, "install", "DESTDIR=" + dest,
            "PREFIX=" + prefix]
    for k in ("O", "BOARD", "CONFIG_LOG", "CONFIG_IPV6", "CONFIG_TLS"):
        if os.environ.get(k):
            args.append("%s=%s" % (k, os.environ[k]))
    p = subprocess.run(args, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    assert p.returncode == 0, p.stdout.decode()[-2000:]


@test
def make_install_lays_out_a_root_file_system():
    dest = tmpdir()
    try:
        make_install(dest, "/opt/mail")
        sbin = os.path.join(dest, "opt/mail/sbin")
        assert os.access(os.path.join(sbin, "smtprc"), os.X_OK)
        for p in ("sendmail", "smtppd", "smtprcd", "mailq"):
            assert os.readlink(os.path.join(sbin, p)) == "smtprc", p
        assert os.readlink(os.path.join(dest, "usr/lib/sendmail")) == \
            "/opt/mail/sbin/sendmail"
        assert os.readlink(os.path.join(dest, "opt/mail/bin/mailq")) == \
            "/opt/mail/sbin/mailq"
        # No group smtprc in the target's /etc/group: root only, said so.
        assert not os.stat(os.path.join(sbin, "smtprc")).st_mode & 0o2000
        os.makedirs(os.path.join(dest, "etc"), exist_ok=True)
        with open(os.path.join(dest, "etc/group"), "w") as f:
            f.write("root:x:0:\nsmtprc:x:4242:\n")
        make_install(dest, "/opt/mail")
        st = os.stat(os.path.join(sbin, "smtprc"))
        assert st.st_mode & 0o7777 == 0o2755 and st.st_gid == 4242, oct(st.st_mode)
        os.unlink(os.path.join(dest, "etc/group"))
        for m in ("man8/smtprc.8", "man8/smtprcd.8", "man8/smtppd.8",
                  "man8/sendmail.8", "man8/mailq.8", "man5/smtprc.conf.5"):
            assert os.path.isfile(os.path.join(dest, "opt/mail/share/man", m)), m
        run = open(os.path.join(dest, "etc/smtprc.run")).read()
        assert "program /opt/mail/sbin/smtprc\n" in run, run
        for s in ("etc/init.d/S50smtprc", "etc/init.d/smtprc"):
            path = os.path.join(dest, s)
            assert os.access(path, os.X_OK) and "/opt/mail/sbin" in open(path).read()
            assert subprocess.run(["sh", "-n", path]).returncode == 0, s
        # An existing configuration is never overwritten.
        with open(os.path.join(dest, "etc/smtprc.conf"), "w") as f:
            f.write("queue /mine\n")
        make_install(dest, "/opt/mail")
        assert open(os.path.join(dest, "etc/smtprc.conf")).read() == "queue /mine\n"
    finally:
        shutil.rmtree(dest, ignore_errors=True)


@test
def sample_configuration_is_accepted_by_every_program():
    d = tmpdir()
    try:
        conf = os.path.join(TOP, "board/files/smtprc.conf")
        prog = os.path.abspath(os.environ.get("SMTPRC", "build/host/bin/smtprc"))
        for name in ("smtppd", "smtprcd", "mailq", "sendmail", "smtprc"):
            os.symlink(prog, os.path.join(d, name))
        q = os.path.join(d, "q")
        os.makedirs(q)
        env = dict(os.environ, SMTPRC_CONF=conf)
        env.pop("SMTPRC_SYSLOG", None)
        runfile = os.path.join(d, "run")
        with open(runfile, "w") as f:
            f.write("program /bin/true\n")
        for cmd in (["smtppd", "--once", "--queue=" + q],
                    ["smtprcd", "--once", "--queue=" + q, runfile],
                    ["mailq", "--queue=" + q]):
            p = subprocess.run(RUN + [os.path.join(d, cmd[0])] + cmd[1:], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=60)
            assert p.returncode == 0, (cmd, p.stdout)
        # smtprc reads it too: a usage error names the command line, not
        # the file, so the file was accepted.
        p = subprocess.run(RUN + [os.path.join(d, "smtprc"), "x.example"],
                           env=env, stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == EX_USAGE and b"no recipient list" in p.stderr, p.stderr
        # A typo in it is an error with its line.
        bad = os.path.join(d, "bad.conf")
        with open(bad, "w") as f:
            f.write(open(conf).read() + "retry-frist 5\n")
        p = subprocess.run(RUN + [os.path.join(d, "mailq"), "--config=" + bad],
                           stderr=subprocess.PIPE, timeout=60)
        n = len(open(bad).read().splitlines())
        assert p.returncode == EX_USAGE and ("bad.conf:%d: retry-frist: unknown key" % n
                                       ).encode() in p.stderr, p.stderr
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def busybox_init_script_starts_and_stops_the_daemons():
    if RUN:
        raise Skip("the init script runs the target binary directly; "
                   "qemu-user is not registered with binfmt_misc here")
    if not shutil.which("start-stop-daemon"):
        raise Skip("no start-stop-daemon")
    dest = tmpdir()
    srv = FaultServer()
    try:
        make_install(dest, "/usr")
        sbin = os.path.join(dest, "usr/sbin")
        q = os.path.join(dest, "var/spool/smtprc")
        conf = os.path.join(dest, "etc/smtprc.conf")
        with open(conf, "w") as f:
            f.write("queue %s\nsemaphore-dir %s/run\nhelo-name nas.example\n"
                    "route * [127.0.0.1]:%d\nretry-first 1\n" % (q, dest, srv.port))
        runf = os.path.join(dest, "etc/smtprc.run")
        text = open(runf).read()
        with open(runf, "w") as f:
            f.write(text.replace("/usr/sbin", sbin))
        os.makedirs(os.path.join(dest, "pids"))
        env = dict(os.environ, SBIN=sbin, SMTPRC_CONF=conf, SMTPRC_RUN=runf,
                   PIDDIR=os.path.join(dest, "pids"))
        script = os.path.join(dest, "etc/init.d/S50smtprc")

        def init(arg):
            return subprocess.run([script, arg], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=60)
        assert init("start").returncode == 0
        pids = {}
        end = time.time() + 10
        while len(pids) < 2 and time.time() < end:
            for dmn in ("smtppd", "smtprcd"):
                pf = os.path.join(dest, "pids", dmn + ".pid")
                if os.path.exists(pf) and open(pf).read().strip():
                    pids[dmn] = int(open(pf).read())
            time.sleep(0.1)
        st = init("status")
        assert st.returncode == 0 and b"smtprcd: running" in st.stdout, st.stdout
        again = init("start")
        assert again.returncode == 0 and b"already running" in again.stdout, again.stdout
        assert init("reload").returncode == 0
        # reload starts smtppd again (it reads routes at its start).
        newpd = int(open(os.path.join(dest, "pids", "smtppd.pid")).read())
        assert newpd != pids["smtppd"], newpd
        pids["smtppd-reloaded"] = newpd
        while not os.path.exists(os.path.join(dest, "run/IU/SMTP/RD")):
            assert time.time() < end + 10
            time.sleep(0.05)
        p = subprocess.run([os.path.join(sbin, "sendmail"), "ops@far.example"],
                           input=b"Subject: from init\n\nhello\n", env=env)
        assert p.returncode == 0
        end = time.time() + 15
        while not srv.messages and time.time() < end:
            time.sleep(0.1)
        assert srv.messages and srv.messages[0][1] == ["ops@far.example"], srv.messages
        assert init("stop").returncode == 0
        for dmn, pid in pids.items():
            assert not os.path.exists("/proc/%d" % pid) or \
                "zombie" in open("/proc/%d/status" % pid).read().lower(), dmn
        st = init("status")
        assert st.returncode == 3 and b"smtppd: stopped" in st.stdout, st.stdout
    finally:
        subprocess.run([os.path.join(dest, "etc/init.d/S50smtprc"), "stop"],
                       env=dict(os.environ, SBIN=os.path.join(dest, "usr/sbin"),
                                PIDDIR=os.path.join(dest, "pids")),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        srv.stop()
        shutil.rmtree(dest, ignore_errors=True)


@test
def init_script_refuses_a_bad_configuration_and_names_the_line():
    """An unknown key, a bad value of another program's key, a run file
    argument smtprc refuses: "S50smtprc start" fails, prints FILE:LINE and
    starts nothing; sendmail still queues mail with a warning when only a
    relay-side setting is wrong."""
    if RUN:
        raise Skip("the init script runs the target binary directly")
    if not shutil.which("start-stop-daemon"):
        raise Skip("no start-stop-daemon")
    dest = tmpdir()
    try:
        make_install(dest, "/usr")
        sbin = os.path.join(dest, "usr/sbin")
        q = os.path.join(dest, "var/spool/smtprc")
        conf = os.path.join(dest, "etc/smtprc.conf")
        runf = os.path.join(dest, "etc/smtprc.run")
        good_run = open(runf).read().replace("/usr/sbin", sbin)
        os.makedirs(os.path.join(dest, "pids"))
        env = dict(os.environ, SBIN=sbin, SMTPRC_CONF=conf, SMTPRC_RUN=runf,
                   PIDDIR=os.path.join(dest, "pids"))
        base = "queue %s\nsemaphore-dir %s/run\n" % (q, dest)
        cases = [
            (base + "bogus-key 1\n", good_run, "smtprc.conf:3: bogus-key: unknown key"),
            (base + "tls maybe\n", good_run, "smtprc.conf:3: tls: a TLS policy"),
            (base + "route * [IPv6:::1\n", good_run, "smtprc.conf:3: route"),
            (base, good_run + "argument /SELF:\n", "smtprc.run:6: argument /SELF:"),
        ]
        for conf_text, run_text, want in cases:
            with open(conf, "w") as f:
                f.write(conf_text)
            with open(runf, "w") as f:
                f.write(run_text)
            p = subprocess.run([os.path.join(dest, "etc/init.d/S50smtprc"),
                                "start"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
            out = p.stdout.decode()
            assert p.returncode != 0 and want in out and "not started" in out, \
                (want, p.returncode, out)
            assert os.listdir(os.path.join(dest, "pids")) == [], out
        # sendmail queues despite a relay-side mistake, and says so.
        with open(conf, "w") as f:
            f.write(base + "tls maybe\n")
        os.makedirs(q, exist_ok=True)
        p = subprocess.run([os.path.join(sbin, "sendmail"), "a@b.example"],
                           input=b"Subject: s\n\nx\n", env=env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0 and b"configuration warning" in p.stderr, p.stderr
        assert len(os.listdir(os.path.join(q, "maildrop"))) == 1
    finally:
        shutil.rmtree(dest, ignore_errors=True)


@test
def smtprc_check_prints_the_configuration_and_warns():
    """smtprc --check: the effective settings, each route with its policy
    and credentials, and warnings for credentials no route uses, a route
    whose password would go to an unchecked server, and a domain policy its
    route's target policy always beats."""
    from harness import CONFIG_TLS, PROG, RUN as RUNP
    if not CONFIG_TLS:
        raise Skip("TLS policies need CONFIG_TLS=1")
    d = tmpdir()
    auth = os.path.join(d, "auth")
    with open(auth, "w") as f:
        f.write("smtp.isp.example:587 bob s3cret\nold.isp.example bob x\n")
    os.chmod(auth, 0o600)
    conf = os.path.join(d, "c.conf")
    with open(conf, "w") as f:
        f.write("queue %s\nroute * smtp.isp.example:587\nroute example.org "
                "[192.0.2.1]:25\nauth-file %s\ntls-policy example.net verify\n"
                "tls-policy smtp.isp.example encrypt\n" % (d, auth))
    p = subprocess.run(RUNP + [PROG, "--config=" + conf, "--check"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    out = p.stdout.decode()
    assert p.returncode == 0, (p.returncode, out, p.stderr)
    assert "route * smtp.isp.example:587: tls encrypt, AUTH as bob\n" in out, out
    assert "route example.org [192.0.2.1]:25: tls" in out, out
    warnings = [l for l in out.splitlines() if l.startswith("warning: ")]
    assert any("route * smtp.isp.example:587: its credentials go to a server "
               "whose certificate is not checked" in w for w in warnings), warnings
    assert any("auth-file target old.isp.example: no route leads there" in w
               for w in warnings), warnings
    assert any("tls-policy example.net verify: never used" in w
               for w in warnings), warnings
    assert "s3cret" not in out
    # A sound configuration: no warning about routes or credentials.
    with open(conf, "w") as f:
        f.write("queue %s\nroute * smtp.isp.example:587\nauth-file %s\n" % (d, auth))
    with open(auth, "w") as f:
        f.write("smtp.isp.example:587 bob s3cret\n")
    p = subprocess.run(RUNP + [PROG, "--config=" + conf, "--check"],
                       stdout=subprocess.PIPE, timeout=60)
    out = p.stdout.decode()
    assert p.returncode == 0 and "tls verify, AUTH as bob" in out, out
    assert not [l for l in out.splitlines() if l.startswith("warning: ") and
                "tls-ca-file" not in l], out
