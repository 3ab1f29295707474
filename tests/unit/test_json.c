/* test_json.c: json.h against the answers OAuth 2.0 endpoints and SASL
 * OAuth mechanisms really send, and against malformed documents. */
#include "config.h"
#include "json.h"
#include "unit.h"

#define GET(doc, key) json_get(doc, sizeof doc - 1, key, out, sizeof out, &why)

static void token_answers(void)
{
	/* RFC 6749 §5.1, and what Microsoft's endpoint adds (ext_expires_in,
	 * a scope with a URL and spaces). */
	static const char ok[] =
		"{\r\n  \"access_token\":\"2YotnFZFEjr1zCsicMWpAA\",\n"
		"  \"token_type\":\"Bearer\", \"expires_in\":3599,\n"
		"  \"ext_expires_in\": 3599,"
		"  \"scope\": \"https://outlook.office.com/SMTP.Send\",\n"
		"  \"refresh_token\":\"tGzv3JOkF0XG5Qx2TlKWIA\", \"id\": null,"
		"  \"extra\": {\"a\": [1, 2, {\"access_token\": \"inner\"}]},"
		"  \"ok\": true, \"no\": false }\n";
	static const char err[] =
		"{\"error\":\"invalid_grant\",\"error_description\":"
		"\"AADSTS70000: The provided \\\"grant\\\" is expired.\\r\\n"
		"Trace ID: 0fe2c2a9-6b4e-4b9a-8d3c-2c5d9d1b0000\",\"error_codes\":[70000]}";
	char out[64];
	const char *why = 0;
	long long v = -1;

	CHECK(GET(ok, "access_token") == JSON_STRING);
	CHECK_STR(out, "2YotnFZFEjr1zCsicMWpAA");
	CHECK(GET(ok, "scope") == JSON_STRING);
	CHECK_STR(out, "https://outlook.office.com/SMTP.Send");
	CHECK(GET(ok, "expires_in") == JSON_NUMBER);
	CHECK_STR(out, "3599");
	CHECK(json_get_uint(ok, sizeof ok - 1, "expires_in", &v, &why) == 0 &&
	      v == 3599);
	CHECK(GET(ok, "id") == JSON_NULL && !strcmp(out, "null"));
	CHECK(GET(ok, "ok") == JSON_TRUE && GET(ok, "no") == JSON_FALSE);
	CHECK(GET(ok, "extra") == JSON_OBJECT);
	CHECK_STR(out, "{\"a\": [1, 2, {\"access_token\": \"inner\"}]}");
	CHECK(GET(ok, "missing") == JSON_ABSENT && out[0] == 0);
	CHECK(json_get(ok, sizeof ok - 1, "refresh_token", 0, 0, &why) ==
	      JSON_STRING);
	CHECK(GET(err, "error") == JSON_STRING);
	CHECK_STR(out, "invalid_grant");
	CHECK(GET(err, "error_codes") == JSON_ARRAY);
	CHECK_STR(out, "[70000]");
	CHECK(GET(err, "error_description") == -1);
	CHECK_STR(why, "a value longer than its buffer");
	CHECK(out[0] == 0);
	{
		char big[128];
		CHECK(json_get(err, sizeof err - 1, "error_description", big,
			       sizeof big, &why) == JSON_STRING);
		CHECK_STR(big, "AADSTS70000: The provided \"grant\" is expired."
			  "\r\nTrace ID: 0fe2c2a9-6b4e-4b9a-8d3c-2c5d9d1b0000");
	}
	/* RFC 7628 §3.2.2: what a server sends in its 334 when a bearer
	 * token is refused. */
	{
		static const char sasl[] = "{\"status\":\"invalid_token\","
			"\"scope\":\"example_scope\",\"openid-configuration\":"
			"\"https://example.com/.well-known/openid-configuration\"}";
		CHECK(GET(sasl, "status") == JSON_STRING);
		CHECK_STR(out, "invalid_token");
	}
}

static void escapes_and_utf8(void)
{
	char out[64];
	const char *why = 0;

	static const char a[] = "{\"k\":\"\\u00e9\\u20ac\\ud83d\\ude00\\/\\t\"}";
	CHECK(GET(a, "k") == JSON_STRING);
	CHECK_STR(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\t");
	static const char b[] = "{\"caf\\u00e9\":\"raw \xc3\xa9\"}";
	CHECK(GET(b, "caf\xc3\xa9") == JSON_STRING);
	CHECK_STR(out, "raw \xc3\xa9");
	static const char nul[] = "{\"k\":\"a\\u0000b\"}";
	CHECK(GET(nul, "k") == -1);
	CHECK_STR(why, "a NUL (\\u0000) in a string");
	static const char lone[] = "{\"k\":\"\\udc00\"}";
	CHECK(GET(lone, "k") == -1);
	static const char half[] = "{\"k\":\"\\ud83dx\"}";
	CHECK(GET(half, "k") == -1);
	CHECK_STR(why, "a high surrogate without its low half");
	static const char bad8[] = "{\"k\":\"\xc3(\"}";
	CHECK(GET(bad8, "k") == -1);
	CHECK_STR(why, "a string that is not UTF-8");
	static const char ctl[] = "{\"k\":\"a\nb\"}";
	CHECK(GET(ctl, "k") == -1);
	CHECK_STR(why, "a control character in a string");
	static const char esc[] = "{\"k\":\"\\x41\"}";
	CHECK(GET(esc, "k") == -1);
	CHECK_STR(why, "an unknown escape in a string");
}

/* {"a":[[...]]} with levels containers in all; returns its length. */
static size_t nest(char *buf, int levels)
{
	size_t n = 0;
	int i;

	memcpy(buf, "{\"a\":", 5);
	n = 5;
	for (i = 1; i < levels; i++)
		buf[n++] = '[';
	for (i = 1; i < levels; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	return n;
}

static void malformed_documents(void)
{
	static const char *const bad[] = {
		"", " ", "[]", "\"s\"", "1", "{", "{\"a\"}", "{\"a\":}",
		"{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":1}}", "{\"a\":1} x",
		"{\"a\":[1,2}", "{\"a\":{\"b\":1]}", "{a:1}", "{\"a\":01}",
		"{\"a\":1.}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":tru}",
		"{\"a\":\"x}", "{\"a\":\"x\\", "{\"a\":[,1]}", "{,}",
		"{\"a\":1,\"a\":2}", "{\"a\":NaN}", "{\"a\":'x'}",
	};
	char out[16], deep[2 * JSON_DEPTH_MAX + 16];
	const char *why;
	size_t i, n;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = 0;
		if (json_get(bad[i], strlen(bad[i]), "a", out, sizeof out,
			     &why) != -1 || !why || out[0]) {
			fprintf(stderr, "  accepted: %s\n", bad[i]);
			CHECK(0);
		}
	}
	CHECK(json_get("{\"a\":1,\"a\":2}", 13, "a", out, sizeof out, &why) == -1);
	CHECK_STR(why, "the key appears twice");
	/* A document cut short is never read as its first part. */
	CHECK(json_get("{\"a\":\"xyz\"}", 8, "a", out, sizeof out, &why) == -1);
	/* JSON_DEPTH_MAX levels are read; one more is refused. */
	n = nest(deep, JSON_DEPTH_MAX);
	CHECK(json_get(deep, n, "a", 0, 0, &why) == JSON_ARRAY);
	n = nest(deep, JSON_DEPTH_MAX + 1);
	CHECK(json_get(deep, n, "a", 0, 0, &why) == -1);
	CHECK_STR(why, "objects or arrays nested too deep");
}

static void whole_numbers(void)
{
	static const char d[] = "{\"i\":5,\"f\":1.5,\"n\":-3,\"s\":\"5\","
		"\"big\":1234567890123456789,\"e\":1e3,\"max\":999999999999999999}";
	const char *why = 0;
	long long v;

	CHECK(json_get_uint(d, sizeof d - 1, "i", &v, &why) == 0 && v == 5);
	CHECK(json_get_uint(d, sizeof d - 1, "max", &v, &why) == 0 &&
	      v == 999999999999999999LL);
	CHECK(json_get_uint(d, sizeof d - 1, "f", &v, &why) == -1);
	CHECK_STR(why, "a number that is not whole");
	CHECK(json_get_uint(d, sizeof d - 1, "n", &v, &why) == -1);
	CHECK_STR(why, "a negative number");
	CHECK(json_get_uint(d, sizeof d - 1, "s", &v, &why) == -1);
	CHECK_STR(why, "a value that is not a number");
	CHECK(json_get_uint(d, sizeof d - 1, "big", &v, &why) == -1);
	CHECK_STR(why, "a number too large");
	CHECK(json_get_uint(d, sizeof d - 1, "e", &v, &why) == -1);
	CHECK(json_get_uint(d, sizeof d - 1, "none", &v, &why) == -1);
	CHECK_STR(why, "absent");
}

UNIT_SUITE(json_tests) = {
	{ "json: OAuth 2.0 token answers and SASL errors", token_answers },
	{ "json: escapes, surrogates and UTF-8", escapes_and_utf8 },
	{ "json: malformed documents and the depth limit", malformed_documents },
	{ "json: whole numbers", whole_numbers },
	UNIT_END
};
