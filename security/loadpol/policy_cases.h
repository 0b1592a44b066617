/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: the policy engine's test cases, and the function that checks one
 *
 * Compiled into the KUnit suite (policy_kunit.c) and, unchanged, into the
 * userspace test (tools/loadpol/tests/policy_test.c): one table, one check.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SECURITY_LOADPOL_POLICY_CASES_H
#define _SECURITY_LOADPOL_POLICY_CASES_H

#include "policy.h"

#define LPC_MAX_EVENTS 8

/* An event to decide, and the decision expected. */
struct lpc_event {
	bool used;
	enum loadpol_event_kind kind;
	const char *name;
	const char *sha256;	/* hex, or NULL */
	bool sig_ok;
	bool origin_kernel;
	const char *path;
	const char *request;
	u32 uid;
	bool userns_nested;
	bool unprivileged;
	enum loadpol_action action;
	int rule;		/* 0-based rule index, -1 for the default */
};

/* Texts too big to write out: made when the case runs. */
enum lpc_generate {
	LPC_TEXT,
	LPC_LONG_LINE,		/* one line of LOADPOL_MAX_LINE + 1 bytes */
	LPC_MAX_LINE,		/* one line of exactly LOADPOL_MAX_LINE bytes */
	LPC_TOO_MANY_RULES,	/* LOADPOL_MAX_RULES + 1 rules */
	LPC_TOO_LARGE,		/* LOADPOL_MAX_SIZE + 1 bytes */
};

struct lpc_case {
	const char *desc;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	enum lpc_generate generate;
	int err;		/* expected errno, 0 for a valid policy */
	u32 line;		/* expected error line */
	const char *canonical;	/* expected canonical text, or NULL */
	enum loadpol_mode mode;
	struct lpc_event events[LPC_MAX_EVENTS];
	const char *locked;	/* a locked policy this one must tighten, or NULL */
	int tighten_err;	/* loadpol_policy_tightens()'s expected result */
};

#define LOAD(n, a, r) { .used = true, .kind = LOADPOL_EV_LOAD, .name = (n), \
			.action = LOADPOL_##a, .rule = (r) }
#define LOADX(n, h, s, o, p, a, r) { .used = true, .kind = LOADPOL_EV_LOAD, \
			.name = (n), .sha256 = (h), .sig_ok = (s), \
			.origin_kernel = (o), .path = (p), \
			.action = LOADPOL_##a, .rule = (r) }
#define REQ(q, a, r) { .used = true, .kind = LOADPOL_EV_REQUEST, .request = (q), \
		       .action = LOADPOL_##a, .rule = (r) }
/* A request, or a load (k: by the kernel's modprobe), as requester u. */
#define REQAS(q, u, nested, unpriv, a, r) { .used = true, \
			.kind = LOADPOL_EV_REQUEST, .request = (q), .uid = (u), \
			.userns_nested = (nested), .unprivileged = (unpriv), \
			.action = LOADPOL_##a, .rule = (r) }
#define LOADAS(n, k, u, nested, unpriv, a, r) { .used = true, \
			.kind = LOADPOL_EV_LOAD, .name = (n), .origin_kernel = (k), \
			.uid = (u), .userns_nested = (nested), \
			.unprivileged = (unpriv), .action = LOADPOL_##a, .rule = (r) }
/* Policy t offered after the policy l was locked: tightens, or EPERM. */
#define TIGHTEN(d, l, t, e) { .desc = (d), .text = (t), .locked = (l), \
			      .tighten_err = -(e) }
#define BAD(d, t, e, l) { .desc = (d), .text = (t), .err = -(e), .line = (l) }

#define H1 "5f1c0000000000000000000000000000000000000000000000000000000000e2"
#define H2 "aa00000000000000000000000000000000000000000000000000000000000001"
#define H1_UPPER "5F1C0000000000000000000000000000000000000000000000000000000000E2"

static const struct lpc_case lpc_cases[] = {
	/* --- valid policies, decisions ------------------------------------ */
	{ "spec example", "# loadpol policy\n"
	  "mode enforce\ndefault deny\n\n"
	  "deny   name=evil_*\nallow  name=ext4\nallow  name=nf_* origin=kernel\n"
	  "allow  sha256=" H1 "\naudit  name=vboxdrv\nallow  request=fs-*\n"
	  "deny   request=net-pf-*\nallow  signed=yes origin=kernel\n",
	  .events = { LOAD("ext4", ALLOW, 1), LOAD("evil_rootkit", DENY, 0),
		      LOAD("evil-rootkit", DENY, 0), LOAD("vboxdrv", AUDIT, 4),
		      LOAD("xfs", DENY, -1), REQ("fs-xfs", ALLOW, 5),
		      REQ("net-pf-10", DENY, 6), REQ("crypto-sha256", DENY, -1) } },
	{ "origin and signature rules", "allow name=nf_* origin=kernel\n"
	  "allow signed=yes origin=kernel\n",
	  .events = { LOADX("nf_tables", NULL, false, true, NULL, ALLOW, 0),
		      LOADX("nf_tables", NULL, false, false, NULL, DENY, -1),
		      LOADX("xfs", NULL, true, true, NULL, ALLOW, 1),
		      LOADX("xfs", NULL, true, false, NULL, DENY, -1),
		      LOADX("xfs", NULL, false, true, NULL, DENY, -1) } },
	{ "first match wins over a later exact rule", "deny name=ext*\nallow name=ext4\n",
	  .events = { LOAD("ext4", DENY, 0), LOAD("ext2", DENY, 0), LOAD("xfs", DENY, -1) } },
	{ "exact rule before a glob wins", "allow name=ext4\ndeny name=ext*\n",
	  .events = { LOAD("ext4", ALLOW, 0), LOAD("ext3", DENY, 1) } },
	{ "same name, different keys", "allow name=e1000 origin=kernel\n"
	  "audit name=e1000 signed=yes\ndeny name=e1000\n",
	  .events = { LOADX("e1000", NULL, false, true, NULL, ALLOW, 0),
		      LOADX("e1000", NULL, true, false, NULL, AUDIT, 1),
		      LOADX("e1000", NULL, false, false, NULL, DENY, 2) } },
	{ "no default line denies", "allow name=a\n",
	  .events = { LOAD("a", ALLOW, 0), LOAD("b", DENY, -1), REQ("fs-a", DENY, -1) } },
	{ "default allow", "default allow\ndeny name=b\n",
	  .events = { LOAD("a", ALLOW, -1), LOAD("b", DENY, 0), REQ("x", ALLOW, -1) } },
	{ "default audit", "default audit\n",
	  .canonical = "mode enforce\ndefault audit\n",
	  .events = { LOAD("a", AUDIT, -1), REQ("x", AUDIT, -1) } },
	{ "permissive mode", "mode permissive\n", .mode = LOADPOL_PERMISSIVE,
	  .canonical = "mode permissive\ndefault deny\n",
	  .events = { LOAD("a", DENY, -1) } },
	{ "dash and underscore are one character in names",
	  "allow name=snd-hda-intel\ndeny name=foo_bar\n",
	  .canonical = "mode enforce\ndefault deny\nallow name=snd_hda_intel\ndeny name=foo_bar\n",
	  .events = { LOAD("snd_hda_intel", ALLOW, 0), LOAD("snd-hda_intel", ALLOW, 0),
		      LOAD("foo-bar", DENY, 1), LOAD("foo_bar", DENY, 1),
		      LOAD("snd_hda_intel2", DENY, -1) } },
	{ "dash in a name glob", "default allow\ndeny name=nf-*\n",
	  .events = { LOAD("nf_tables", DENY, 0), LOAD("nf-nat", DENY, 0),
		      LOAD("nfs", ALLOW, -1) } },
	{ "dash not folded in requests", "allow request=fs-*\n",
	  .events = { REQ("fs-xfs", ALLOW, 0), REQ("fs_xfs", DENY, -1) } },
	{ "question mark", "allow name=ext?\n",
	  .events = { LOAD("ext4", ALLOW, 0), LOAD("ext", DENY, -1), LOAD("ext42", DENY, -1) } },
	{ "bracket class and range", "allow name=ext[234]\nallow name=sd[a-c]x\n",
	  .events = { LOAD("ext3", ALLOW, 0), LOAD("ext5", DENY, -1),
		      LOAD("sdbx", ALLOW, 1), LOAD("sddx", DENY, -1) } },
	{ "negated class", "allow name=ab[!x]\nallow name=cd[^y]\n",
	  .events = { LOAD("abc", ALLOW, 0), LOAD("abx", DENY, -1),
		      LOAD("cdz", ALLOW, 1), LOAD("cdy", DENY, -1) } },
	{ "']' first in a class is literal", "allow request=a[]]\n",
	  .events = { REQ("a]", ALLOW, 0), REQ("a[", DENY, -1) } },
	{ "literal dash at a class edge", "allow name=a[-x]\n",
	  .canonical = "mode enforce\ndefault deny\nallow name=a[_x]\n",
	  .events = { LOAD("a-", ALLOW, 0), LOAD("a_", ALLOW, 0), LOAD("ax", ALLOW, 0),
		      LOAD("ay", DENY, -1) } },
	{ "star matches empty and everything", "allow name=*\n",
	  .events = { LOAD("x", ALLOW, 0), REQ("fs-x", DENY, -1) } },
	{ "stars everywhere", "allow request=*a*b*c*\n",
	  .events = { REQ("abc", ALLOW, 0), REQ("xxaxxbxxcxx", ALLOW, 0),
		      REQ("acb", DENY, -1), REQ("aaaaaaaaaaaaaaaaaaaaaaaaaaaab", DENY, -1) } },
	{ "adversarial glob", "allow request=*a*a*a*a*a*a*a*a*a*a*a*b\n",
	  .events = { REQ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", DENY, -1),
		      REQ("aaaaaaaaaaaaaaaaaaaaaaab", ALLOW, 0) } },
	{ "sha256 pin, whatever the name", "allow sha256=" H1 "\n",
	  .events = { LOADX("anything", H1, false, false, NULL, ALLOW, 0),
		      LOADX("anything", H2, false, false, NULL, DENY, -1) } },
	{ "sha256 pin with a name", "allow name=ext4 sha256=" H1 "\n",
	  .events = { LOADX("ext4", H1, false, false, NULL, ALLOW, 0),
		      LOADX("xfs", H1, false, false, NULL, DENY, -1),
		      LOADX("ext4", H2, false, false, NULL, DENY, -1) } },
	{ "upper-case hex printed lower-case", "deny sha256=" H1_UPPER "\n",
	  .canonical = "mode enforce\ndefault deny\ndeny sha256=" H1 "\n",
	  .events = { LOADX("m", H1, false, false, NULL, DENY, 0) } },
	{ "digest and name candidates, lowest wins", "default allow\n"
	  "deny name=ext4\nallow sha256=" H1 "\n",
	  .events = { LOADX("ext4", H1, false, false, NULL, DENY, 0),
		      LOADX("xfs", H1, false, false, NULL, ALLOW, 1) } },
	{ "digest before name", "allow sha256=" H1 "\ndeny name=ext4\n",
	  .events = { LOADX("ext4", H1, false, false, NULL, ALLOW, 0),
		      LOADX("ext4", H2, false, false, NULL, DENY, 1) } },
	{ "signed=no", "allow signed=no\n",
	  .events = { LOADX("a", NULL, false, false, NULL, ALLOW, 0),
		      LOADX("a", NULL, true, false, NULL, DENY, -1) } },
	{ "origin=user", "deny origin=user\ndefault allow\n",
	  .events = { LOADX("a", NULL, false, false, NULL, DENY, 0),
		      LOADX("a", NULL, false, true, NULL, ALLOW, -1) } },
	{ "path glob", "allow path=/lib/modules/*\n",
	  .events = { LOADX("a", NULL, false, false, "/lib/modules/6.12/a.ko", ALLOW, 0),
		      LOADX("a", NULL, false, false, "/tmp/a.ko", DENY, -1),
		      LOADX("a", NULL, false, false, NULL, DENY, -1) } },
	{ "path keeps dashes", "allow path=/x/a-b.ko\n",
	  .events = { LOADX("a", NULL, false, false, "/x/a-b.ko", ALLOW, 0),
		      LOADX("a", NULL, false, false, "/x/a_b.ko", DENY, -1) } },
	{ "exact request", "allow request=net-pf-10\n",
	  .events = { REQ("net-pf-10", ALLOW, 0), REQ("net-pf-1", DENY, -1),
		      LOAD("net-pf-10", DENY, -1) } },
	{ "rule without keys matches both kinds", "deny name=bad\naudit\n",
	  .canonical = "mode enforce\ndefault deny\ndeny name=bad\naudit\n",
	  .events = { LOAD("bad", DENY, 0), LOAD("good", AUDIT, 1), REQ("x", AUDIT, 1) } },
	{ "load rules do not match requests", "allow name=*\nallow origin=kernel\n",
	  .events = { REQ("fs-ext4", DENY, -1) } },
	{ "request rules do not match loads", "allow request=*\n",
	  .events = { LOAD("ext4", DENY, -1), REQ("anything", ALLOW, 0) } },
	{ "comments and blank lines",
	  "\n# a comment\n\x20\t\x20\n\tallow name=a # trailing\n#\n",
	  .canonical = "mode enforce\ndefault deny\nallow name=a\n",
	  .events = { LOAD("a", ALLOW, 0) } },
	{ "tabs, spaces and CRLF", "allow\tname=a \t signed=yes\r\ndefault\tallow\r\n",
	  .canonical = "mode enforce\ndefault allow\nallow name=a signed=yes\n" },
	{ "no final newline", "allow name=a",
	  .canonical = "mode enforce\ndefault deny\nallow name=a\n" },
	{ "UTF-8 in a comment", "allow name=a # caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80\n",
	  .canonical = "mode enforce\ndefault deny\nallow name=a\n" },
	{ "comment glued to a value", "allow name=a#b\n",
	  .canonical = "mode enforce\ndefault deny\nallow name=a\n" },
	{ "canonical key order", "allow path=/p origin=kernel signed=yes name=a\n",
	  .canonical = "mode enforce\ndefault deny\n"
		       "allow name=a signed=yes origin=kernel path=/p\n" },
	{ "directives after rules", "allow name=a\nmode permissive\ndefault audit\n",
	  .mode = LOADPOL_PERMISSIVE,
	  .canonical = "mode permissive\ndefault audit\nallow name=a\n" },
	{ "only a default", "default deny\n",
	  .canonical = "mode enforce\ndefault deny\n",
	  .events = { LOAD("a", DENY, -1) } },
	{ "a line of exactly the limit", .generate = LPC_MAX_LINE },
	{ "prefix globs: lowest rule among prefixes of every length",
	  "deny name=snd_hda_*\nallow name=snd-*\naudit name=snd_hda_intel\n"
	  "allow name=s[n]d_x*\ndeny name=*\n",
	  .events = { LOAD("snd_hda_intel", DENY, 0), LOAD("snd-hda-codec", DENY, 0),
		      LOAD("snd_pcm", ALLOW, 1), LOAD("snd", DENY, 4),
		      LOAD("s", DENY, 4), LOAD("snx", DENY, 4) } },
	{ "prefix globs with classes and other keys",
	  "allow name=ext[234] signed=yes\nallow name=nf_*_ipv[46] origin=kernel\n"
	  "allow request=net-pf-1?\ndeny request=net-*\nallow request=*\n",
	  .events = { LOADX("ext4", NULL, true, false, NULL, ALLOW, 0),
		      LOADX("ext4", NULL, false, false, NULL, DENY, -1),
		      LOADX("nf_nat_ipv6", NULL, false, true, NULL, ALLOW, 1),
		      LOADX("nf_nat_ipv6", NULL, false, false, NULL, DENY, -1),
		      REQ("net-pf-10", ALLOW, 2), REQ("net-pf-1", DENY, 3),
		      REQ("netdev-x", ALLOW, 4), REQ("ne", ALLOW, 4) } },
	{ "the requester: autoload exploit class recipe",
	  "allow request=* privileged=yes\n"
	  "allow request=fs-ext4 userns=nested\n"
	  "deny request=*\n"
	  "allow name=ext4 origin=kernel\n"
	  "allow name=* origin=kernel privileged=yes\n",
	  .events = { REQAS("algif-aead", 0, false, false, ALLOW, 0),
		      REQAS("algif-aead", 1000, false, true, DENY, 2),
		      REQAS("algif-aead", 0, true, true, DENY, 2),
		      REQAS("fs-ext4", 0, true, true, ALLOW, 1),
		      LOADAS("algif_aead", true, 0, false, false, ALLOW, 4),
		      LOADAS("algif_aead", true, 1000, false, true, DENY, -1),
		      LOADAS("ext4", true, 0, true, true, ALLOW, 3),
		      LOADAS("algif_aead", false, 0, false, false, DENY, -1) } },
	{ "requester keys match loads and requests alike",
	  "default allow\ndeny userns=nested\naudit privileged=no\n",
	  .canonical = "mode enforce\ndefault allow\ndeny userns=nested\naudit privileged=no\n",
	  .events = { REQAS("net-pf-38", 0, true, true, DENY, 0),
		      LOADAS("af_alg", true, 0, true, true, DENY, 0),
		      REQAS("net-pf-38", 1000, false, true, AUDIT, 1),
		      LOADAS("af_alg", true, 1000, false, true, AUDIT, 1),
		      REQAS("net-pf-38", 0, false, false, ALLOW, -1),
		      LOADAS("af_alg", false, 0, false, false, ALLOW, -1) } },
	{ "uid and uid ranges", "allow request=net-pf-* uid=0\n"
	  "allow request=net-pf-* uid=1000-1999\nallow uid=4294967294\n",
	  .canonical = "mode enforce\ndefault deny\nallow request=net-pf-* uid=0\n"
		       "allow request=net-pf-* uid=1000-1999\nallow uid=4294967294\n",
	  .events = { REQAS("net-pf-17", 0, false, false, ALLOW, 0),
		      REQAS("net-pf-17", 999, false, true, DENY, -1),
		      REQAS("net-pf-17", 1000, false, true, ALLOW, 1),
		      REQAS("net-pf-17", 1999, false, true, ALLOW, 1),
		      REQAS("net-pf-17", 2000, false, true, DENY, -1),
		      REQAS("x", 4294967294U, false, true, ALLOW, 2),
		      LOADAS("x", true, 4294967294U, false, true, ALLOW, 2) } },
	{ "uid=N-N prints as uid=N, leading zeros dropped",
	  "allow uid=007-7 privileged=no userns=init\n",
	  .canonical = "mode enforce\ndefault deny\nallow userns=init privileged=no uid=7\n" },
	{ "indexed exact request with requester keys",
	  "allow request=net-pf-38 privileged=yes\nallow request=net-pf-38 uid=1000\n"
	  "deny request=net-pf-*\nallow name=af_alg privileged=no\n",
	  .events = { REQAS("net-pf-38", 0, false, false, ALLOW, 0),
		      REQAS("net-pf-38", 1000, false, true, ALLOW, 1),
		      REQAS("net-pf-38", 1001, false, true, DENY, 2),
		      LOADAS("af_alg", true, 1001, false, true, ALLOW, 3),
		      LOADAS("af_alg", true, 0, false, false, DENY, -1) } },
	TIGHTEN("tighten: deny rules in front", "default allow\ndeny name=a\nallow request=*\n",
		"default allow\ndeny request=algif-* privileged=no\ndeny name=b\n"
		"deny name=a\nallow request=*\n", 0),
	TIGHTEN("tighten: the same policy, other spelling", "allow name=snd-x # c\n",
		"mode enforce\ndefault deny\n\nallow   name=snd_x\n", 0),
	TIGHTEN("tighten: an allow in front", "default deny\nallow name=a\n",
		"default deny\nallow name=b\nallow name=a\n", EPERM),
	TIGHTEN("tighten: an audit in front", "default deny\nallow name=a\n",
		"default deny\naudit name=b\nallow name=a\n", EPERM),
	TIGHTEN("tighten: a rule at the end", "default allow\ndeny name=a\n",
		"default allow\ndeny name=a\ndeny name=b\n", EPERM),
	TIGHTEN("tighten: a rule dropped", "deny name=a\nallow name=b\n",
		"allow name=b\n", EPERM),
	TIGHTEN("tighten: a rule changed", "allow name=a uid=0\n",
		"allow name=a uid=0-1\n", EPERM),
	TIGHTEN("tighten: another default", "default deny\nallow name=a\n",
		"default allow\nallow name=a\n", EPERM),
	TIGHTEN("tighten: another mode", "mode permissive\nallow name=a\n",
		"mode enforce\nallow name=a\n", EPERM),
	TIGHTEN("tighten: the default made stricter is not a deny rule", "default allow\n",
		"default deny\n", EPERM),

	/* --- malformed policies --------------------------------------------- */
	BAD("unknown keyword", "allow name=a\npermit name=b\n", EINVAL, 2),
	BAD("unknown key", "allow name=a\n\n\nallow nam=b\n", EINVAL, 4),
	BAD("repeated key", "allow name=a name=b\n", EINVAL, 1),
	BAD("repeated key, other spelling", "allow signed=yes signed=no\n", EINVAL, 1),
	BAD("not KEY=VALUE", "allow ext4\n", EINVAL, 1),
	BAD("empty value", "allow name=\n", EINVAL, 1),
	BAD("empty key", "allow =a\n", EINVAL, 1),
	BAD("mixed load and request keys", "allow name=a request=fs-a\n", EINVAL, 1),
	BAD("mixed origin and request", "# x\nallow request=fs-a origin=kernel\n", EINVAL, 2),
	BAD("sha256 too short", "allow sha256=5f1c\n", EINVAL, 1),
	BAD("sha256 not hex",
	    "allow sha256=5f1c0000000000000000000000000000000000000000000000000000000000zz\n",
	    EINVAL, 1),
	BAD("sha256 too long", "allow sha256=" H1 "0\n", EINVAL, 1),
	BAD("signed=maybe", "allow signed=maybe\n", EINVAL, 1),
	BAD("origin=root", "allow origin=root\n", EINVAL, 1),
	BAD("uid not a number", "allow uid=root\n", EINVAL, 1),
	BAD("uid negative", "allow uid=-1\n", EINVAL, 1),
	BAD("uid out of range", "allow uid=4294967295\n", EINVAL, 1),
	BAD("uid overflowing 64 bits", "allow uid=99999999999999999999999\n", EINVAL, 1),
	BAD("uid range reversed", "allow uid=10-9\n", EINVAL, 1),
	BAD("uid range open", "allow uid=10-\n", EINVAL, 1),
	BAD("uid with a sign", "allow uid=+10\n", EINVAL, 1),
	BAD("userns=host", "allow userns=host\n", EINVAL, 1),
	BAD("privileged=root", "allow privileged=root\n", EINVAL, 1),
	BAD("requester key twice", "allow uid=1 uid=2\n", EINVAL, 1),
	BAD("mode twice", "mode enforce\nmode enforce\n", EINVAL, 2),
	BAD("default twice", "default allow\nallow name=a\ndefault deny\n", EINVAL, 3),
	BAD("bad mode", "mode strict\n", EINVAL, 1),
	BAD("bad default", "default maybe\n", EINVAL, 1),
	BAD("missing default value", "default\n", EINVAL, 1),
	BAD("extra word after a directive", "mode enforce now\n", EINVAL, 1),
	BAD("unterminated bracket", "allow name=ext[34\n", EINVAL, 1),
	BAD("unterminated negated bracket", "allow request=x[!\n", EINVAL, 1),
	BAD("empty bracket", "allow name=a[]\n", EINVAL, 1),
	BAD("reversed range", "allow name=[z-a]\n", EINVAL, 1),
	BAD("keyword case matters", "Allow name=a\n", EINVAL, 1),
	BAD("key case matters", "allow Name=a\n", EINVAL, 1),
	{ "NUL byte", "allow name=a\nallow\0name=b\n", .len = 26, .err = -EILSEQ, .line = 2 },
	BAD("control character", "allow name=a\x01\n", EILSEQ, 1),
	BAD("DEL character", "allow name=\x7f\n", EILSEQ, 1),
	BAD("invalid UTF-8", "# \xff\n", EILSEQ, 1),
	BAD("overlong UTF-8", "# \xc0\xaf\n", EILSEQ, 1),
	BAD("UTF-16 surrogate", "# \xed\xa0\x80\n", EILSEQ, 1),
	BAD("truncated UTF-8 at the end", "allow name=a\n# caf\xc3", EILSEQ, 2),
	BAD("non-ASCII outside a comment", "allow name=caf\xc3\xa9\n", EINVAL, 1),
	BAD("empty policy", "", EINVAL, 0),
	BAD("only comments", "# nothing\n\n# here\n", EINVAL, 0),
	{ "over-long line", .generate = LPC_LONG_LINE, .err = -E2BIG, .line = 2 },
	{ "too many rules", .generate = LPC_TOO_MANY_RULES, .err = -E2BIG,
	  .line = LOADPOL_MAX_RULES + 2 },
	{ "file too large", .generate = LPC_TOO_LARGE, .err = -EFBIG, .line = 0 },
};

static void lpc_case_desc(const struct lpc_case *c, char *desc, size_t size)
{
	snprintf(desc, size, "%s", c->desc);
}

static int lpc_hex_digest(const char *hex, u8 *out)
{
	int i;

	for (i = 0; i < LOADPOL_DIGEST_SIZE; i++) {
		char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		unsigned long v = 0;
		int j;

		for (j = 0; j < 2; j++)
			v = v * 16 + (b[j] <= '9' ? b[j] - '0' : (b[j] | 0x20) - 'a' + 10);
		out[i] = v;
	}
	return 0;
}

/* Make the text of a generated case; returns its length, or 0 on ENOMEM. */
static size_t lpc_generate_text(const struct lpc_case *c, char **textp)
{
	size_t len, i;
	char *t;

	switch (c->generate) {
	case LPC_LONG_LINE:
	case LPC_MAX_LINE:
		/* "allow name=a\n" then "allow path=/xxx...x\n" */
		len = 13 + LOADPOL_MAX_LINE + (c->generate == LPC_LONG_LINE);
		t = kvmalloc(len, GFP_KERNEL);
		if (!t)
			return 0;
		memcpy(t, "allow name=a\nallow path=/", 25);
		memset(t + 25, 'x', len - 26);
		t[len - 1] = '\n';
		break;
	case LPC_TOO_MANY_RULES:
		len = 13 + 6 * ((size_t)LOADPOL_MAX_RULES + 1);
		t = kvmalloc(len, GFP_KERNEL);
		if (!t)
			return 0;
		memcpy(t, "default deny\n", 13);
		for (i = 13; i < len; i += 6)
			memcpy(t + i, "allow\n", 6);
		break;
	case LPC_TOO_LARGE:
		len = (size_t)LOADPOL_MAX_SIZE + 1;
		t = kvmalloc(len, GFP_KERNEL);
		if (!t)
			return 0;
		memset(t, '#', len);
		break;
	default:
		return 0;
	}
	*textp = t;
	return len;
}

/*
 * Run one case: parse, compare errno and line, check the canonical text and
 * that it parses back to itself, and decide every event with both the
 * indexed and the linear matcher.  Returns NULL if all held, else what did
 * not (in why).
 */
static const char *lpc_check(const struct lpc_case *c, char *why, size_t size)
{
	struct loadpol_policy *p = NULL, *again = NULL;
	struct loadpol_parse_error error;
	struct loadpol_decision d, lin;
	char *generated = NULL, *canonical = NULL, *again_text = NULL;
	const char *text = c->text;
	size_t len = c->len, again_len = 0;
	int err, i;

	if (c->generate) {
		len = lpc_generate_text(c, &generated);
		if (!len) {
			snprintf(why, size, "out of memory making the text");
			return why;
		}
		text = generated;
	} else if (!len) {
		len = strlen(text);
	}
	err = loadpol_policy_parse(text, len, &p, &error);
	kvfree(generated);
	if (err != c->err || (err && error.line != c->line)) {
		snprintf(why, size, "parse: got %d at line %u (%s), expected %d at line %u",
			 err, error.line, error.msg, c->err, c->line);
		goto out;
	}
	if (err) {
		const char *r = error.reason;

		while (r && ((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') ||
			     *r == '_'))
			r++;
		if (!error.reason || !error.reason[0] || *r) {
			snprintf(why, size, "error %d without a one-token reason (%s)",
				 err, error.reason ?: "none");
			goto out;
		}
		if (!error.msg[0]) {
			snprintf(why, size, "error %d without a reason", err);
			goto out;
		}
		goto pass;
	}
	if (p->mode != c->mode) {
		snprintf(why, size, "mode %d, expected %d", p->mode, c->mode);
		goto out;
	}
	canonical = loadpol_policy_text(p, &len);
	if (!canonical) {
		snprintf(why, size, "out of memory printing the policy");
		goto out;
	}
	if (c->canonical && strcmp(canonical, c->canonical)) {
		snprintf(why, size, "canonical text:\n%s\nexpected:\n%s", canonical,
			 c->canonical);
		goto out;
	}
	err = loadpol_policy_parse(canonical, len, &again, &error);
	if (!err) {
		again_text = loadpol_policy_text(again, &again_len);
		err = again_text ? 0 : -ENOMEM;
	}
	if (err || again_len != len || strcmp(again_text, canonical)) {
		snprintf(why, size,
			 "canonical text does not parse back (%d, line %u: %s)",
			 err, error.line, error.msg);
		goto out;
	}
	for (i = 0; i < LPC_MAX_EVENTS && c->events[i].used; i++) {
		const struct lpc_event *e = &c->events[i];
		u8 digest[LOADPOL_DIGEST_SIZE];
		struct loadpol_event ev = {
			.kind = e->kind, .name = e->name, .sig_ok = e->sig_ok,
			.origin_kernel = e->origin_kernel, .path = e->path,
			.request = e->request, .uid = e->uid,
			.userns_nested = e->userns_nested,
			.unprivileged = e->unprivileged,
		};

		if (e->sha256) {
			lpc_hex_digest(e->sha256, digest);
			ev.sha256 = digest;
		}
		loadpol_decide(p, &ev, &d);
		loadpol_decide_linear(p, &ev, &lin);
		if (d.action != e->action || d.rule != e->rule ||
		    lin.action != d.action || lin.rule != d.rule) {
			snprintf(why, size,
				 "event %d (%s): %s by rule %d (linear: %s by %d), expected %s by %d",
				 i, e->name ? e->name : e->request,
				 loadpol_action_name(d.action), d.rule,
				 loadpol_action_name(lin.action), lin.rule,
				 loadpol_action_name(e->action), e->rule);
			goto out;
		}
	}
	if (c->locked) {
		loadpol_policy_free(again);
		again = NULL;
		err = loadpol_policy_parse(c->locked, strlen(c->locked), &again,
					   &error);
		if (!err)
			err = loadpol_policy_tightens(again, p, &error);
		if (err != c->tighten_err ||
		    (err && strcmp(error.reason ?: "", "not_tightening"))) {
			snprintf(why, size, "tighten: got %d (%s), expected %d",
				 err, err ? error.msg : "", c->tighten_err);
			goto out;
		}
	}
pass:
	why = NULL;
out:
	kvfree(canonical);
	kvfree(again_text);
	loadpol_policy_free(again);
	loadpol_policy_free(p);
	return why;
}

#undef LOAD
#undef LOADX
#undef REQ
#undef REQAS
#undef LOADAS
#undef TIGHTEN
#undef BAD

#endif /* _SECURITY_LOADPOL_POLICY_CASES_H */
