/* aliases.h: where mail for this box's own names goes (issue 14), pure.
 *
 * The aliases file (key "aliases", default /etc/smtprc.aliases), as
 * /etc/aliases:
 *
 *   # comment
 *   root: admin@example.com
 *   postmaster: root
 *   backup: ops@example.com, "on call"@example.net
 *
 * A name is a local part (any case); its targets are addresses, or names
 * of this file, expanded in turn (at most ALIAS_DEPTH_MAX deep). A line
 * that starts with a blank continues the one before.
 */
#ifndef ALIASES_H
#define ALIASES_H

#include <stddef.h>
#include "config.h"

/* Checks the file's text buf[0..len). Returns 0, or -1 with *line (1-based)
 * and *why. */
int aliases_check(const char *buf, size_t len, unsigned *line,
		  const char **why);

/* Expands name[0..n) through buf[0..len): each final target (an address,
 * or a name the file does not know) is given to out(addr, alen, ctx),
 * pointing into buf. Returns the count given, 0 when name is no alias, or
 * -1 when the expansion loops or goes deeper than ALIAS_DEPTH_MAX. */
int aliases_expand(const char *buf, size_t len, const char *name, size_t n,
		   void (*out)(const char *addr, size_t alen, void *ctx),
		   void *ctx);

#endif
