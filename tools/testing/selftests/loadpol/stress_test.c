// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: stress.  For LOADPOL_STRESS_SECONDS (default 10; the
 * debug kernel's run uses 60), at once: module loads and unloads (allowed
 * and denied, plain and compressed, finit_module and init_module), autoload
 * requests through mount -t, policy swaps (good ones in chunks, and bad
 * ones), policy reads, and, for the last fifth, the lock.  Every decision
 * must stay right throughout.  Meant for the debug kernel (KASAN, lockdep,
 * kmemleak), whose log the harness then searches for splats and leaks.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <pthread.h>
#include <sys/mount.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "common.h"

#define MOUNT_POINT "/tmp/loadpol-stress-mnt"
#define FS_COPY "/tmp/loadpol-stress-fs.ko"

/* Both policies allow a, b and the autoload of fs, and deny fs from users. */
static const char *const policies[] = {
	"default deny\nallow name=loadpol_test_a\nallow name=loadpol_test_b\n"
	"allow request=fs-loadpoltestfs\nallow name=loadpol_test_fs origin=kernel\n",
	"mode enforce\ndefault allow\ndeny name=loadpol_test_fs origin=user\n"
	"deny request=net-pf-*\n",
	"default allow\nthis is not a policy\n",
};

enum { WRONG_LOAD, WRONG_DENY, WRONG_REQUEST, WRONG_WRITE, WRONG_READ, NR_WRONG };
static const char *const wrong_names[] = {
	"allowed load failed", "denied load passed", "autoload failed",
	"write failed", "bad read",
};

struct stress {
	bool stop, lock;
	unsigned long loads, requests, swaps, refused, reads, bad;
	unsigned long wrong[NR_WRONG];
	int first_err[NR_WRONG];
	double seconds;
};

static void wrong(struct stress *s, int what, int err)
{
	if (!__atomic_fetch_add(&s->wrong[what], 1, __ATOMIC_RELAXED))
		s->first_err[what] = err;
	__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Two loaders load and unload the same modules: the loader's own EEXIST
 * (loaded) and EBUSY (being loaded or unloaded by the other) are fine.
 */
static bool loader_race(int err)
{
	return !err || err == -EEXIST || err == -EBUSY;
}

static void *loader(void *arg)
{
	struct stress *s = arg;
	unsigned long i;

	for (i = 0; !FLAG_GET(s->stop); i++) {
		int err = i & 1 ? load_image("loadpol_test_a.ko", "") :
				  load_file("loadpol_test_a.ko", "", 0);

		if (!loader_race(err))
			wrong(s, WRONG_LOAD, err);
		unload("loadpol_test_a");
		err = load_file(compressed_module(), "", MODULE_INIT_COMPRESSED_FILE);
		if (!loader_race(err))
			wrong(s, WRONG_LOAD, err);
		unload("loadpol_test_b");
		/*
		 * fs by a user: denied by both policies.  From a copy: a
		 * finit_module(2) of the very file modprobe is loading would
		 * just wait for, and return, modprobe's result.
		 */
		err = load_path(FS_COPY, "", 0);
		if (err != -EPERM)
			wrong(s, WRONG_DENY, err);
		__atomic_add_fetch(&s->loads, 3, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *requester(void *arg)
{
	struct stress *s = arg;

	while (!FLAG_GET(s->stop)) {
		/* The kernel's modprobe may load fs under both policies. */
		if (mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL))
			wrong(s, WRONG_REQUEST, -errno);
		else
			umount(MOUNT_POINT);
		unload("loadpol_test_fs");
		__atomic_add_fetch(&s->requests, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *swapper(void *arg)
{
	struct stress *s = arg;
	unsigned long i;

	for (i = 0; !FLAG_GET(s->stop); i++) {
		int err = policy_write_chunked(policies[i % 3], 1 + i % 17);

		if (!err)
			s->swaps++;
		else if (err == -EINVAL || err == -EPERM)
			s->refused++;
		else
			wrong(s, WRONG_WRITE, err);
		if (FLAG_GET(s->lock) && i % 3 == 0)
			write_text("/proc/sys/kernel/loadpol/locked", "1");
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct stress *s = arg;
	char buf[512];

	while (!FLAG_GET(s->stop)) {
		ssize_t n = policy_read(buf, sizeof(buf));

		/* Always one whole canonical policy. */
		if (n <= 0 || strncmp(buf, "mode enforce\ndefault ", 21) ||
		    buf[n - 1] != '\n')
			wrong(s, WRONG_READ, n < 0 ? n : 0);
		__atomic_add_fetch(&s->reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *(*const fns[])(void *) = {
	loader, loader, requester, swapper, reader, reader,
};

FIXTURE(stress) {};
FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

TEST_F_TIMEOUT(stress, everything_at_once, 900)
{
	const char *env = getenv("LOADPOL_STRESS_SECONDS");
	double seconds = env ? atof(env) : 10, t0;
	pthread_t threads[ARRAY_SIZE(fns)];
	struct stress s = {};
	size_t i;

	mkdir(MOUNT_POINT, 0755);
	ASSERT_EQ(0, run_cmd("cp /lib/modules/$(uname -r)/extra/loadpol_test_fs.ko " FS_COPY));
	ASSERT_EQ(0, policy_write(policies[0]));
	t0 = now();
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, fns[i], &s));
	while (now() - t0 < seconds) {
		usleep(100000);
		if (now() - t0 > seconds * 0.8)
			FLAG_SET(s.lock);
	}
	FLAG_SET(s.stop);
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		pthread_join(threads[i], NULL);
	s.seconds = now() - t0;
	printf("# stress: %.0f s: %.1f loads/s, %.1f requests/s,", s.seconds,
	       s.loads / s.seconds, s.requests / s.seconds);
	printf(" %.1f swaps/s, %.1f refused writes/s,", s.swaps / s.seconds,
	       s.refused / s.seconds);
	printf(" %.1f reads/s, %lu wrong\n", s.reads / s.seconds, s.bad);
	for (i = 0; i < NR_WRONG; i++)
		if (s.wrong[i])
			TH_LOG("%s: %lu times, first with errno %d", wrong_names[i],
			       s.wrong[i], -s.first_err[i]);
	EXPECT_EQ(0, s.bad);
	EXPECT_LT(0, s.swaps);
	EXPECT_LT(0, s.requests);
}

TEST_HARNESS_MAIN
