#!/usr/bin/env python3
"""tools/layout-check.py OBJDIR LDSCRIPT [BINARY]: every module the
daemons run is placed first by LDSCRIPT (tools/daemons-first.ld,
.text.daemons), and every module a plaintext relay client runs is placed
there or right after (.text.client).

Reads the call graphs GCC writes with -fcallgraph-info (OBJDIR/**/*.ci),
starts from every function of the daemons' own files (DAEMON_FILES: their
static functions include the callbacks they hand to others) and follows
the direct calls. A module reached that the script does not place there
would put daemon code among the relay client's, and a daemon would map
another 64 KiB window of code: exit 1, naming it. The same from the relay
client's own file (CLIENT_FILES), not following into what only TLS runs
(TLS_ONLY: BearSSL's glue, MTA-STS, OAuth and its HTTPS): a plaintext
client must not map the window of TLS code. Calls through pointers are
not in the graphs; arena.c (musl's setenv allocates through it) is named
in the script by hand for that reason, as are udns and the DNS callbacks
of dnsq_udns.c (reached directly through dnsq_open).

With BINARY (the linked, unstripped program: tests/run.sh gives it on the
boards whose code allows it), also the result: the code from the start
of the mapping to the end of .text.client must lie in no more 64 KiB
windows than the code to the end of .text.daemons. Otherwise a plaintext
relay client maps a window the daemons do not, 64 KiB more resident
(the code before .text.client grew, or the client's own did): exit 1,
saying how far over it is."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from elfsec import sections  # noqa: E402

WINDOW = 65536  # bytes: the kernel's fault-around (fault_around_bytes)

DAEMON_FILES = {"src/prog/smtppd.c", "src/prog/smtprcd.c", "src/prog/main.c",
                "src/prog/privilege.c", "src/prog/daemon.c", "src/prog/resort.c",
                "src/prog/sorting.c", "src/prog/schedule.c", "src/prog/runfile.c",
                "src/queue/queue.c", "src/queue/dirscan.c"}
# main() calls every program's main: only its own module is followed.
NOT_FOLLOWED = {"smtprc_main", "sendmail_main", "mailq_main"}
CLIENT_FILES = {"src/prog/smtprc.c"}
TLS_ONLY = ("src/tls/", "src/http/", "src/oauth/", "src/mta_sts.c",
            "src/json.c", "src/prog/smtprc_oauth.c", "src/prog/smtprc_check.c")
NODE = re.compile(r'node: \{ title: "([^"]+)" label: "[^\\"]*\\n([^:\\"]+):\d+[^}]*\}')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')


def graph(objdir):
    file_of, calls = {}, {}
    for path in glob.glob(os.path.join(objdir, "**", "*.ci"), recursive=True):
        text = open(path).read()
        for m in NODE.finditer(text):
            if "shape : ellipse" not in m.group(0):   # a definition
                file_of[m.group(1)] = m.group(2)
        for a, b in EDGE.findall(text):
            calls.setdefault(a, set()).add(b)
    return file_of, calls


def reached(file_of, calls, roots, stop=()):
    seen, todo = set(), [f for f, src in file_of.items() if src in roots]
    while todo:
        f = todo.pop()
        if f in seen or f in NOT_FOLLOWED or file_of.get(f, "").startswith(stop):
            continue
        seen.add(f)
        todo.extend(calls.get(f, ()))
    return {file_of[f] for f in seen if f in file_of}


def windows(binary):
    """1 when the plaintext relay client's code needs more windows than the
    daemons' (it says so), else 0; prints both."""
    s = {n: (a, z) for n, a, z in sections(binary)}
    if ".text.daemons" not in s or ".text.client" not in s:
        print("layout-check: %s has no .text.daemons or .text.client" % binary)
        return 1
    start = s[".text.daemons"][0] // WINDOW
    daemons, client = (sum(s[k]) for k in (".text.daemons", ".text.client"))
    nd, nc = ((end - 1) // WINDOW - start + 1 for end in (daemons, client))
    print("layout-check: the daemons' code in %d and a plaintext relay "
          "client's in %d windows of %d bytes (%d bytes left in its last)"
          % (nd, nc, WINDOW, -client % WINDOW))
    if nc > nd:
        print("layout-check: a plaintext relay client maps a window the "
              "daemons do not: .text.client ends %d bytes into it"
              % (client % WINDOW))
        return 1
    return 0


def main():
    objdir, script = sys.argv[1], sys.argv[2]
    text = open(script).read()
    cut = text.index(".text.client :")
    named = re.compile(r"\*/obj/([\w/]+)\.o\(")
    first = {"src/%s.c" % m for m in named.findall(text[:cut])}
    placed = first | {"src/%s.c" % m for m in named.findall(text[cut:])}
    file_of, calls = graph(objdir)
    if not file_of:
        print("layout-check: no call graphs (*.ci) under %s" % objdir)
        return 1
    missing = sorted(reached(file_of, calls, DAEMON_FILES) - first)
    for m in missing:
        print("layout-check: %s runs in a daemon but %s does not place it first"
              % (m, script))
    client = sorted(reached(file_of, calls, CLIENT_FILES, TLS_ONLY) - placed)
    for m in client:
        print("layout-check: %s runs in a plaintext relay client but %s does "
              "not place it in .text.daemons or .text.client" % (m, script))
    bad = windows(sys.argv[3]) if len(sys.argv) > 3 else 0
    return 1 if missing or client or bad else 0


if __name__ == "__main__":
    sys.exit(main())
