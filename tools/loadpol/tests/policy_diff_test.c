// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential test of the policy engine: for random policies and random
 * events, the indexed matcher (loadpol_decide) must pick exactly the rule
 * the naive linear first-match scan (loadpol_decide_linear) picks.
 *
 * Policies and events are drawn from a small alphabet so that names,
 * digests, globs and request strings collide often.  Prints TAP.
 *
 * usage: policy_diff_test [POLICIES [EVENTS_PER_POLICY [SEED]]]
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "policy.h"

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u32 rnd(u32 n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state >> 11) % n;
}

static const char *pick(const char *const *a, u32 n)
{
	return a[rnd(n)];
}

static const char *const names[] = {
	"a", "b", "ab", "a_b", "a-b", "ext4", "ext2", "nf_tables", "nf-nat", "x",
};

static const char *const name_globs[] = {
	"a*", "*b", "?", "ext[24]", "nf_*", "a[_]b", "*", "[!a]*", "e*t?", "a?b",
};

static const char *const requests[] = {
	"fs-ext4", "fs-xfs", "net-pf-10", "net-pf-1", "crypto-sha256", "x",
};

static const char *const request_globs[] = {
	"fs-*", "net-pf-?", "*", "net-pf-1*", "crypto-*", "[fn]*",
};

static const char *const paths[] = { "/lib/m/a.ko", "/tmp/a.ko", "/lib/m/b.ko" };
static const char *const path_globs[] = { "/lib/*", "*a.ko", "/tmp/*" };
static const char *const actions[] = { "allow", "deny", "audit" };
static const char *const uids[] = { "0", "1000", "1000-1999", "0-999", "65534" };
static const u32 event_uids[] = { 0, 999, 1000, 1500, 65534 };
static u8 digests[4][LOADPOL_DIGEST_SIZE];

static size_t add(char *buf, size_t at, size_t size, const char *fmt, const char *s)
{
	int n = snprintf(buf + at, size - at, fmt, s);

	return n > 0 && at + n < size ? at + n : at;
}

/* The requester's keys, which go with load and request rules alike. */
static size_t requester_keys(char *buf, size_t at, size_t size)
{
	if (rnd(5) == 0)
		at = add(buf, at, size, " userns=%s", rnd(2) ? "nested" : "init");
	if (rnd(5) == 0)
		at = add(buf, at, size, " privileged=%s", rnd(2) ? "yes" : "no");
	if (rnd(6) == 0)
		at = add(buf, at, size, " uid=%s", pick(uids, ARRAY_SIZE(uids)));
	return add(buf, at, size, "%s\n", "");
}

static size_t random_rule(char *buf, size_t at, size_t size)
{
	at = add(buf, at, size, "%s", pick(actions, ARRAY_SIZE(actions)));
	if (rnd(8) == 0)			/* match-all, or a request rule */
		return requester_keys(buf, at, size);
	if (rnd(3) == 0) {
		at = add(buf, at, size, " request=%s",
			 rnd(2) ? pick(requests, ARRAY_SIZE(requests)) :
			  pick(request_globs, ARRAY_SIZE(request_globs)));
		return requester_keys(buf, at, size);
	}
	if (rnd(2))
		at = add(buf, at, size, " name=%s",
			 rnd(2) ? pick(names, ARRAY_SIZE(names)) :
			  pick(name_globs, ARRAY_SIZE(name_globs)));
	if (rnd(4) == 0) {
		char hex[2 * LOADPOL_DIGEST_SIZE + 1];
		const u8 *d = digests[rnd(4)];
		int i;

		for (i = 0; i < LOADPOL_DIGEST_SIZE; i++)
			sprintf(hex + 2 * i, "%02x", d[i]);
		at = add(buf, at, size, " sha256=%s", hex);
	}
	if (rnd(4) == 0)
		at = add(buf, at, size, " signed=%s", rnd(2) ? "yes" : "no");
	if (rnd(4) == 0)
		at = add(buf, at, size, " origin=%s", rnd(2) ? "kernel" : "user");
	if (rnd(6) == 0)
		at = add(buf, at, size, " path=%s",
			 rnd(2) ? pick(paths, ARRAY_SIZE(paths)) :
			  pick(path_globs, ARRAY_SIZE(path_globs)));
	return requester_keys(buf, at, size);
}

static void random_event(struct loadpol_event *ev, const u8 **digest)
{
	memset(ev, 0, sizeof(*ev));
	ev->uid = event_uids[rnd(ARRAY_SIZE(event_uids))];
	ev->userns_nested = rnd(3) == 0;
	ev->unprivileged = ev->uid || rnd(4) == 0;
	if (rnd(3) == 0) {
		ev->kind = LOADPOL_EV_REQUEST;
		ev->request = pick(requests, ARRAY_SIZE(requests));
		return;
	}
	ev->kind = LOADPOL_EV_LOAD;
	ev->name = pick(names, ARRAY_SIZE(names));
	ev->sha256 = rnd(5) ? digests[rnd(4)] : NULL;
	ev->sig_ok = rnd(2);
	ev->origin_kernel = rnd(2);
	ev->path = rnd(3) ? pick(paths, ARRAY_SIZE(paths)) : NULL;
	*digest = ev->sha256;
}

int main(int argc, char **argv)
{
	u32 policies = argc > 1 ? strtoul(argv[1], NULL, 0) : 5000;
	u32 events = argc > 2 ? strtoul(argv[2], NULL, 0) : 25;
	static char text[64 * 1024];
	struct loadpol_parse_error error;
	u64 decided = 0;
	u32 p, e, i, bad = 0, by_rule = 0;

	if (argc > 3)
		rng_state = strtoull(argv[3], NULL, 0) | 1;
	printf("TAP version 13\n1..1\n# seed 0x%llx, %u policies, %u events each\n",
	       (unsigned long long)rng_state, policies, events);
	for (i = 0; i < 4; i++)
		memset(digests[i], 0x11 * (i + 1), LOADPOL_DIGEST_SIZE);
	/* Two digests share their first bytes: same index hash, other key. */
	digests[3][31] ^= 1;
	memcpy(digests[3], digests[2], 4);

	for (p = 0; p < policies && bad < 5; p++) {
		struct loadpol_policy *policy;
		u32 n = 1 + rnd(p % 10 == 9 ? 400 : 40);
		size_t len = 0;

		if (rnd(2))
			len = add(text, len, sizeof(text), "default %s\n",
				  pick(actions, ARRAY_SIZE(actions)));
		for (i = 0; i < n; i++)
			len = random_rule(text, len, sizeof(text));
		if (loadpol_policy_parse(text, len, &policy, &error)) {
			printf("# generated policy rejected: line %u: %s\n",
			       error.line, error.msg);
			bad++;
			continue;
		}
		for (e = 0; e < events; e++) {
			struct loadpol_decision d, lin;
			struct loadpol_event ev;
			const u8 *digest = NULL;

			random_event(&ev, &digest);
			loadpol_decide(policy, &ev, &d);
			loadpol_decide_linear(policy, &ev, &lin);
			decided++;
			by_rule += lin.rule >= 0;
			if (d.action == lin.action && d.rule == lin.rule)
				continue;
			printf("# policy %u, event %u (%s): indexed rule %d, linear rule %d\n%s",
			       p, e, ev.name ? ev.name : ev.request, d.rule, lin.rule,
			       text);
			bad++;
			break;
		}
		loadpol_policy_free(policy);
	}
	printf("# %llu decisions, %u of them by a rule\n",
	       (unsigned long long)decided, by_rule);
	printf("%sok 1 indexed matcher agrees with the linear scan on %llu random events\n",
	       bad ? "not " : "", (unsigned long long)decided);
	return bad ? 1 : 0;
}
