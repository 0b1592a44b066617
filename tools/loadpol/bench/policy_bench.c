// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of the policy engine (not a test): decision time of the indexed
 * matcher and of the linear reference scan, side by side in one process,
 * parse+compile time, and memory per rule, for policies of 10 to 100,000
 * exact-name, hash-pinned and glob rules (prefix*, prefix*suffix, and a
 * class after the literal prefix), and of request rules with the
 * requester's keys (userns=, privileged=, uid=) decided for an
 * unprivileged task in a user namespace.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <malloc.h>
#include <time.h>

#include "policy.h"

enum kind { EXACT, HASH, GLOB, GLOB_SUFFIX, GLOB_CLASS, REQUESTER };
static const char *const kind_names[] = { "exact name", "sha256 pin", "glob p*",
					  "glob p*s", "glob p[c]*", "requester" };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void digest_of(u32 i, u8 *d)
{
	u32 j, x = i * 2654435761U + 1;

	for (j = 0; j < LOADPOL_DIGEST_SIZE; j++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		d[j] = x;
	}
}

static char *make_policy(enum kind kind, u32 n, size_t *len)
{
	size_t size = (size_t)n * 112 + 64, at;
	char *t = malloc(size);
	u8 d[LOADPOL_DIGEST_SIZE];
	u32 i, j;

	at = sprintf(t, "default deny\n");
	for (i = 0; i < n; i++) {
		switch (kind) {
		case EXACT:
			at += sprintf(t + at, "allow name=mod_%06u\n", i);
			break;
		case HASH:
			digest_of(i, d);
			at += sprintf(t + at, "allow sha256=");
			for (j = 0; j < LOADPOL_DIGEST_SIZE; j++)
				at += sprintf(t + at, "%02x", d[j]);
			at += sprintf(t + at, "\n");
			break;
		case GLOB:
			at += sprintf(t + at, "allow name=mod_%06u_*\n", i);
			break;
		case GLOB_SUFFIX:
			at += sprintf(t + at, "allow name=mod_%06u_*_x\n", i);
			break;
		case GLOB_CLASS:
			at += sprintf(t + at, "allow name=mod_%06u_[abx]*\n", i);
			break;
		case REQUESTER:
			if (i & 1)
				at += sprintf(t + at, "allow request=req_%06u %s\n", i,
					      "userns=nested privileged=no uid=1000-1999");
			else
				at += sprintf(t + at, "deny request=req_%06u privileged=no\n", i);
			break;
		}
	}
	*len = at;
	return t;
}

/* Decisions add up here, printed at the end: they cannot be optimised away. */
static long bench_sink;

/* ns per decision over the events, repeated for at least 10 ms. */
static double time_decisions(const struct loadpol_policy *p,
			     const struct loadpol_event *ev, u32 nev, bool linear)
{
	struct loadpol_decision d;
	long sink = 0;
	double t0 = now_ns(), t;
	u64 runs = 0;
	u32 i;

	do {
		for (i = 0; i < nev; i++) {
			if (linear)
				loadpol_decide_linear(p, &ev[i], &d);
			else
				loadpol_decide(p, &ev[i], &d);
			sink += d.rule;
		}
		runs += nev;
		t = now_ns() - t0;
	} while (t < 1e7);
	bench_sink += sink;
	return t / runs;
}

enum { NSIZES = 4, NEV = 64, ROUNDS = 5 };
static const u32 sizes[NSIZES] = { 10, 1000, 10000, 100000 };

struct setup {
	struct loadpol_policy *policy;
	struct loadpol_event ev[NEV];
	char names[NEV][32];
	u8 digests[NEV][LOADPOL_DIGEST_SIZE];
	double parse_ms, bytes, fast, slow;
};

static int prepare(struct setup *st, enum kind k, u32 n)
{
	struct loadpol_parse_error error;
	struct mallinfo2 m0, m1;
	size_t len;
	char *text = make_policy(k, n, &len);
	double t0;
	int i;

	m0 = mallinfo2();
	t0 = now_ns();
	if (loadpol_policy_parse(text, len, &st->policy, &error)) {
		fprintf(stderr, "line %u: %s\n", error.line, error.msg);
		return -1;
	}
	st->parse_ms = (now_ns() - t0) / 1e6;
	m1 = mallinfo2();
	/* Held in the heap and in mmap()ed chunks (the large arrays). */
	st->bytes = ((double)m1.uordblks + m1.hblkhd - m0.uordblks - m0.hblkhd) / n;
	free(text);
	/* Events hit rules spread over the policy; the last one misses. */
	for (i = 0; i < NEV; i++) {
		u32 r = i == NEV - 1 ? n + 7 : (u32)((u64)n * i / NEV);

		memset(&st->ev[i], 0, sizeof(st->ev[i]));
		if (k == REQUESTER) {
			snprintf(st->names[i], sizeof(st->names[i]), "req_%06u", r);
			st->ev[i].kind = LOADPOL_EV_REQUEST;
			st->ev[i].request = st->names[i];
			st->ev[i].uid = 1500;
			st->ev[i].userns_nested = true;
			st->ev[i].unprivileged = true;
			continue;
		}
		st->ev[i].kind = LOADPOL_EV_LOAD;
		snprintf(st->names[i], sizeof(st->names[i]),
			 k == GLOB || k == GLOB_CLASS ? "mod_%06u_x" :
			 k == GLOB_SUFFIX ? "mod_%06u_y_x" : "mod_%06u", r);
		st->ev[i].name = st->names[i];
		digest_of(r, st->digests[i]);
		st->ev[i].sha256 = st->digests[i];
	}
	st->fast = 1e30;
	st->slow = 1e30;
	return 0;
}

int main(void)
{
	static struct setup st[NSIZES];
	int k, s, round;

	printf("%-11s %7s %12s %12s %9s %9s %10s %8s\n", "policy", "rules",
	       "indexed ns", "linear ns", "speedup", "vs 10", "parse ms", "B/rule");
	for (k = EXACT; k <= REQUESTER; k++) {
		for (s = 0; s < NSIZES; s++)
			if (prepare(&st[s], k, sizes[s]))
				return 1;
		/*
		 * Rounds over every size and both matchers, keeping each one's
		 * best: noise from the rest of the machine hits them all alike
		 * and the minimum is what the code itself costs.
		 */
		for (round = 0; round < ROUNDS; round++) {
			for (s = 0; s < NSIZES; s++) {
				double f = time_decisions(st[s].policy, st[s].ev, NEV, false);
				double l = time_decisions(st[s].policy, st[s].ev, NEV, true);

				st[s].fast = f < st[s].fast ? f : st[s].fast;
				st[s].slow = l < st[s].slow ? l : st[s].slow;
			}
		}
		for (s = 0; s < NSIZES; s++) {
			printf("%-11s %7u %12.1f %12.1f %8.0fx %8.2fx %10.3f %8.0f\n",
			       kind_names[k], sizes[s], st[s].fast, st[s].slow,
			       st[s].slow / st[s].fast, st[s].fast / st[0].fast,
			       st[s].parse_ms, st[s].bytes);
			loadpol_policy_free(st[s].policy);
		}
	}
	printf("\nindexed: loadpol_decide(); linear: loadpol_decide_linear(), the reference\n"
	       "first-match scan; ns per decision, best of %d rounds over %d events\n"
	       "(one a miss); vs 10: indexed time over the 10-rule policy's; parse ms:\n"
	       "parse + validate + index; B/rule: heap bytes held by\n"
	       "the compiled policy, per rule.\n", ROUNDS, NEV);
	printf("(decision checksum %ld)\n", bench_sink);
	return 0;
}
