"""Real callers of /usr/sbin/sendmail (issue 14): bsd-mailx and PHP's
mail(), as root and as unprivileged users, with the set-group-ID binary in
place of /usr/sbin/sendmail inside a private mount namespace (overlays on
/usr/sbin and /etc; nothing of the host changes)."""
import os
import shutil
import subprocess

from harness import RUN, Skip, test, tmpdir
from test_users import setgid_install

SCRIPT = r"""
set -u
[ -n "$D" ] && [ -d "$D/etc-up" ] || exit 99
mount -t overlay overlay -o lowerdir=/etc,upperdir=$D/etc-up,workdir=$D/etc-work /etc || exit 98
mount -t overlay overlay -o lowerdir=/usr/sbin,upperdir=$D/sbin-up,workdir=$D/sbin-work /usr/sbin || exit 97
printf 'queue %s\nsemaphore-dir %s\norigin nas1.smtprc-test.invalid\nhelo-name nas1.smtprc-test.invalid\n' \
	"$D/queue" "$D/sem" > /etc/smtprc.conf
mkdir -p "$D/queue" && chmod 700 "$D/queue"
/usr/sbin/smtppd /TIMEOUT:5 2>"$D/out/smtppd.log" & PD=$!
n=0; while [ ! -p "$D/sem/IU/SMTP/PD" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
sleep 0.3
echo 'from root through mailx' | mail -s 'mailx as root' bob@example.com 2>"$D/out/mailx_root"
echo $? > "$D/out/mailx_root_rc"
echo 'from nobody through mailx' | setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	mail -s 'mailx as nobody' carol@example.com 2>"$D/out/mailx_nobody"
echo $? > "$D/out/mailx_nobody_rc"
setpriv --reuid=33 --regid=33 --clear-groups -- php -r \
	'exit(mail("dave@example.com", "php as www-data", "from PHP\n", "From: web@nas1.example") ? 0 : 1);' \
	> "$D/out/php" 2>&1
echo $? > "$D/out/php_rc"
n=0; while [ "$(ls "$D/queue/remote" 2>/dev/null | wc -l)" -lt 3 ] && [ $n -lt 100 ]; do
	sleep 0.1; n=$((n+1)); done
kill $PD; wait $PD
exit 0
"""


@test
def mailx_and_php_as_root_and_as_users():
    """bsd-mailx as root and as nobody, PHP's mail() as www-data, each
    through /usr/sbin/sendmail (our set-group-ID binary): all three sorted
    into lists, each with its own sender (the caller's name from
    /etc/passwd where the caller chose none), the unprivileged ones with
    their Received (from userid N) field."""
    if RUN:
        raise Skip("the namespace runs the host binary")
    for tool in ("mail", "php", "setpriv", "unshare"):
        if not shutil.which(tool):
            raise Skip("no %s (tools/deps.sh installs bsd-mailx and php-cli)" % tool)
    d = tmpdir()
    os.chmod(d, 0o755)
    if os.statvfs(d).f_flag & os.ST_NOSUID:
        raise Skip("%s is mounted nosuid" % d)
    for sub in ("etc-up", "etc-work", "sbin-work", "out"):
        os.makedirs(os.path.join(d, sub))
    setgid_install(os.path.join(d, "sbin-up"))
    p = subprocess.run(["unshare", "--mount", "--propagation", "private",
                        "sh", "-c", SCRIPT], env=dict(os.environ, D=d),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)

    def out(n):
        return open(os.path.join(d, "out", n)).read()
    assert p.returncode == 0, p.stdout.decode()[-2000:]
    for who in ("mailx_root", "mailx_nobody", "php"):
        assert out(who + "_rc").strip() == "0", (who, out(who))
    q = os.path.join(d, "queue")
    lists = sorted(os.listdir(os.path.join(q, "remote")))
    assert len(lists) == 3, (lists, out("smtppd.log"))
    got = {}
    for n in lists:
        text = open(os.path.join(q, "remote", n)).read()
        rcpt = [l[6:].split(">")[0] for l in text.splitlines() if l.startswith("rcpt <")]
        sender = [l[8:].rstrip(">") for l in text.splitlines() if l.startswith("sender <")]
        msg = open(os.path.join(q, "mess", n), "rb").read()
        got[rcpt[0]] = (sender[0], msg)
    o = "nas1.smtprc-test.invalid"
    assert sorted(got) == ["bob@example.com", "carol@example.com",
                           "dave@example.com"], sorted(got)
    assert got["bob@example.com"][0] == "root@" + o, got["bob@example.com"][0]
    assert got["carol@example.com"][0] == "nobody@" + o, got["carol@example.com"][0]
    assert got["dave@example.com"][0] == "www-data@" + o, got["dave@example.com"][0]
    assert not got["bob@example.com"][1].startswith(b"Received:")
    assert got["carol@example.com"][1].startswith(b"Received: (from userid 65534)")
    assert got["dave@example.com"][1].startswith(b"Received: (from userid 33)")
    assert b"Subject: mailx as nobody" in got["carol@example.com"][1]
    assert b"From: web@nas1.example" in got["dave@example.com"][1]
    assert b"from PHP" in got["dave@example.com"][1]


CRON_SCRIPT = r"""
set -u
[ -n "$D" ] && [ -d "$D/etc-up" ] || exit 99
mount -t overlay overlay -o lowerdir=/etc,upperdir=$D/etc-up,workdir=$D/etc-work /etc || exit 98
mount -t overlay overlay -o lowerdir=/usr/sbin,upperdir=$D/sbin-up,workdir=$D/sbin-work /usr/sbin || exit 97
mount --bind "$D/spool" /var/spool/cron || exit 96
mount --bind "$D/run" /run || exit 95
printf 'queue %s\nsemaphore-dir %s\norigin nas1.smtprc-test.invalid\nhelo-name nas1.smtprc-test.invalid\n' \
	"$D/queue" "$D/sem" > /etc/smtprc.conf
mkdir -p "$D/queue" && chmod 700 "$D/queue"
# Only the user's crontab: the system's jobs stay out (in this namespace).
rm -f /etc/cron.d/* && : > /etc/crontab
/usr/sbin/smtppd /TIMEOUT:5 2>"$D/out/smtppd.log" & PD=$!
n=0; while [ ! -p "$D/sem/IU/SMTP/PD" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
# The user's crontab as crontab(1) leaves it: the user's, group crontab, 0600.
printf 'MAILTO=ops@example.com\n* * * * * echo "cron job of $(id -un)"; echo "second line"\n' \
	> /var/spool/cron/crontabs/nobody
chown nobody:crontab /var/spool/cron/crontabs/nobody
chmod 600 /var/spool/cron/crontabs/nobody
cron -f -L 15 > "$D/out/cron.log" 2>&1 & CR=$!
# The job runs at the next minute's start; its mail is sorted a moment later.
n=0; while [ "$(ls "$D/queue/remote" 2>/dev/null | wc -l)" -lt 1 ] && [ $n -lt 900 ]; do
	sleep 0.1; n=$((n+1)); done
kill $CR; wait $CR
kill $PD; wait $PD
exit 0
"""


@test
def cron_mails_a_user_crontabs_output():
    """Debian's cron runs a job of nobody's own crontab (MAILTO set) and
    mails its output through /usr/sbin/sendmail, our set-group-ID binary,
    as nobody: the mail is queued with nobody's sender and Received (from
    userid 65534), and the job's output is the body. Waits for the next
    minute (cron has no sooner)."""
    if RUN:
        raise Skip("the namespace runs the host binary")
    for tool in ("cron", "setpriv", "unshare"):
        if not shutil.which(tool):
            raise Skip("no %s (tools/deps.sh installs cron)" % tool)
    if not os.path.isdir("/var/spool/cron"):
        raise Skip("no /var/spool/cron")
    d = tmpdir()
    os.chmod(d, 0o755)
    if os.statvfs(d).f_flag & os.ST_NOSUID:
        raise Skip("%s is mounted nosuid" % d)
    for sub in ("etc-up", "etc-work", "sbin-work", "out", "run",
                "spool/crontabs"):
        os.makedirs(os.path.join(d, sub))
    shutil.chown(os.path.join(d, "spool/crontabs"), "root", "crontab")
    os.chmod(os.path.join(d, "spool/crontabs"), 0o1730)
    setgid_install(os.path.join(d, "sbin-up"))
    p = subprocess.run(["unshare", "--mount", "--propagation", "private",
                        "sh", "-c", CRON_SCRIPT], env=dict(os.environ, D=d),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=150)
    log = open(os.path.join(d, "out", "cron.log")).read()
    assert p.returncode == 0, p.stdout.decode()[-2000:]
    q = os.path.join(d, "queue")
    lists = sorted(os.listdir(os.path.join(q, "remote")))
    assert len(lists) == 1, (lists, log[-2000:], open(os.path.join(d, "out", "smtppd.log")).read())
    text = open(os.path.join(q, "remote", lists[0])).read()
    assert "rcpt <ops@example.com>" in text, text
    assert "sender <nobody@nas1.smtprc-test.invalid>" in text, text
    msg = open(os.path.join(q, "mess", lists[0]), "rb").read()
    assert msg.startswith(b"Received: (from userid 65534)"), msg[:300]
    assert b"cron job of nobody\nsecond line\n" in msg, msg
    assert b"\nTo: ops@example.com" in msg, msg[:600]
