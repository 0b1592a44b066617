// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: a syscall-level fuzz loop.  For LOADPOL_FUZZ_SECONDS
 * (default 20), mutated policies (bytes flipped, inserted and deleted,
 * tokens of the language spliced in, lines duplicated and cut) are written
 * to the real policy file in chunks of a random size while another thread loads and
 * unloads modules.  The userspace build of the same engine is the oracle:
 * the kernel must accept exactly what it accepts, with the same errno, read
 * back exactly its canonical text, and keep the old policy on a refusal.
 * The seed is printed; LOADPOL_FUZZ_SEED replays a run.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <pthread.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "common.h"
#include "policy.h"

#define MAX_TEXT 4096

static const char *const seeds[] = {
	"mode enforce\ndefault deny\ndeny name=evil_*\nallow name=ext4\n"
	"allow name=nf_* origin=kernel\naudit name=vboxdrv\nallow request=fs-*\n"
	"deny request=net-pf-*\nallow signed=yes origin=kernel\n",
	"default allow\ndeny name=loadpol_test_fs\n# comment\n\n",
	"allow sha256=5f1c0000000000000000000000000000000000000000000000000000000000e2\n"
	"allow path=/lib/modules/*/kernel/[a-m]*.ko\nmode permissive\n",
	"deny name=loadpol-test-? signed=no\naudit\r\ndefault audit\n",
};

static const char *const tokens[] = {
	"allow ", "deny ", "audit ", "mode ", "default ", "enforce", "permissive",
	"name=", "sha256=", "signed=", "origin=", "path=", "request=", "yes", "no",
	"kernel", "user", "*", "?", "[!", "]", "[a-z]", "-", "_", "#", "\n", "\r\n",
	" ", "\t", "=", "\xc3\xa9", "\xff", "\0", "0123456789abcdef",
};

static unsigned long long rng;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

/* Mutate @t (length *@len) in place, a few times over. */
static void mutate(char *t, size_t *len)
{
	int rounds = 1 + rnd(6);

	while (rounds--) {
		size_t n = *len, at = rnd(n + 1), k;
		const char *tok;

		switch (rnd(6)) {
		case 0:		/* flip a byte */
			if (n)
				t[rnd(n)] ^= 1 << rnd(8);
			break;
		case 1:		/* delete a run */
			k = rnd(8) + 1;
			if (at + k <= n) {
				memmove(t + at, t + at + k, n - at - k);
				*len -= k;
			}
			break;
		case 2:		/* splice in a token */
			tok = tokens[rnd(ARRAY_SIZE(tokens))];
			k = tok[0] ? strlen(tok) : 1;
			if (n + k < MAX_TEXT) {
				memmove(t + at + k, t + at, n - at);
				memcpy(t + at, tok, k);
				*len += k;
			}
			break;
		case 3:		/* duplicate a run */
			k = rnd(40) + 1;
			if (at + k <= n && n + k < MAX_TEXT) {
				memmove(t + at + k, t + at, n - at);
				*len += k;
			}
			break;
		case 4:		/* cut the end */
			*len = at;
			break;
		default:	/* a random byte */
			if (n + 1 < MAX_TEXT) {
				memmove(t + at + 1, t + at, n - at);
				t[at] = rnd(256);
				*len += 1;
			}
			break;
		}
	}
}

static bool stop;

static void *loads(void *arg)
{
	while (!FLAG_GET(stop)) {
		load_file("loadpol_test_a.ko", "", 0);
		unload("loadpol_test_a");
		load_file(compressed_module(), "", MODULE_INIT_COMPRESSED_FILE);
		unload("loadpol_test_b");
	}
	return NULL;
}

FIXTURE(fuzz) {};
FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz)
{
	policy_write("default allow\n");
}

TEST_F_TIMEOUT(fuzz, kernel_agrees_with_the_engine, 600)
{
	const char *env = getenv("LOADPOL_FUZZ_SECONDS");
	const char *seed_env = getenv("LOADPOL_FUZZ_SEED");
	double seconds = env ? atof(env) : 20;
	unsigned long runs = 0, accepted = 0, wrong = 0;
	static char text[MAX_TEXT], live[MAX_TEXT * 4], back[MAX_TEXT * 4];
	struct timespec t0, t;
	pthread_t thread;

	rng = seed_env ? strtoull(seed_env, NULL, 0) :
		(unsigned long long)time(NULL) * 2654435761ULL;
	if (!rng)
		rng = 1;
	TH_LOG("seed %llu (replay with LOADPOL_FUZZ_SEED=%llu)", rng, rng);
	ASSERT_EQ(0, policy_write(seeds[0]));
	ASSERT_LT(0, policy_read(live, sizeof(live)));
	ASSERT_EQ(0, pthread_create(&thread, NULL, loads, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct loadpol_parse_error error;
		struct loadpol_policy *p = NULL;
		const char *seed = seeds[rnd(ARRAY_SIZE(seeds))];
		size_t len = strlen(seed), clen;
		char *canonical = NULL;
		int want, got;

		memcpy(text, seed, len);
		mutate(text, &len);
		want = loadpol_policy_parse(text, len, &p, &error);
		got = policy_write_len(text, len, 1 + rnd(len));
		if (policy_read(back, sizeof(back)) < 0)
			wrong++;
		if (!got && !want)
			canonical = loadpol_policy_text(p, &clen);
		if (got != want) {
			wrong++;
			TH_LOG("run %lu: kernel %d, engine %d (line %u: %s) on %zu bytes",
			       runs, got, want, error.line, error.msg, len);
		} else if (!got && (!canonical || strcmp(back, canonical))) {
			wrong++;
			TH_LOG("run %lu: read back differs from the engine's canonical text", runs);
		} else if (got && strcmp(back, live)) {
			wrong++;
			TH_LOG("run %lu: a refused policy changed the live one", runs);
		}
		if (!got) {
			accepted++;
			snprintf(live, sizeof(live), "%s", back);
		}
		free(canonical);
		loadpol_policy_free(p);
		runs++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < seconds && wrong < 10);
	FLAG_SET(stop);
	pthread_join(thread, NULL);
	TH_LOG("%lu mutated policies written, %lu accepted, %lu disagreements",
	       runs, accepted, wrong);
	EXPECT_EQ(0, wrong);
	EXPECT_LT(0, accepted);
	EXPECT_LT(accepted, runs);
}

TEST_HARNESS_MAIN
