"""The exit statuses of the programs (sysexits(3), include/err.h)."""
EX_OK = 0
EX_USAGE = 64       # a bad option, argument, run file or configuration
EX_DATAERR = 65     # a malformed message or recipient list
EX_UNAVAILABLE = 69
EX_OSERR = 71
EX_CANTCREAT = 73
EX_IOERR = 74       # the queue could not be written: a human is needed
EX_TEMPFAIL = 75    # deferred: tried again later
