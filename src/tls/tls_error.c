/* tls_error.c: the words of tls_int.h for what BearSSL reports, and the
 * cipher suites offered with their names (one table). */
#include "config.h"
#if CONFIG_TLS
#include "tls_int.h"

/* ECDHE only (forward secrecy), AEAD only; ChaCha20 first, since the
 * appliances this runs on rarely have AES instructions. */
const struct tls_suite tls_suites[] = {
	{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	  "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	  "ECDHE-RSA-CHACHA20-POLY1305" },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	  "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	  "ECDHE-RSA-AES128-GCM-SHA256" },
	{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	  "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	  "ECDHE-RSA-AES256-GCM-SHA384" },
};
const size_t tls_nsuites = sizeof tls_suites / sizeof tls_suites[0];

/* A sentence for an engine or X.509 error code. */
const char *tls_error_text(int e)
{
	switch (e) {
	case BR_ERR_X509_NOT_TRUSTED: return "certificate chain not trusted "
		"(no anchor of the CA bundle signs it)";
	case BR_ERR_X509_BAD_SERVER_NAME: return "certificate is not for "
		"the server's name";
	case BR_ERR_X509_EXPIRED: return "certificate expired or not yet "
		"valid";
	case BR_ERR_X509_BAD_SIGNATURE: return "certificate signature invalid";
	case BR_ERR_X509_NOT_CA: return "an intermediate is not a CA";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE: return "certificate key usage "
		"forbids TLS";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "certificate key too weak";
	case BR_ERR_X509_UNSUPPORTED: return "certificate signed with an "
		"algorithm this client refuses or does not know (MD5 and SHA-1 "
		"signatures are refused)";
	case TLS_ERR_NO_LEAF_KEY: return "the server's certificate has no usable "
		"key (RSA over 4096 bits, an unknown key type, or a malformed "
		"certificate)";
	case BR_ERR_X509_LIMIT_EXCEEDED: return "certificate chain too long";
	case BR_ERR_BAD_VERSION: case BR_ERR_UNSUPPORTED_VERSION:
		return "no common TLS version (TLS 1.2 only)";
	case BR_ERR_BAD_CIPHER_SUITE: return "no common cipher suite "
		"(ECDHE with AES-GCM or ChaCha20-Poly1305)";
	case BR_ERR_BAD_MAC: return "record authentication failed";
	case BR_ERR_IO: return "connection failed during TLS";
	case BR_ERR_BAD_PARAM: return "malformed TLS record (plaintext where "
		"TLS was expected?)";
	default:
		if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_RECV_FATAL_ALERT + 256)
			return "the server sent a fatal alert";
		if (e >= BR_ERR_SEND_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT + 256)
			return "handshake refused by this client";
		if (e >= 32 && e < 64)
			return "certificate could not be decoded or checked";
		return "TLS handshake failed";
	}
}

/* The alerts a server sends when it refuses a handshake (RFC 5246 §7.2,
 * RFC 8446 §6), with what they usually mean for this client. */
const char *tls_alert_text(int a)
{
	switch (a) {
	case 40: return "handshake_failure (no common cipher suite, curve or "
		"signature algorithm: this client offers ECDHE with AES-GCM or "
		"ChaCha20-Poly1305)";
	case 42: case 43: case 46: return "the server refused a certificate";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version (this client speaks TLS 1.2 only)";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 112: return "unrecognized_name (SNI)";
	default: return "an alert";
	}
}
#endif
