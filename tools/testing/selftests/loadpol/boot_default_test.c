// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: what happens before any policy is written
 *
 * With loadpol.default=allow (the default) every load and every module
 * request goes ahead; with loadpol.default=deny every one is refused with
 * EPERM; with loadpol.default=audit every one goes ahead and is recorded
 * (what a learning boot needs from the initramfs's first loads on).  The
 * harness boots the kernel each way and runs this test in each; the test
 * reads the setting from /sys/module/loadpol/parameters/default.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define _GNU_SOURCE
#include <sys/mount.h>

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"

#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"
#define MODPROBE_LOG "/tmp/loadpol-modprobe.log"
#define MODPROBE_WRAPPER "/tmp/loadpol-modprobe"
#define MOUNT_POINT "/tmp/loadpol-mnt"
#define WAIT_MS 1000

TEST(lsm_is_listed)
{
	char lsms[512], *tok, *save;
	bool found = false;

	ASSERT_EQ(0, read_text("/sys/kernel/security/lsm", lsms, sizeof(lsms)));
	for (tok = strtok_r(lsms, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		found |= !strcmp(tok, "loadpol");
	EXPECT_TRUE(found) TH_LOG("loadpol missing from the LSM list");
}

FIXTURE(boot_default) {
	bool deny;
	int audit;		/* the audit socket with loadpol.default=audit */
	char modprobe[256];
};

FIXTURE_SETUP(boot_default)
{
	char value[32];

	ASSERT_EQ(0, read_text("/sys/module/loadpol/parameters/default",
			       value, sizeof(value)));
	ASSERT_TRUE(!strcmp(value, "allow") || !strcmp(value, "deny") ||
		    !strcmp(value, "audit"))
		TH_LOG("unexpected loadpol.default: %s", value);
	self->deny = !strcmp(value, "deny");
	self->audit = -1;
	if (!strcmp(value, "audit")) {
		self->audit = audit_open();
		ASSERT_LE(0, self->audit)
			TH_LOG("cannot become the audit daemon: %s",
			       strerror(-self->audit));
	}
	ASSERT_EQ(0, read_text(MODPROBE_SYSCTL, self->modprobe,
			       sizeof(self->modprobe)));
	TH_LOG("loadpol.default=%s", value);
}

FIXTURE_TEARDOWN(boot_default)
{
	umount(MOUNT_POINT);
	unload("loadpol_test_a");
	unload("loadpol_test_b");
	unload("loadpol_test_fs");
	write_text(MODPROBE_SYSCTL, self->modprobe);
	if (self->audit >= 0)
		close(self->audit);
}

/*
 * With loadpol.default=audit, the decision record of an event that went
 * ahead: what a learning boot's policy is generated from.
 */
#define EXPECT_AUDITED(...) do {					\
	const char *const _n[] = { __VA_ARGS__,				\
		"lp_action=audit res=1", "lp_rule=default", NULL };	\
	char _rec[AUDIT_TEXT_MAX];					\
									\
	if (self->audit >= 0)						\
		EXPECT_EQ(0, audit_find(self->audit, 1460, _rec,	\
					sizeof(_rec), WAIT_MS, _n))	\
			TH_LOG("no allowed and recorded event with %s", _n[0]); \
} while (0)

/* Check a load's outcome, and unload the module if it loaded. */
static void check_load(struct __test_metadata *_metadata, bool deny, int ret,
		       const char *name)
{
	if (deny) {
		EXPECT_EQ(-EPERM, ret);
		EXPECT_FALSE(module_loaded(name));
	} else {
		EXPECT_EQ(0, ret);
		EXPECT_TRUE(module_loaded(name));
		EXPECT_EQ(0, unload(name));
		EXPECT_FALSE(module_loaded(name));
	}
}

TEST_F(boot_default, finit_module)
{
	ASSERT_FALSE(module_loaded("loadpol_test_a"));
	check_load(_metadata, self->deny, load_file("loadpol_test_a.ko", "", 0),
		   "loadpol_test_a");
	EXPECT_AUDITED("op=load name=\"loadpol_test_a\"");
}

TEST_F(boot_default, init_module)
{
	ASSERT_FALSE(module_loaded("loadpol_test_a"));
	check_load(_metadata, self->deny, load_image("loadpol_test_a.ko", ""),
		   "loadpol_test_a");
}

TEST_F(boot_default, finit_module_compressed)
{
	ASSERT_FALSE(module_loaded("loadpol_test_b"));
	check_load(_metadata, self->deny,
		   load_file(compressed_module(), "tag=7",
			     MODULE_INIT_COMPRESSED_FILE),
		   "loadpol_test_b");
	EXPECT_AUDITED("op=load name=\"loadpol_test_b\"");
}

/*
 * Mounting a filesystem type the kernel does not know makes it call
 * request_module("fs-loadpoltestfs"), which runs the modprobe named in
 * /proc/sys/kernel/modprobe: here a wrapper that logs, then busybox modprobe,
 * which finds the alias of loadpol_test_fs.  A denied request must not even
 * start modprobe.
 */
TEST_F(boot_default, request_module_by_mount)
{
	char log[256] = "";
	int ret, fd;

	ASSERT_FALSE(module_loaded("loadpol_test_fs"));
	unlink(MODPROBE_LOG);
	fd = open(MODPROBE_WRAPPER, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, dprintf(fd, "#!/bin/sh\necho \"$*\" >>%s\nexec /sbin/modprobe \"$@\"\n",
			     MODPROBE_LOG));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, MODPROBE_WRAPPER));
	mkdir(MOUNT_POINT, 0755);

	ret = mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL);
	if (self->deny) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(ENODEV, errno);
		EXPECT_EQ(-ENOENT, read_text(MODPROBE_LOG, log, sizeof(log)))
			TH_LOG("modprobe ran for a denied request: %s", log);
		EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	} else {
		EXPECT_EQ(0, ret) TH_LOG("mount: %s", strerror(errno));
		ASSERT_EQ(0, read_text(MODPROBE_LOG, log, sizeof(log)));
		EXPECT_NE(NULL, strstr(log, "fs-loadpoltestfs")) TH_LOG("log: %s", log);
		EXPECT_TRUE(module_loaded("loadpol_test_fs"));
		EXPECT_AUDITED("op=request", "request=\"fs-loadpoltestfs\"");
		/* origin=user: the wrapper's exec of modprobe ends the mark. */
		EXPECT_AUDITED("op=load name=\"loadpol_test_fs\"");
	}
}

TEST_HARNESS_MAIN
