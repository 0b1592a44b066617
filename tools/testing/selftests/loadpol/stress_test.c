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

struct stress {
	volatile bool stop, lock;
	unsigned long loads, requests, swaps, refused, reads, bad;
	double seconds;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void *loader(void *arg)
{
	struct stress *s = arg;
	unsigned long i;

	for (i = 0; !s->stop; i++) {
		int err = i & 1 ? load_image("loadpol_test_a.ko", "") :
				  load_file("loadpol_test_a.ko", "", 0);

		if (err && err != -EEXIST)
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
		unload("loadpol_test_a");
		err = load_file(compressed_module(), "", MODULE_INIT_COMPRESSED_FILE);
		if (err && err != -EEXIST)
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
		unload("loadpol_test_b");
		/*
		 * fs by a user: denied by both policies.  From a copy: a
		 * finit_module(2) of the very file modprobe is loading would
		 * just wait for, and return, modprobe's result.
		 */
		if (load_path(FS_COPY, "", 0) != -EPERM)
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&s->loads, 3, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *requester(void *arg)
{
	struct stress *s = arg;

	while (!s->stop) {
		/* The kernel's modprobe may load fs under both policies. */
		if (mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL))
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
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

	for (i = 0; !s->stop; i++) {
		int err = policy_write_chunked(policies[i % 3], 1 + i % 17);

		if (!err)
			s->swaps++;
		else if (err == -EINVAL || err == -EPERM)
			s->refused++;
		else
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
		if (s->lock && i % 3 == 0)
			write_text("/proc/sys/kernel/loadpol/locked", "1");
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct stress *s = arg;
	char buf[512];

	while (!s->stop) {
		ssize_t n = policy_read(buf, sizeof(buf));

		/* Always one whole canonical policy. */
		if (n <= 0 || strncmp(buf, "mode enforce\ndefault ", 21) ||
		    buf[n - 1] != '\n')
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&s->reads, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

FIXTURE(stress) {};
FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

TEST_F_TIMEOUT(stress, everything_at_once, 900)
{
	const char *env = getenv("LOADPOL_STRESS_SECONDS");
	double seconds = env ? atof(env) : 10, t0;
	void *(*const fns[])(void *) = { loader, loader, requester, swapper,
					 reader, reader };
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
			s.lock = true;
	}
	s.stop = true;
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		pthread_join(threads[i], NULL);
	s.seconds = now() - t0;
	printf("# stress: %.0f s: %.1f loads/s, %.1f requests/s, %.1f swaps/s, %.1f refused writes/s, %.1f reads/s, %lu wrong\n",
	       s.seconds, s.loads / s.seconds, s.requests / s.seconds,
	       s.swaps / s.seconds, s.refused / s.seconds, s.reads / s.seconds,
	       s.bad);
	EXPECT_EQ(0, s.bad);
	EXPECT_LT(0, s.swaps);
	EXPECT_LT(0, s.requests);
}

TEST_HARNESS_MAIN
