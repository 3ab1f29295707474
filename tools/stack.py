#!/usr/bin/env python3
"""tools/stack.py OBJDIR LIMIT: the deepest chain of our own stack frames.

Reads the call graphs GCC writes with -fcallgraph-info=su (OBJDIR/**/*.ci:
one node per function with its frame in bytes, one edge per direct call)
and prints, for each program's main and overall, the deepest chain of
frames of our own code. Frames of musl, BearSSL and udns are not in these
files and count as 0; calls through function pointers (callbacks, BearSSL's
vtables) are not edges. Exits 1 when the deepest chain is over LIMIT bytes,
2 on a cycle (recursion would make the stack unbounded)."""
import glob
import os
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "[^\\]*\\n[^\\]*\\n(\d+) bytes')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')


# Calls through function pointers, which the graphs cannot show: the
# callback-taking functions and the callbacks the code hands them (found
# in the source: the names passed to them).
CALLBACK_TAKERS = ("dirscan", "queue_scan", "conf_apply", "conf_load",
                   "daemon_options")
PASSED = re.compile(r"\b(%s)\(([^;]*)\);" % "|".join(CALLBACK_TAKERS), re.S)


def base(name):
    """'src/x.c:f.constprop.0' -> 'f'."""
    return name.rsplit(":", 1)[-1].split(".")[0]


def load(objdir, srcdir="src"):
    frame, calls = {}, {}
    for path in glob.glob(os.path.join(objdir, "**", "*.ci"), recursive=True):
        text = open(path).read()
        for name, size in NODE.findall(text):
            frame[name] = max(frame.get(name, 0), int(size))
        for a, b in EDGE.findall(text):
            calls.setdefault(a, set()).add(b)
    by_base = {}
    for name in frame:
        by_base.setdefault(base(name), []).append(name)
    for path in glob.glob(os.path.join(srcdir, "**", "*.c"), recursive=True):
        for taker, args in PASSED.findall(open(path).read()):
            if "struct" in args:
                continue        # the definition, not a call
            for word in re.findall(r"\b[a-z_][a-z0-9_]*\b", args):
                for target in by_base.get(word, ()):
                    if word in ("apply", "usage") or target.startswith(path + ":") \
                            or ":" not in target:
                        # queue_scan hands its callback to dirscan.
                        for via in (taker, "dirscan") if taker == "queue_scan" \
                                else (taker,):
                            for t in by_base.get(via, ()):
                                calls.setdefault(t, set()).add(target)
    return frame, calls


def deepest(frame, calls):
    memo, onpath = {}, set()

    def depth(f):
        if f in memo:
            return memo[f]
        if f in onpath:
            raise RecursionError(f)
        onpath.add(f)
        best, chain = 0, []
        for g in calls.get(f, ()):
            d, c = depth(g)
            if d > best:
                best, chain = d, c
        onpath.discard(f)
        memo[f] = (frame.get(f, 0) + best, [f] + chain)
        return memo[f]
    return depth


def main():
    objdir, limit = sys.argv[1], int(sys.argv[2])
    frame, calls = load(objdir)
    if not frame:
        print("stack: no call graphs in %s (built without -fcallgraph-info?)" % objdir)
        return 2
    depth = deepest(frame, calls)
    try:
        worst = (0, [])
        for prog in ("smtprc_main", "smtprcd_main", "smtppd_main",
                     "sendmail_main", "mailq_main", "main"):
            if prog in frame:
                d, chain = depth(prog)
                print("stack: %-14s %6d bytes" % (prog, d))
                worst = max(worst, (d, chain))
        for f in frame:
            worst = max(worst, depth(f))
    except RecursionError as e:
        print("stack: recursion through %s: the stack is unbounded" % e)
        return 2
    d, chain = worst
    print("stack: deepest chain %d bytes (limit %d): %s" % (
        d, limit, " > ".join("%s %d" % (f, frame.get(f, 0)) for f in chain if frame.get(f, 0))))
    big = sorted(frame.items(), key=lambda x: -x[1])[:5]
    print("stack: largest frames: " + ", ".join("%s %d" % x for x in big))
    return 1 if d > limit else 0


if __name__ == "__main__":
    sys.exit(main())
