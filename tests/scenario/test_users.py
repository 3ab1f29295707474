"""Every user can send (issue 14, item 1): the binary installed
set-group-ID to a drop group, sendmail of an unprivileged user writes into
maildrop/ and nothing else. Run in a private mount namespace whose /etc is
an overlay holding the test's /etc/smtprc.conf (a privileged sendmail
reads no other), as user nobody through setpriv."""
import os
import shutil
import subprocess

from harness import PROG, RUN, Skip, test, tmpdir

DROP_GID = 8      # Debian's "mail": any group but 0 will do


def setgid_install(b):
    """A set-group-ID copy of the binary with its program links in b
    (created)."""
    os.makedirs(b)
    os.chmod(b, 0o755)
    shutil.copy(PROG, os.path.join(b, "smtprc"))
    os.chown(os.path.join(b, "smtprc"), 0, DROP_GID)
    os.chmod(os.path.join(b, "smtprc"), 0o2755)
    for p in ("sendmail", "smtppd", "smtprcd", "mailq"):
        os.symlink("smtprc", os.path.join(b, p))
    return b


# Runs inside "unshare --mount" with D (the test's directory) and B (the
# binaries) set; every path is under D, and /etc is an overlay that goes
# with the namespace.
SCRIPT = r"""
set -u
[ -n "$D" ] && [ -d "$D/up" ] || exit 99
mount -t overlay overlay -o lowerdir=/etc,upperdir=$D/up,workdir=$D/work /etc || exit 98
printf 'queue %s\nsemaphore-dir %s\norigin nas1.smtprc-test.invalid\nhelo-name nas1.smtprc-test.invalid\n' \
	"$D/queue" "$D/sem" > /etc/smtprc.conf
mkdir -p "$D/queue" && chmod 700 "$D/queue"
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --"
"$B/smtppd" /TIMEOUT:5 2>"$D/out/smtppd.log" & PD=$!
n=0; while [ ! -p "$D/sem/IU/SMTP/PD" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
sleep 0.3
stat -c '%a %g' "$D/queue" "$D/queue/maildrop" "$D/sem/IU/SMTP/PD" > "$D/out/modes"
printf 'Subject: one\n\nfrom nobody\n' | LOGNAME=root USER=root $AS_NOBODY \
	"$B/sendmail" bob@example.com 2>"$D/out/err1"; echo $? > "$D/out/rc1"
printf 'To: carol@example.com\nSubject: two\n\nx\n' | $AS_NOBODY "$B/sendmail" -t \
	-f cron@nas1.example -N never 2>"$D/out/err2"; echo $? > "$D/out/rc2"
printf 'EHLO nextcloud\r\nMAIL FROM:<www-data>\r\nRCPT TO:<dave@example.com>\r\nDATA\r\nSubject: three\r\n\r\nfrom -bs\r\n.\r\nQUIT\r\n' | \
	$AS_NOBODY "$B/sendmail" -bs > "$D/out/bs" 2>&1; echo $? > "$D/out/bs_rc"
$AS_NOBODY ls "$D/queue" > "$D/out/ls" 2>&1; echo $? > "$D/out/ls_rc"
$AS_NOBODY "$B/mailq" > "$D/out/mailq" 2>&1; echo $? > "$D/out/mailq_rc"
$AS_NOBODY "$B/smtprc" --queue="$D/queue" example.com "$D/queue/remote/x" \
	> "$D/out/smtprc" 2>&1; echo $? > "$D/out/smtprc_rc"
mkfifo -m 666 "$D/conf.fifo"
$AS_NOBODY "$B/mailq" --config="$D/conf.fifo" > /dev/null 2>&1 & P=$!
n=0; while [ "$(readlink /proc/$P/exe)" != "$B/smtprc" ] && [ $n -lt 50 ]; do
	sleep 0.1; n=$((n+1)); done
sleep 0.3
grep '^[UG]id:' /proc/$P/status > "$D/out/ids"
: > "$D/conf.fifo"; wait $P
n=0; while [ "$(ls "$D/queue/remote" | wc -l)" -lt 3 ] && [ $n -lt 100 ]; do
	sleep 0.1; n=$((n+1)); done
kill $PD; wait $PD
exit 0
"""


@test
def unprivileged_sendmail_writes_only_into_maildrop():
    """As nobody (LOGNAME=root in its environment): sendmail exits 0, the
    entry is sorted by smtppd (signalled through the drop group's FIFO),
    its sender is nobody's own name from /etc/passwd, and a Received field
    names the user ID; smtppd gave the queue 0710 and maildrop/ 1770 to the
    drop group; nobody cannot list the queue, read it with mailq,
    or run a relay client on it."""
    if RUN:
        raise Skip("set-group-ID is checked on the host build")
    d = tmpdir()
    os.chmod(d, 0o755)
    if os.statvfs(d).f_flag & os.ST_NOSUID:
        raise Skip("%s is mounted nosuid" % d)
    b = setgid_install(os.path.join(d, "bin"))
    for sub in ("up", "work", "out"):
        os.makedirs(os.path.join(d, sub))
    p = subprocess.run(["unshare", "--mount", "--propagation", "private",
                        "sh", "-c", SCRIPT], env=dict(os.environ, D=d, B=b),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)

    def out(n):
        return open(os.path.join(d, "out", n)).read()
    assert p.returncode == 0, (p.returncode, p.stdout.decode()[-2000:])
    modes = out("modes").split("\n")
    assert modes[:3] == ["710 %d" % DROP_GID, "1770 %d" % DROP_GID,
                         "620 %d" % DROP_GID], (modes, out("smtppd.log"))
    assert out("rc1").strip() == "0", out("err1")
    assert out("rc2").strip() == "0", out("err2")
    assert out("bs_rc").strip() == "0" and "250 2.0.0 ok: queued as" in out("bs"), \
        out("bs")
    assert out("ls_rc").strip() != "0", out("ls")
    assert out("mailq_rc").strip() != "0" and "ermission denied" in out("mailq"), \
        out("mailq")
    assert out("smtprc_rc").strip() != "0", out("smtprc")
    # Every program but sendmail gives up the group: real, effective and
    # saved (blocked reading a FIFO as its configuration, mailq shows it).
    assert out("ids").split() == ["Uid:"] + ["65534"] * 4 + ["Gid:"] + \
        ["65534"] * 4, out("ids")
    q = os.path.join(d, "queue")
    assert os.listdir(os.path.join(q, "maildrop")) == [], \
        os.listdir(os.path.join(q, "maildrop"))
    lists = sorted(os.listdir(os.path.join(q, "remote")))
    assert len(lists) == 3, (lists, out("smtppd.log"))
    texts = [open(os.path.join(q, "remote", n)).read() for n in lists]
    senders = sorted(l for t in texts for l in t.splitlines()
                     if l.startswith("sender "))
    assert senders == ["sender <cron@nas1.example>",
                       "sender <nobody@nas1.smtprc-test.invalid>",
                       "sender <www-data@nas1.smtprc-test.invalid>"], senders
    assert any("notify never" in t for t in texts), texts
    for n in lists:
        msg = open(os.path.join(q, "mess", n), "rb").read()
        assert msg.startswith(b"Received: (from userid 65534)\n\tby "
                              b"nas1.smtprc-test.invalid (smtprc sendmail); "), msg[:200]
