// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: an unprivileged loop of denied module requests does not
 * flood the audit log.
 *
 * A user (nobody) asks for three socket families the kernel does not have,
 * 100,000 times in all, under "deny request=net-pf-*": each family's first
 * denial is recorded, the rest are counted (lp_repeats=), and the records
 * add up to exactly the requests made.  A user asking for endless distinct
 * modules (filesystem types, in a user namespace of its own) is recorded up
 * to a budget per window, then counted (op=rate_limit lp_dropped=).  The
 * loop's rate is printed, and must be within 2x of the same loop when the
 * kernel makes no module request at all (an empty kernel.modprobe): the
 * best of three rounds each, alternating.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"

#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"
#define REQUESTS 100002
/* Rates are the best of ROUNDS loops of REQUESTS / ROUNDS, alternating. */
#define ROUNDS 3
/* Socket families this kernel does not have: AppleTalk, X.25, ROSE. */
static const int families[] = { 5, 9, 11 };
#define NR_FAMILIES ARRAY_SIZE(families)
/* A window of counting, and some. */
#define SUMMARY_MS 8000

/* As nobody, @n socket(2) calls over the families; returns calls/s or -1. */
static double request_loop(int n)
{
	int pipefd[2], status;
	double rate = -1;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct timespec t0, t1;
		double r;
		int i;

		if (become(AS_NOBODY))
			_exit(1);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++)
			if (socket(families[i % NR_FAMILIES], SOCK_DGRAM, 0) >= 0)
				_exit(2);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		r = n / ((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
		_exit(write(pipefd[1], &r, sizeof(r)) == sizeof(r) ? 0 : 3);
	}
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    !WEXITSTATUS(status) && read(pipefd[0], &rate, sizeof(rate)) != sizeof(rate))
		rate = -1;
	close(pipefd[0]);
	return rate;
}

FIXTURE(flood) {
	int unused;
};

FIXTURE_SETUP(flood)
{
	policy_write("default allow\n");
}

FIXTURE_TEARDOWN(flood)
{
	policy_write("default allow\n");
}

TEST_F_TIMEOUT(flood, an_unprivileged_request_loop_is_counted_not_recorded, 300)
{
	const char *const needles[] = { "op=request request=\"net-pf-", NULL };
	long total = 0, repeats[NR_FAMILIES] = {};
	int records[NR_FAMILIES] = {}, all = 0, audit;
	char modprobe[256], buf[AUDIT_TEXT_MAX];
	double floor_rate, rate;
	unsigned int f;

	ASSERT_EQ(0, read_text(MODPROBE_SYSCTL, modprobe, sizeof(modprobe)));
	audit = audit_open();
	ASSERT_LE(0, audit);
	ASSERT_EQ(0, policy_write("default allow\ndeny request=net-pf-*\n"));
	floor_rate = 0;
	rate = 0;
	for (f = 0; f < ROUNDS; f++) {
		double r;

		/* The floor: no module request at all. */
		ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, "\n"));
		r = request_loop(REQUESTS / ROUNDS);
		ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, modprobe));
		ASSERT_LT(0, r);
		floor_rate = r > floor_rate ? r : floor_rate;
		r = request_loop(REQUESTS / ROUNDS);
		ASSERT_LT(0, r);
		rate = r > rate ? r : rate;
	}
	TH_LOG("%d denied requests by nobody: %.0f/s; %.0f/s with no module request at all (%.2fx)",
	       REQUESTS, rate, floor_rate, floor_rate / rate);
	/* Records and counts, until none came for a window and some. */
	while (!audit_find(audit, AUDIT_LOADPOL_DECISION, buf, sizeof(buf),
			   SUMMARY_MS, needles)) {
		const char *r = strstr(buf, " lp_repeats=");
		int family = atoi(strstr(buf, "net-pf-") + 7);

		for (f = 0; f < NR_FAMILIES && families[f] != family; f++)
			;
		ASSERT_GT(NR_FAMILIES, f) TH_LOG("a record of another request: %s", buf);
		if (r) {
			repeats[f] += strtol(r + 12, NULL, 10);
		} else {
			records[f]++;
			all++;
		}
	}
	for (f = 0; f < NR_FAMILIES; f++) {
		TH_LOG("net-pf-%d: %d records, %ld repeats counted", families[f],
		       records[f], repeats[f]);
		EXPECT_LE(1, records[f]);
		total += records[f] + repeats[f];
	}
	TH_LOG("%d records in all for %ld requests", all, total);
	EXPECT_EQ(REQUESTS, total);
	EXPECT_GE(30, all);
	EXPECT_GE(2.0, floor_rate / rate);
	close(audit);
	policy_write("default allow\n");
}

/* As nobody in a user namespace of its own, mount n unknown types. */
static int distinct_requests(int n)
{
	int status, i;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		if (become(AS_NOBODY) || unshare(CLONE_NEWUSER | CLONE_NEWNS))
			_exit(1);
		for (i = 0; i < n; i++) {
			char type[32];

			snprintf(type, sizeof(type), "lpflood%d", i);
			mount("none", "/tmp", type, 0, NULL);
		}
		_exit(0);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ?
	       -WEXITSTATUS(status) : -ECHILD;
}

TEST_F_TIMEOUT(flood, endless_distinct_requests_of_a_user_stay_within_a_budget, 300)
{
	const char *const dropped[] = { "op=rate_limit lp_dropped=", NULL };
	const char *const any[] = { "request=\"fs-lpflood", NULL };
	char buf[AUDIT_TEXT_MAX];
	int audit, records = 0;
	long lost = 0;

	audit = audit_open();
	ASSERT_LE(0, audit);
	ASSERT_EQ(0, policy_write("default allow\ndeny request=fs-lpflood*\n"));
	ASSERT_EQ(0, distinct_requests(1000));
	while (!audit_find(audit, AUDIT_LOADPOL_DECISION, buf, sizeof(buf), 500, any))
		records++;
	EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_DECISION, buf, sizeof(buf),
				SUMMARY_MS, dropped));
	if (strstr(buf, "lp_dropped="))
		lost = strtol(strstr(buf, "lp_dropped=") + 11, NULL, 10);
	TH_LOG("1000 distinct requests by nobody: %d recorded, %ld counted as dropped",
	       records, lost);
	EXPECT_GE(100, records);
	EXPECT_LE(1, records);
	EXPECT_EQ(1000, records + lost);
	close(audit);
	policy_write("default allow\n");
}

TEST_HARNESS_MAIN
