/* unit.h: the unit test runner's contract. Each test file defines test
 * functions and lists them in a table; CHECK records a failure with its
 * line and goes on. */
#ifndef SMTPRC_UNIT_H
#define SMTPRC_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failed;

#define CHECK(cond) do { if (!(cond)) { unit_failed = 1; \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (strcmp(a_, b_)) { unit_failed = 1; fprintf(stderr, \
	"  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_, b_); } } while (0)
#define CHECK_MEM(a, alen, b) do { size_t l_ = strlen(b); \
	if ((alen) != l_ || memcmp((a), (b), l_)) { unit_failed = 1; fprintf(stderr, \
	"  %s:%d: \"%.*s\" != \"%s\"\n", __FILE__, __LINE__, (int)(alen), (a), (b)); } } while (0)

struct unit_test {
	const char *name;
	void (*run)(void);
};

#define UNIT_SUITE(name) const struct unit_test name[]
#define UNIT_END { 0, 0 }

#endif
