// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: the bypass matrix.  Every way of getting a module into
 * the kernel that loadpol's policy forbids is tried; each must fail with
 * EPERM, leave the module absent from /proc/modules and write a decision
 * record naming the module by its real name.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"

#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"
#define WRAPPER "/tmp/loadpol-bypass-modprobe"
#define MOUNT_POINT "/tmp/loadpol-bypass-mnt"
#define WAIT_MS 500
/* request_module_nowait() returns before modprobe has run. */
#define NOWAIT_MS 5000

FIXTURE(bypass) {
	int audit;
	char modprobe[256];
	char record[AUDIT_TEXT_MAX];
};

FIXTURE_SETUP(bypass)
{
	self->audit = audit_open();
	ASSERT_LE(0, self->audit) TH_LOG("cannot become the audit daemon: %s",
					 strerror(-self->audit));
	ASSERT_EQ(0, read_text(MODPROBE_SYSCTL, self->modprobe,
			       sizeof(self->modprobe)));
	mkdir(MOUNT_POINT, 0755);
	/* No module of a test left over from another. */
	unload("loadpol_test_fs");
	ASSERT_FALSE(module_loaded("loadpol_test_fs"));
}

FIXTURE_TEARDOWN(bypass)
{
	umount(MOUNT_POINT);
	unload("loadpol_test_a");
	unload("loadpol_test_b");
	unload("loadpol_test_fs");
	unload("loadpol_test_req");
	write_text(MODPROBE_SYSCTL, self->modprobe);
	policy_write("default allow\n");
	close(self->audit);
}

/* The next decision record holding all of the strings given. */
#define EXPECT_DENIED(ms, ...) do {					\
	const char *const _n[] = { __VA_ARGS__, " lp_action=deny ", NULL };	\
	EXPECT_EQ(0, audit_find(self->audit, AUDIT_LOADPOL_DECISION,	\
				self->record, sizeof(self->record), ms, _n)) \
		TH_LOG("no denial record with %s ...", _n[0]);		\
} while (0)

TEST_F(bypass, init_module_from_memory)
{
	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_a\n"));
	EXPECT_EQ(-EPERM, load_image("loadpol_test_a.ko", ""));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\" signed=no origin=user ");
	EXPECT_EQ(NULL, strstr(self->record, "path="));
}

TEST_F(bypass, finit_module_from_file)
{
	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_a\n"));
	EXPECT_EQ(-EPERM, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"", " path=\"/lib/modules/");
}

TEST_F(bypass, finit_module_from_memfd)
{
	char path[512], buf[4096];
	int in, fd;
	ssize_t n;

	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_a\n"));
	test_module_path(path, sizeof(path), "loadpol_test_a.ko");
	in = open(path, O_RDONLY | O_CLOEXEC);
	fd = memfd_create("innocent.ko", MFD_CLOEXEC);
	ASSERT_LE(0, in);
	ASSERT_LE(0, fd);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ASSERT_EQ(n, write(fd, buf, n));
	close(in);
	EXPECT_EQ(-1, syscall(__NR_finit_module, fd, "", 0));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	/* "/memfd:innocent.ko (deleted)": hex-encoded, for its space. */
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"",
		      " path=2F6D656D66643A696E6E6F63656E742E6B6F202864656C6574656429 ");
}

TEST_F(bypass, compressed_file_is_matched_by_its_real_name)
{
	const char *file = compressed_module();
	char path[512], copy[] = "/tmp/loadpol-bypass-innocent.ko.zz";

	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_b\n"));
	EXPECT_EQ(-EPERM, load_file(file, "", MODULE_INIT_COMPRESSED_FILE));
	EXPECT_FALSE(module_loaded("loadpol_test_b"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_b\"", file);
	/* Under another file name, the name inside still decides. */
	test_module_path(path, sizeof(path), file);
	ASSERT_EQ(0, run_cmd("cp '%s' %s", path, copy));
	EXPECT_EQ(-EPERM, load_path(copy, "", MODULE_INIT_COMPRESSED_FILE));
	EXPECT_FALSE(module_loaded("loadpol_test_b"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_b\"", copy);
	unlink(copy);
}

TEST_F(bypass, other_file_name_and_path)
{
	const char *copy = "/tmp/loadpol-bypass/loadpol_test_fs.ko";
	char path[512];

	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_a\n"
				  "allow name=loadpol_test_fs\n"));
	test_module_path(path, sizeof(path), "loadpol_test_a.ko");
	mkdir("/tmp/loadpol-bypass", 0755);
	ASSERT_EQ(0, run_cmd("cp '%s' %s", path, copy));
	EXPECT_EQ(-EPERM, load_path(copy, "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"", copy);
	unlink(copy);
}

TEST_F(bypass, impostor_fails_the_sha256_pin)
{
	char real[65], fake[65], policy[256];
	const char *impostor = FIXTURES "/impostor/loadpol_test_a.ko";

	ASSERT_EQ(0, module_sha256("loadpol_test_a.ko", real));
	ASSERT_EQ(0, file_sha256(impostor, fake));
	ASSERT_STRNE(real, fake);
	snprintf(policy, sizeof(policy), "default deny\n"
		 "allow name=loadpol_test_a sha256=%s\n", real);
	ASSERT_EQ(0, policy_write(policy));
	EXPECT_EQ(-EPERM, load_path(impostor, "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\" sha256=", fake,
		      " lp_rule=default ");
	/* The real one passes the same pin. */
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	ASSERT_EQ(0, unload("loadpol_test_a"));
	/*
	 * What the threat model warns of: a name alone lets the impostor in.
	 */
	ASSERT_EQ(0, policy_write("default deny\nallow name=loadpol_test_a\n"));
	EXPECT_EQ(0, load_path(impostor, "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
}

TEST_F(bypass, signed_yes_refuses_unsigned_and_passes_signed)
{
	const char *sig = FIXTURES "/signed/loadpol_test_a.ko";
	char digest[65], policy[256];

	ASSERT_EQ(0, policy_write("default deny\nallow signed=yes\n"));
	EXPECT_EQ(-EPERM, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\" signed=no ");
	/* Signed with the build's key, the kernel verifies it. */
	EXPECT_EQ(0, load_path(sig, "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	ASSERT_EQ(0, unload("loadpol_test_a"));
	/* Its digest is the unsigned image's: the signature is stripped. */
	ASSERT_EQ(0, module_sha256("loadpol_test_a.ko", digest));
	snprintf(policy, sizeof(policy), "default deny\naudit sha256=%s\n", digest);
	ASSERT_EQ(0, policy_write(policy));
	EXPECT_EQ(0, load_path(sig, "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_EQ(0, audit_find(self->audit, AUDIT_LOADPOL_DECISION, self->record,
				sizeof(self->record), WAIT_MS,
				(const char *const[]){ " signed=yes ", digest,
						       " lp_action=audit ", NULL }));
}

/*
 * A forged image: it registers as loadpol_test_a (struct module) and its
 * .modinfo says name=loadpol_test_b (scripts/build rewrote that string).
 */
#define FORGED FIXTURES "/forged/loadpol_test_a.ko"

TEST_F(bypass, modinfo_name_other_than_the_registered_one_is_refused)
{
	/* The name it claims is allowed, and only that one. */
	ASSERT_EQ(0, policy_write("default deny\nallow name=loadpol_test_b\n"));
	EXPECT_EQ(-EPERM, load_path(FORGED, "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_FALSE(module_loaded("loadpol_test_b"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"",
		      " modinfo_name=\"loadpol_test_b\"", " lp_rule=none reason=name_mismatch ");
	/* The name it registers under is denied, and it is refused so. */
	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_a\n"));
	EXPECT_EQ(-EPERM, load_image_path(FORGED, ""));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"", " reason=name_mismatch ");
	/* Refused under an allow-all policy too: no rule makes it consistent. */
	ASSERT_EQ(0, policy_write("default allow\n"));
	EXPECT_EQ(-EPERM, load_path(FORGED, "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	/* Permissive mode records it and refuses nothing. */
	ASSERT_EQ(0, policy_write("mode permissive\ndefault allow\n"));
	EXPECT_EQ(0, load_path(FORGED, "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"", " enforcing=0 ",
		      " reason=name_mismatch ");
}

/*
 * A signature trailer the loader does not parse (the load asks to ignore
 * versions, so the signature is not checked) and loadpol cannot strip:
 * no digest.  Enforcing, the load is refused with a record; permissive, it
 * is recorded and goes ahead.
 */
TEST_F(bypass, unparseable_signature_trailer_is_recorded_and_refused_only_enforcing)
{
	static const char marker[] = "~Module signature appended~\n";
	/* struct module_signature with sig_len 0xffffffff. */
	static const unsigned char info[12] = { [8] = 0xff, 0xff, 0xff, 0xff };
	const char *bad = "/tmp/loadpol-bypass-badsig.ko";
	char path[512], digest[65], policy[256];
	int fd;

	test_module_path(path, sizeof(path), "loadpol_test_a.ko");
	ASSERT_EQ(0, run_cmd("cp '%s' %s", path, bad));
	fd = open(bad, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(info), write(fd, info, sizeof(info)));
	ASSERT_EQ(sizeof(marker) - 1, write(fd, marker, sizeof(marker) - 1));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, module_sha256("loadpol_test_a.ko", digest));
	snprintf(policy, sizeof(policy), "default allow\naudit sha256=%s\n", digest);
	ASSERT_EQ(0, policy_write(policy));
	/* Without the flag, the loader itself refuses the signature. */
	EXPECT_EQ(-EBADMSG, load_path(bad, "", 0));
	EXPECT_EQ(-EPERM, load_path(bad, "", MODULE_INIT_IGNORE_MODVERSIONS));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"", " enforcing=1 ",
		      " lp_rule=none reason=digest_error ");
	snprintf(policy, sizeof(policy), "mode permissive\ndefault deny\n"
		 "allow sha256=%s\n", digest);
	ASSERT_EQ(0, policy_write(policy));
	EXPECT_EQ(0, load_path(bad, "", MODULE_INIT_IGNORE_MODVERSIONS));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_a\"", " enforcing=0 ",
		      " reason=digest_error ");
	unlink(bad);
}

/* Point the kernel's modprobe at a script that forks before modprobe. */
static void use_forking_wrapper(struct __test_metadata *_metadata)
{
	int fd = open(WRAPPER, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	ASSERT_LE(0, fd);
	/* Not exec: modprobe runs as a grandchild of the helper. */
	ASSERT_LT(0, dprintf(fd, "#!/bin/sh\n(/sbin/modprobe \"$@\")\nexit $?\n"));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, WRAPPER));
}

#define KERNEL_ONLY "default deny\nallow name=loadpol_test_req\n"		\
	"allow request=*\naudit name=loadpol_test_fs origin=kernel\n"

/* Mount loadpoltestfs: its module, autoloaded, must read origin=kernel. */
static void autoload_reads_kernel(struct __test_metadata *_metadata,
				  struct _test_data_bypass *self)
{
	ASSERT_EQ(0, policy_write(KERNEL_ONLY));
	EXPECT_EQ(0, mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL))
		TH_LOG("mount: %s", strerror(errno));
	EXPECT_TRUE(module_loaded("loadpol_test_fs"));
	EXPECT_EQ(0, audit_find(self->audit, AUDIT_LOADPOL_DECISION, self->record,
				sizeof(self->record), WAIT_MS,
				(const char *const[]){ "name=\"loadpol_test_fs\"",
						       " origin=kernel ", NULL }));
}

TEST_F(bypass, autoload_by_the_kernels_modprobe_reads_kernel)
{
	autoload_reads_kernel(_metadata, self);
}

/*
 * modprobe_path is a script that runs the loader in a child: that child
 * execs a program of the script's choosing and is not the kernel's
 * modprobe any more (origin_test tries the attacks this closes).
 */
TEST_F(bypass, autoload_through_a_forking_wrapper_reads_user)
{
	use_forking_wrapper(_metadata);
	ASSERT_EQ(0, policy_write(KERNEL_ONLY));
	EXPECT_NE(0, mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_fs\"", " origin=user ",
		      " lp_rule=default ");
}

TEST_F(bypass, request_module_wait_proc_reads_kernel)
{
	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_fs origin=kernel\n"));
	EXPECT_EQ(0, load_file("loadpol_test_req.ko", "request=loadpol_test_fs", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_fs\"", " origin=kernel ");
}

TEST_F(bypass, request_module_nowait_reads_kernel)
{
	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_fs origin=kernel\n"));
	EXPECT_EQ(0, load_file("loadpol_test_req.ko",
			       "request=loadpol_test_fs nowait=1", 0));
	EXPECT_DENIED(NOWAIT_MS, "op=load name=\"loadpol_test_fs\"", " origin=kernel ");
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
}

TEST_F(bypass, request_module_nowait_allowed_reads_kernel)
{
	int i;

	ASSERT_EQ(0, policy_write("default deny\nallow name=loadpol_test_req\n"
				  "allow request=*\n"
				  "allow name=loadpol_test_fs origin=kernel\n"));
	EXPECT_EQ(0, load_file("loadpol_test_req.ko",
			       "request=loadpol_test_fs nowait=1", 0));
	for (i = 0; i < NOWAIT_MS / 10 && !module_loaded("loadpol_test_fs"); i++)
		usleep(10000);
	EXPECT_TRUE(module_loaded("loadpol_test_fs"));
}

/* A user process running the very program the kernel runs stays user. */
TEST_F(bypass, user_cannot_make_its_loads_read_kernel)
{
	use_forking_wrapper(_metadata);
	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_fs origin=user\n"));
	EXPECT_NE(0, run_cmd("%s -q loadpol_test_fs", WRAPPER));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_fs\"", " origin=user ");
	/* A root shell's insmod too. */
	EXPECT_NE(0, run_cmd("insmod /lib/modules/$(uname -r)/extra/loadpol_test_fs.ko"));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	EXPECT_DENIED(WAIT_MS, "op=load name=\"loadpol_test_fs\"", " origin=user ",
		      " comm=\"insmod\"");
	/* And from a child of a process the kernel did not start. */
	EXPECT_NE(0, run_cmd("sh -c 'sh -c \"modprobe loadpol_test_fs\"'"));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
}

/*
 * Loads racing policy swaps: both policies allow loadpol_test_a and deny
 * loadpol_test_fs, one of them through its default, and a bad policy is
 * thrown in too.  A half-built policy, or a moment with the wrong default,
 * would let fs in or keep a out.
 */
struct swapper {
	bool stop;
	unsigned long swaps, refused;
};

static void *swap_policies(void *arg)
{
	static const char *const texts[] = {
		"default deny\nallow name=loadpol_test_a\n",
		"default allow\ndeny name=loadpol_test_fs\nallow name=loadpol_test_a\n",
		"default allow\ndeny name=loadpol_test_fs\nbogus line\n",
	};
	struct swapper *s = arg;
	unsigned long i;

	for (i = 0; !FLAG_GET(s->stop); i++) {
		int err = policy_write_chunked(texts[i % 3], 7);

		if (err)
			s->refused++;
		else
			s->swaps++;
	}
	return NULL;
}

TEST(loads_racing_policy_swaps)
{
	struct swapper s = {};
	unsigned long loads = 0, bad = 0;
	struct timespec t0, t;
	pthread_t thread;

	ASSERT_EQ(0, policy_write("default deny\nallow name=loadpol_test_a\n"));
	ASSERT_EQ(0, pthread_create(&thread, NULL, swap_policies, &s));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (load_file("loadpol_test_a.ko", "", 0) || unload("loadpol_test_a"))
			bad++;
		if (load_file("loadpol_test_fs.ko", "", 0) != -EPERM)
			bad++;
		loads += 2;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 5);
	FLAG_SET(s.stop);
	pthread_join(thread, NULL);
	TH_LOG("%lu loads, %lu policies swapped in, %lu bad ones refused", loads,
	       s.swaps, s.refused);
	EXPECT_EQ(0, bad);
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	EXPECT_LT(10, s.swaps);
	EXPECT_LT(5, s.refused);
	unload("loadpol_test_a");
	policy_write("default allow\n");
}

TEST_HARNESS_MAIN
