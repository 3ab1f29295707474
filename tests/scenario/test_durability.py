"""The queue's crash rules (docs/queue.md), each checked so that breaking
it fails a test: the order of the system calls of sendmail, smtppd and
smtprc seen with strace (every file fsynced before its rename, every
directory fsynced before the step that relies on it), a rewritten list
replaced by a rename (a new inode) and never truncated in place, a
message smaller than sendmail's buffer meeting a full disk, and a list that
cannot be written keeping its maildrop entry."""
import os
import re
import subprocess
import time

import qlib
from faultsmtp import FaultServer
from harness import PROG, RUN, Skip, smtprc, test, tmpdir
from mts import Mts
from sysexits import EX_TEMPFAIL
from test_daemons import mount_tmpfs

TRACED = ("openat,fsync,fdatasync,rename,renameat,renameat2,link,linkat,"
          "unlink,unlinkat,exit_group")
LINE = re.compile(r"^\d+\s+(\w+)\((.*)\)\s+=\s+(\S+)")


def strace(cmd, env=None, stdin=None):
    """Runs cmd under strace; returns (status, stderr, [(call, args,
    result)]) with file descriptors shown as their paths (-y)."""
    if RUN:
        # Under qemu-user strace would see the emulator's calls: the order
        # is the same code's on every board, checked on the host.
        raise Skip("system-call order is checked on the host build")
    out = os.path.join(tmpdir(), "trace")
    p = subprocess.run(["strace", "-f", "-qq", "-y", "-e", "trace=" + TRACED,
                        "-o", out] + cmd, input=stdin, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    calls = []
    with open(out) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                calls.append(m.groups())
    return p.returncode, p.stderr.decode("utf-8", "replace"), calls


def index(calls, call, pattern, start=0):
    """The index of the first call named call at or after start whose
    arguments match pattern, or -1."""
    for i in range(start, len(calls)):
        if calls[i][0] == call and re.search(pattern, calls[i][1]) and \
                calls[i][2] != "-1":
            return i
    return -1


def renames_into(calls, sub):
    """[(index, temporary path, target name)] of every rename from tmp/ (or,
    sendmail's, from a dot file in maildrop/) into the queue's directory
    sub (relative or absolute target); a new maildrop entry comes by a
    link instead, which never replaces one of the same name."""
    out = []
    for i, (call, args, res) in enumerate(calls):
        if not (call.startswith("rename") or call == "linkat") or res != "0":
            continue
        m = re.match(r'\d+<([^>]*)/(tmp|maildrop)>, "([^"]+)", '
                     r'(?:\d+<([^>]*)>|AT_FDCWD[^,]*), "([^"]+)"', args)
        if not m or (m.group(2) == "maildrop" and not m.group(3).startswith(".")):
            continue
        target = (m.group(4) or "") + "/" + m.group(5)
        if "/%s/" % sub in target:
            out.append((i, "/%s/%s" % (m.group(2), m.group(3)), target))
    return out


def fsync_of(calls, path_end, before, after=-1):
    """1 when an fsync of a descriptor whose path ends in path_end comes
    after index after and before index before."""
    for i in range(after + 1, before):
        c, args, res = calls[i]
        if c in ("fsync", "fdatasync") and res == "0" and \
                re.match(r"\d+<[^>]*%s>" % re.escape(path_end), args):
            return True
    return False


def durable_rename_into(calls, sub, what):
    """The one rename from tmp/ into sub/: its file fsynced before it, sub/
    fsynced after it (before the process ended). Returns its index."""
    r = renames_into(calls, sub)
    assert len(r) == 1, calls
    i, tmpname, _ = r[0]
    assert fsync_of(calls, tmpname, i), \
        "%s was not fsynced before its rename" % what
    assert fsync_of(calls, "/" + sub, len(calls), i), \
        "%s/ was not fsynced after the rename of %s" % (sub, what)
    return i


@test
def sendmail_fsyncs_the_entry_then_maildrop_before_exit_0():
    m = Mts()
    try:
        rc, err, calls = strace(m.cmd("sendmail", "to@x.example"), env=m.env,
                                stdin=b"Subject: s\n\nbody\n")
        assert rc == 0, err
        durable_rename_into(calls, "maildrop", "the entry")
    finally:
        m.stop()


@test
def smtppd_syncs_links_and_lists_before_removing_the_entry():
    m = Mts()
    try:
        rc, err = m.sendmail(b"Subject: s\n\nbody\n", "a@one.example",
                             "b@two.example")
        assert rc == 0, err
        (entry,) = m.files("maildrop")
        rc, err, calls = strace(m.cmd("smtppd", "--once"), env=m.env)
        assert rc == 0, err
        gone = index(calls, "unlinkat", r'maildrop>, "%s"' % re.escape(entry))
        assert gone > 0, calls
        lists = renames_into(calls, "remote")
        assert len(lists) == 2, calls
        for i, tmpname, _ in lists:
            assert i < gone, "a list was written after the entry went"
            assert fsync_of(calls, tmpname, i), \
                "a list was not fsynced before its rename"
        links = [i for i, c in enumerate(calls) if c[0] == "linkat" and
                 "/mess>" in c[1]]
        assert len(links) == 2 and max(links) < gone, calls
        copy = re.search(r'"([^"]+\.tmp)"', calls[links[0]][1]).group(1)
        assert fsync_of(calls, "/tmp/" + copy, links[0]), \
            "the message copy was not fsynced before its links"
        last = max(max(links), max(i for i, _, _ in lists))
        assert fsync_of(calls, "/remote", gone, last), \
            "remote/ was not fsynced before the entry was removed"
        assert fsync_of(calls, "/mess", gone, last), \
            "mess/ was not fsynced before the entry was removed"
        assert sorted(m.files("remote")) == sorted(
            [entry + ".one.example", entry + ".two.example"])
    finally:
        m.stop()


@test
def smtprc_rewrites_a_deferred_list_by_rename_and_syncs_remote():
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["ok@example.com", "later@example.com"],
                           "Subject: d\n\nbody\n")
    ino = os.stat(lst).st_ino

    def rcpt(arg, srv):
        return "450 4.2.0 busy" if "later@" in arg else None
    with FaultServer({"rcpt": rcpt}) as srv:
        cmd = RUN + [PROG, "--queue=" + q, "[127.0.0.1]:%d" % srv.port, lst]
        rc, err, calls = strace(cmd)
    assert rc == EX_TEMPFAIL, (rc, err)
    l = qlib.read_list(lst)
    assert [a for a, _ in l["rcpts"]] == ["later@example.com"], l
    assert l["attempts"] == "1"
    # Replaced, never rewritten in place: a new inode, and no open of the
    # list itself for writing.
    assert os.stat(lst).st_ino != ino, "the list was rewritten in place"
    for c, args, _ in calls:
        if c == "openat" and os.path.basename(lst) in args:
            assert "O_WRONLY" not in args and "O_RDWR" not in args and \
                "O_TRUNC" not in args, args
    durable_rename_into(calls, "remote", "the rewritten list")


@test
def smtprc_makes_the_bounce_durable_before_the_list_finishes():
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "alice@example.org",
                           ["gone@example.com"], "Subject: b\n\nbody\n")
    with FaultServer({"rcpt": "550 5.1.1 no such user"}) as srv:
        cmd = RUN + [PROG, "--queue=" + q, "[127.0.0.1]:%d" % srv.port, lst]
        rc, err, calls = strace(cmd)
    assert rc == 0, (rc, err)
    bounce = renames_into(calls, "maildrop")
    assert len(bounce) == 1, calls
    i, tmpname, _ = bounce[0]
    assert fsync_of(calls, tmpname, i), \
        "the bounce was not fsynced before its rename"
    done = index(calls, "renameat", r'%s", \d+<[^>]*/done>' %
                 re.escape(os.path.basename(lst)))
    assert done > i, calls
    assert fsync_of(calls, "/maildrop", done, i), \
        "maildrop/ was not fsynced before the bounced list finished"
    assert not os.path.exists(lst) and len(os.listdir(os.path.join(q, "maildrop"))) == 1


@test
def sendmail_small_message_meets_a_full_disk():
    """A message smaller than sendmail's buffer reaches the disk only in
    the final flush: a full disk there must fail the submission."""
    m = Mts()
    mount_tmpfs(m.queue, "64k")
    try:
        # Create the queue's folders, then fill every block.
        rc, err = m.sendmail(b"Subject: first\n\nx\n", "a@full.example")
        assert rc == 0, err
        filler = os.path.join(m.queue, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for _ in range(1000):
                os.write(fd, b"f" * 1024)
        except OSError:
            pass
        os.close(fd)
        before = m.files("maildrop")
        rc, err = m.sendmail(b"Subject: small\n\n" + b"s" * 3000 + b"\n",
                             "b@full.example")
        assert rc == EX_TEMPFAIL and "No space left on device" in err, (rc, err)
        assert m.files("maildrop") == before and not m.files("tmp"), m.pending()
        os.unlink(filler)
        rc, err = m.sendmail(b"Subject: small\n\n" + b"s" * 3000 + b"\n",
                             "b@full.example")
        assert rc == 0, err
        assert len(m.files("maildrop")) == 2
    finally:
        m.stop()
        subprocess.run(["umount", m.queue], stderr=subprocess.DEVNULL)


@test
def smtppd_keeps_the_entry_when_a_list_cannot_be_written():
    """The writes between the message copy and the lists fail (a folder
    stands where the list must go): the maildrop entry stays, nothing is
    half-sorted for good, and the next pass sorts it."""
    m = Mts()
    try:
        rc, err = m.sendmail(b"Subject: s\n\nbody\n", "a@one.example",
                             "b@two.example")
        assert rc == 0, err
        (entry,) = m.files("maildrop")
        os.makedirs(os.path.join(m.queue, "remote", entry + ".two.example"))
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode()
        assert "unable to sort maildrop entry %s" % entry in err, err
        # --once says so in its status, for a script.
        assert p.returncode == EX_TEMPFAIL, p.returncode
        assert m.files("maildrop") == [entry], m.pending()
        assert not m.files("tmp"), m.pending()
        # All or nothing: the list of the domain that could be written is
        # taken back too, so it is never written (and delivered) twice.
        assert m.files("remote") == [entry + ".two.example"], m.pending()
        os.rmdir(os.path.join(m.queue, "remote", entry + ".two.example"))
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr
        assert not m.files("maildrop"), m.pending()
        assert sorted(m.files("remote")) == sorted(
            [entry + ".one.example", entry + ".two.example"])
        assert sorted(m.files("mess")) == sorted(m.files("remote"))
        for n in m.files("remote"):
            l = qlib.read_list(os.path.join(m.queue, "remote", n))
            assert len(l["rcpts"]) == 1, l
    finally:
        m.stop()


@test
def stale_temporary_files_go_even_when_their_pid_runs_again():
    """After a power cut the box starts its daemons with the same PIDs: a
    temporary file whose PID now belongs to a process that started after
    the file was written is stale and swept (it stayed on the flash for
    ever before: make check-system found one). One whose PID belongs to a
    process older than the file is a writer at work and stays; one whose
    PID runs no process goes."""
    q = qlib.make_queue(tmpdir())
    lst = qlib.add_message(q, "example.com", "a@example.org", ["b@example.com"],
                           "Subject: s\n\nx\n")
    young = subprocess.Popen(["sleep", "30"])
    try:
        hour_ago = time.time() - 3600
        reused = os.path.join(q, "tmp", "%d-%d-1.tmp" % (int(hour_ago), young.pid))
        working = os.path.join(q, "tmp", "%d-1-2.tmp" % int(time.time()))
        gone = os.path.join(q, "tmp", "%d-%d-3.tmp" % (int(hour_ago), 2 ** 22 + 7))
        for path in (reused, working, gone):
            with open(path, "w") as f:
                f.write("half a message")
        os.utime(reused, (hour_ago, hour_ago))
        os.utime(gone, (hour_ago, hour_ago))
        with FaultServer() as srv:
            rc, err = smtprc(q, "127.0.0.1:%d" % srv.port, [lst])
        assert rc == 0, (rc, err)
        assert not os.path.exists(reused), "a reused PID kept a stale file"
        assert not os.path.exists(gone)
        # PID 1 started at boot, before this file: a writer at work.
        assert os.path.exists(working)
    finally:
        young.kill()
        young.wait()


@test
def smtppd_killed_while_replacing_a_message_link_leaves_nothing_for_ever():
    """A sort that failed half-way in a running smtppd leaves
    mess/ID.DOMAIN for its next try in that run, which replaces it through
    a second name in tmp/ and a rename. smtppd killed between the two
    (strace delivers SIGKILL at the rename) leaves that second name, which
    must be a name the sweep knows: the next smtppd removes it, and the
    link, and sorts the entry from scratch. Before, it was ID.tmp.l and
    stayed in tmp/ for ever (found by kill_9_of_the_daemons_loses_nothing,
    whose queue then never emptied). (At its start smtppd removes what an
    earlier smtppd's sort left, so the link is made here after the start.)"""
    if RUN:
        raise Skip("strace's signal injection is run on the host build")
    m = Mts()
    pd = None
    try:
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr      # the queue's folders
        pd = subprocess.Popen(["strace", "-f", "-qq", "-o", "/dev/null",
                               "-e", "trace=renameat,renameat2,rename",
                               "-e", "inject=renameat,renameat2,rename:"
                               "signal=KILL:when=1"] +
                              m.cmd("smtppd", "/TIMEOUT:1"), env=m.env,
                              stderr=subprocess.PIPE)
        m.fifo_ready("PD")
        entry = "%d-99-1-7" % time.time()
        with open(os.path.join(m.queue, "mess", entry + ".one.example"),
                  "w") as f:
            f.write("left by a sort that failed half-way\n")
        dot = os.path.join(m.queue, "maildrop", "." + entry + ".tmp")
        with open(dot, "w") as f:
            f.write("smtprc-maildrop 1\nsender <root@nas1.example>\n"
                    "rcpt <a@one.example>\n\nSubject: s\n\nbody\n")
        os.rename(dot, os.path.join(m.queue, "maildrop", entry))
        pd.wait(30)
        assert pd.returncode != 0, pd.stderr.read()
        left = m.files("tmp")
        # The message's copy, its list, and the second name of the copy.
        assert len(left) == 3, (left, m.pending())
        assert m.files("maildrop") == [entry], m.pending()
        p = subprocess.run(m.cmd("smtppd", "--once"), env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr
        assert not m.files("tmp"), m.pending()
        assert not m.files("maildrop"), m.pending()
        assert m.files("remote") == [entry + ".one.example"], m.pending()
        with open(os.path.join(m.queue, "mess", entry + ".one.example")) as f:
            assert "body" in f.read()
    finally:
        if pd and pd.poll() is None:
            pd.kill()
            pd.wait()
        m.stop()


@test
def a_running_smtppd_sweeps_what_killed_writers_left():
    """A sendmail killed before its link leaves maildrop/.TIME-PID-SEQ.tmp,
    a relay client killed mid-write a tmp/ file: a running smtppd removes
    both within its next pass (a box runs for months between starts), and
    keeps a file whose writer still runs."""
    if RUN:
        raise Skip("strace's signal injection is run on the host build")
    m = Mts()
    try:
        m.start_pd()
        m.fifo_ready("PD")
        p = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/null",
                            "-e", "trace=linkat,link",
                            "-e", "inject=linkat,link:"
                            "signal=KILL:when=1"] + m.cmd("sendmail", "a@b.example"),
                           input=b"Subject: killed\n\nx\n", env=m.env,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode != 0, p.stderr
        left = [n for n in os.listdir(os.path.join(m.queue, "maildrop"))
                if n.startswith(".")]
        assert len(left) == 1 and left[0].endswith(".tmp"), left
        hour_ago = int(time.time()) - 3600
        gone = os.path.join(m.queue, "tmp", "%d-%d-1.tmp" % (hour_ago, 2 ** 22 + 7))
        working = os.path.join(m.queue, "tmp", "%d-%d-2.tmp" % (time.time(),
                                                                os.getpid()))
        for path in (gone, working):
            with open(path, "w") as f:
                f.write("half a list")
        os.utime(gone, (hour_ago, hour_ago))
        rc, err = m.sendmail(b"Subject: next\n\nx\n", "c@d.example")
        assert rc == 0, err
        end = time.time() + 20
        while (os.path.exists(gone) or m.files("maildrop")) and time.time() < end:
            time.sleep(0.1)
        assert not os.path.exists(gone), m.pending()
        assert not [n for n in os.listdir(os.path.join(m.queue, "maildrop"))
                    if n.startswith(".")], m.pending()
        assert os.path.exists(working), m.pending()   # its writer runs
        os.unlink(working)
    finally:
        m.stop()
