/* privilege.h: the multi-call binary installed set-group-ID (the drop
 * group, docs/security.md), so that any user's sendmail can put mail in
 * maildrop/ and nothing else. Every program but sendmail gives the
 * privilege up before it reads an argument; sendmail keeps it only to
 * write its maildrop entry and signal the posting office.
 */
#ifndef PRIVILEGE_H
#define PRIVILEGE_H

/* At the start of every program: standard descriptors a caller closed
 * are opened on /dev/null (so no file opened later becomes standard
 * output or error), and a program other than sendmail (keep 0) drops the
 * privilege at once. Exits (EX_OSERR) when the privilege cannot be
 * dropped. */
void privilege_start(int keep);

/* 1 when this process runs with more privilege than its caller (a
 * set-group-ID or set-user-ID run not yet dropped) and the caller is not
 * root (who gains nothing from it). */
int privilege_raised(void);

/* Gives up the set-group-ID and set-user-ID privilege for good; exits
 * (EX_OSERR) when that fails. */
void privilege_drop(void);

#endif
