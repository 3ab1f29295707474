/* opt.c: see opt.h. */
#include <string.h>
#include <strings.h>
#include "opt.h"

int opt_number(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (n > (max - (unsigned long)(*s - '0')) / 10)
			return 0;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	*v = n;
	return 1;
}

/* Takes a string option's value: attached, or the next argument. */
static int value(const char *attached, int argc, char *const *argv, int *i,
		 struct opt_hit *h, const char **why)
{
	if (attached) {
		h->val = attached;
	} else if (*i + 1 < argc) {
		h->val = argv[++*i];
	} else {
		*why = "option needs a value";
		return -1;
	}
	if (!*h->val) {
		*why = "option needs a non-empty value";
		return -1;
	}
	++*i;
	return 1;
}

static int slash_form(const struct opt_def *defs, int ndefs, int argc,
		      char *const *argv, int *i, struct opt_hit *h,
		      const char **why)
{
	const char *a = argv[*i] + 1;
	size_t n = strcspn(a, "+-:");
	int k;

	for (k = 0; k < ndefs; k++) {
		const struct opt_def *d = &defs[k];
		if (!d->slash || strlen(d->slash) != n ||
		    strncasecmp(d->slash, a, n))
			continue;
		h->id = d->id;
		if (d->type == OPT_BOOL) {
			if (a[n] == 0 || (a[n] == '+' && a[n + 1] == 0))
				h->on = 1;
			else if (a[n] == '-' && a[n + 1] == 0)
				h->on = 0;
			else {
				*why = "a switch takes only + or -";
				return -1;
			}
			++*i;
			return 1;
		}
		if (a[n] == ':')
			return value(a + n + 1, argc, argv, i, h, why);
		if (a[n] == 0)
			return value(0, argc, argv, i, h, why);
		*why = "option takes a value as /NAME:value";
		return -1;
	}
	*why = "unknown option";
	return -1;
}

static int long_form(const struct opt_def *defs, int ndefs, int argc,
		     char *const *argv, int *i, struct opt_hit *h,
		     const char **why)
{
	const char *a = argv[*i] + 2;
	const char *eq = strchr(a, '=');
	size_t n = eq ? (size_t)(eq - a) : strlen(a);
	int neg = 0, k;

	if (n > 3 && !strncmp(a, "no-", 3)) {
		neg = 1;
	}
	for (k = 0; k < ndefs; k++) {
		const struct opt_def *d = &defs[k];
		const char *name = a;
		size_t len = n;
		if (!d->lng)
			continue;
		if (neg && d->type == OPT_BOOL && strncmp(a, d->lng, n) != 0) {
			name += 3;
			len -= 3;
		}
		if (strlen(d->lng) != len || strncmp(d->lng, name, len))
			continue;
		h->id = d->id;
		if (d->type == OPT_BOOL) {
			if (eq) {
				*why = "a switch takes no value";
				return -1;
			}
			h->on = name == a;
			++*i;
			return 1;
		}
		if (name != a) {
			*why = "only switches have a --no- form";
			return -1;
		}
		return value(eq ? eq + 1 : 0, argc, argv, i, h, why);
	}
	*why = "unknown option";
	return -1;
}

int opt_next(const struct opt_def *defs, int ndefs, int argc,
	     char *const *argv, int *i, struct opt_hit *h, const char **why)
{
	const char *a;

	if (*i >= argc)
		return 0;
	a = argv[*i];
	h->val = 0;
	h->on = 0;
	if (!strcmp(a, "/?") || !strcmp(a, "--help")) {
		h->id = OPT_HELP;
		++*i;
		return 1;
	}
	if (!strcmp(a, "--")) {
		++*i;
		return 0;
	}
	if (a[0] == '-' && a[1] == '-' && a[2])
		return long_form(defs, ndefs, argc, argv, i, h, why);
	/* "/NAME...": an option; "/dir/file" (a '/' in the name): a path. */
	if (a[0] == '/' && a[1] && !memchr(a + 1, '/', strcspn(a + 1, "+-:")))
		return slash_form(defs, ndefs, argc, argv, i, h, why);
	if (a[0] == '-' && a[1]) {
		*why = "unknown option";
		return -1;
	}
	return 0;
}
