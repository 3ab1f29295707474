"""qlib: the test side of the queue format (docs/queue.md), written
independently of the C code so that a mistake in one shows in the other."""
import os
import time

_seq = [0]


def make_queue(root):
    for d in ("maildrop", "mess", "remote", "done", "tmp"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    return root


def new_id():
    _seq[0] += 1
    return "%d-%d-%d" % (int(time.time()), os.getpid(), _seq[0])


def add_message(root, domain, sender, rcpts, data, queued=None,
                attempts=0, msgid=None, diags=None, dsn=None):
    """Writes mess/ID.DOMAIN and remote/ID.DOMAIN; returns the list path.
    dsn: {"envid": .., "ret": .., rcpt: {"notify": .., "orcpt": ..}}
    makes it a version 2 list."""
    msgid = msgid or new_id()
    name = "%s.%s" % (msgid, domain)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(root, "mess", name), "wb") as f:
        f.write(data)
    lines = ["smtprc-list %d" % (2 if dsn else 1), "message " + msgid,
             "domain " + domain, "sender <%s>" % sender,
             "queued %d" % (int(time.time()) if queued is None else queued),
             "attempts %d" % attempts]
    for k in ("envid", "ret"):
        if dsn and k in dsn:
            lines.append("%s %s" % (k, dsn[k]))
    for i, r in enumerate(rcpts):
        d = (diags or {}).get(r)
        lines.append("rcpt <%s>%s" % (r, " " + d if d else ""))
        for k in ("notify", "orcpt"):
            if dsn and k in dsn.get(r, {}):
                lines.append("%s %s" % (k, dsn[r][k]))
    path = os.path.join(root, "remote", name)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def read_list(path):
    """Parses a list file into a dict; rcpts as [(addr, diag-or-None)]."""
    out = {"rcpts": []}
    with open(path) as f:
        text = f.read()
    assert text.endswith("\n"), "list has no final line end"
    for line in text.splitlines():
        key, _, val = line.partition(" ")
        if key == "rcpt":
            addr, _, diag = val[1:].partition(">")
            out["rcpts"].append((addr, diag[1:] if diag else None))
        else:
            out[key] = val
    return out


def read_maildrop(root):
    """Returns [(envelope dict, message bytes)] for every maildrop entry."""
    res = []
    d = os.path.join(root, "maildrop")
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), "rb") as f:
            raw = f.read()
        head, _, msg = raw.partition(b"\n\n")
        env = {"rcpt": []}
        lines = head.decode().split("\n")
        assert lines[0] in ("smtprc-maildrop 1", "smtprc-maildrop 2"), lines[0]
        for line in lines[1:]:
            k, _, v = line.partition(" ")
            if k == "rcpt":
                env["rcpt"].append(v[1:-1])
            elif k in ("notify", "orcpt"):
                env.setdefault(k, []).append(v)
            else:
                env[k] = v[1:-1] if v.startswith("<") else v
        res.append((env, msg))
    return res


def queue_files(root):
    """Every file left in the queue, as 'dir/name'."""
    out = []
    for d in ("maildrop", "mess", "remote", "done", "tmp"):
        p = os.path.join(root, d)
        if os.path.isdir(p):
            out += ["%s/%s" % (d, n) for n in sorted(os.listdir(p))]
    return out
