// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: origin=kernel belongs to the helper request_module()
 * starts, and to nothing root can dress up as it.  Under the policy an
 * attacker wants ("allow origin=kernel", default deny), root tries:
 *   - a core_pattern pipe running modprobe_path with arguments of its
 *     choosing (another usermode helper, running the same program);
 *   - a wrapper at modprobe_path whose child runs the loader, and
 *     modprobe.d "install" commands (kmod only), which modprobe runs in a
 *     shell: children that exec a program of their own;
 *   - ptrace, /proc/PID/mem and process_vm_writev on the kernel's modprobe.
 * Each load must read origin=user and be refused with a record, while the
 * kernel's own modprobe still reads origin=kernel.
 *
 * Run as modprobe_path by the kernel ("origin_test -q -- NAME"), this
 * program is the kernel's modprobe of the ptrace test instead.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"

#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"
#define CORE_PATTERN "/proc/sys/kernel/core_pattern"
#define CORE_PIPE_LIMIT "/proc/sys/kernel/core_pipe_limit"
#define WRAPPER "/tmp/loadpol-origin-modprobe"
#define MOUNT_POINT "/tmp/loadpol-origin-mnt"
#define HELPER_PID "/tmp/loadpol-origin-helper.pid"
#define HELPER_GO "/tmp/loadpol-origin-helper.go"
#define INSTALL_CONF "/etc/modprobe.d/loadpol-origin.conf"
#define KMOD "/bin/kmod"
#define WAIT_MS 2000

/* What an attacker who is root wants after the lock. */
#define ATTACKERS_POLICY "default deny\nallow request=*\nallow origin=kernel\n"

FIXTURE(origin) {
	int audit;
	char modprobe[256];
	char core_pattern[256];
	char record[AUDIT_TEXT_MAX];
};

FIXTURE_SETUP(origin)
{
	self->audit = audit_open();
	ASSERT_LE(0, self->audit) TH_LOG("cannot become the audit daemon: %s",
					 strerror(-self->audit));
	ASSERT_EQ(0, read_text(MODPROBE_SYSCTL, self->modprobe,
			       sizeof(self->modprobe)));
	ASSERT_EQ(0, read_text(CORE_PATTERN, self->core_pattern,
			       sizeof(self->core_pattern)));
	mkdir(MOUNT_POINT, 0755);
	unlink(HELPER_PID);
	unlink(HELPER_GO);
	unload("loadpol_test_a");
	unload("loadpol_test_fs");
	ASSERT_FALSE(module_loaded("loadpol_test_fs"));
}

FIXTURE_TEARDOWN(origin)
{
	umount(MOUNT_POINT);
	unload("loadpol_test_a");
	unload("loadpol_test_fs");
	unlink(INSTALL_CONF);
	write_text(CORE_PATTERN, self->core_pattern);
	write_text(MODPROBE_SYSCTL, self->modprobe);
	policy_write("default allow\n");
	close(self->audit);
}

/* The next decision record refusing a load, holding all the strings given. */
#define EXPECT_REFUSED(...) do {						\
	const char *const _n[] = { __VA_ARGS__, " lp_action=deny ", NULL };	\
	EXPECT_EQ(0, audit_find(self->audit, AUDIT_LOADPOL_DECISION,		\
				self->record, sizeof(self->record), WAIT_MS, _n)) \
		TH_LOG("no decision record with %s", _n[0]);			\
} while (0)

/* The control: the kernel's own modprobe reads origin=kernel and loads. */
static void kernel_modprobe_loads(struct __test_metadata *_metadata,
				  struct _test_data_origin *self)
{
	ASSERT_EQ(0, policy_write("default deny\nallow request=*\n"
				  "audit name=loadpol_test_fs origin=kernel\n"));
	EXPECT_EQ(0, mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL))
		TH_LOG("mount: %s", strerror(errno));
	EXPECT_TRUE(module_loaded("loadpol_test_fs"));
	EXPECT_EQ(0, audit_find(self->audit, AUDIT_LOADPOL_DECISION, self->record,
				sizeof(self->record), WAIT_MS,
				(const char *const[]){ "name=\"loadpol_test_fs\"",
						       " origin=kernel ",
						       "request=\"fs-loadpoltestfs\"",
						       NULL }));
	umount(MOUNT_POINT);
	ASSERT_EQ(0, unload("loadpol_test_fs"));
}

TEST_F(origin, kernel_modprobe_reads_kernel)
{
	kernel_modprobe_loads(_metadata, self);
}

/*
 * A core_pattern pipe is a usermode helper too, and root picks its program
 * and arguments: modprobe_path with the module of its choice.
 */
TEST_F(origin, core_pattern_helper_running_modprobe_reads_user)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	char pattern[512];
	int status;
	pid_t pid;

	ASSERT_EQ(0, policy_write(ATTACKERS_POLICY));
	snprintf(pattern, sizeof(pattern), "|%s loadpol_test_fs", self->modprobe);
	ASSERT_EQ(0, write_text(CORE_PATTERN, pattern));
	/* The dumping task waits for the helper to finish. */
	ASSERT_EQ(0, write_text(CORE_PIPE_LIMIT, "1"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		setrlimit(RLIMIT_CORE, &unlimited);
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* (The helper does not read the core: the dump itself fails.) */
	EXPECT_TRUE(WIFSIGNALED(status)) TH_LOG("status %#x", status);
	write_text(CORE_PIPE_LIMIT, "0");
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	EXPECT_REFUSED("op=load name=\"loadpol_test_fs\"", " origin=user ");
}

/*
 * modprobe_path is a script whose child runs the loader: the child execs a
 * program of its own and is no longer the kernel's modprobe.
 */
TEST_F(origin, child_of_a_wrapper_reads_user)
{
	int fd = open(WRAPPER, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	ASSERT_LE(0, fd);
	ASSERT_LT(0, dprintf(fd, "#!/bin/sh\n(%s \"$@\")\nexit $?\n", self->modprobe));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, WRAPPER));
	ASSERT_EQ(0, policy_write(ATTACKERS_POLICY));
	EXPECT_NE(0, mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	EXPECT_REFUSED("op=load name=\"loadpol_test_fs\"", " origin=user ");
}

/* kmod's modprobe runs "install" commands with /bin/sh -c. */
TEST_F(origin, modprobe_d_install_command_reads_user)
{
	char path[512];
	int fd;

	if (access(KMOD, X_OK))
		SKIP(return, "kmod is not installed (busybox modprobe has no install commands)");
	ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, "/usr/sbin/modprobe"));
	kernel_modprobe_loads(_metadata, self);

	test_module_path(path, sizeof(path), "loadpol_test_a.ko");
	mkdir("/etc/modprobe.d", 0755);
	fd = open(INSTALL_CONF, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, dprintf(fd, "install loadpol_test_fs /usr/sbin/insmod %s\n", path));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, policy_write(ATTACKERS_POLICY));
	EXPECT_NE(0, mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_REFUSED("op=load name=\"loadpol_test_a\"", " origin=user ",
		       " comm=\"insmod\"");
}

/* Run by the kernel as modprobe_path: wait to be poked at, then load. */
static int be_the_kernels_modprobe(const char *request)
{
	char path[512];
	FILE *f = fopen(HELPER_PID ".new", "w");
	int i;

	if (!f)
		return 1;
	fprintf(f, "%d\n", getpid());
	fclose(f);
	rename(HELPER_PID ".new", HELPER_PID);
	for (i = 0; i < 1000 && access(HELPER_GO, F_OK); i++)
		usleep(10000);
	test_module_path(path, sizeof(path), "loadpol_test_fs.ko");
	return load_path(path, "", 0) ? 1 : 0;
}

TEST_F(origin, kernels_modprobe_cannot_be_ptraced)
{
	char self_exe[256], mem[64], byte = 0;
	struct iovec local = { &byte, 1 }, remote;
	int i, status, fd;
	pid_t mounter, helper = 0, victim;
	ssize_t n;
	FILE *f;

	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	ASSERT_LT(0, n);
	self_exe[n] = '\0';
	ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, self_exe));
	ASSERT_EQ(0, policy_write("default deny\nallow request=*\n"
				  "audit name=loadpol_test_fs origin=kernel\n"));
	/* The control: root may trace and write to an ordinary process. */
	victim = fork();
	ASSERT_LE(0, victim);
	if (!victim) {
		pause();
		_exit(0);
	}
	EXPECT_EQ(0, ptrace(PTRACE_SEIZE, victim, 0, 0));
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);

	mounter = fork();
	ASSERT_LE(0, mounter);
	if (!mounter)
		_exit(mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL) ? 1 : 0);
	for (i = 0; i < 1000 && !helper; i++) {
		f = fopen(HELPER_PID, "r");
		if (!f || fscanf(f, "%d", &helper) != 1)
			helper = 0;
		if (f)
			fclose(f);
		if (!helper)
			usleep(10000);
	}
	ASSERT_LT(0, helper) TH_LOG("the kernel's modprobe did not start");

	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_ATTACH, helper, 0, 0));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, ptrace(PTRACE_SEIZE, helper, 0, 0));
	EXPECT_EQ(EPERM, errno);
	snprintf(mem, sizeof(mem), "/proc/%d/mem", helper);
	fd = open(mem, O_RDWR | O_CLOEXEC);
	EXPECT_EQ(-1, fd);
	EXPECT_TRUE(errno == EACCES || errno == EPERM) TH_LOG("%s: %s", mem, strerror(errno));
	if (fd >= 0)
		close(fd);
	remote = (struct iovec){ (void *)&byte, 1 };
	errno = 0;
	EXPECT_EQ(-1, process_vm_writev(helper, &local, 1, &remote, 1, 0));
	EXPECT_EQ(EPERM, errno);

	fd = open(HELPER_GO, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(mounter, waitpid(mounter, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	/* It still was the kernel's modprobe. */
	EXPECT_TRUE(module_loaded("loadpol_test_fs"));
	EXPECT_EQ(0, audit_find(self->audit, AUDIT_LOADPOL_DECISION, self->record,
				sizeof(self->record), WAIT_MS,
				(const char *const[]){ "name=\"loadpol_test_fs\"",
						       " origin=kernel ", NULL }));
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "-q") && !strcmp(argv[2], "--"))
		return be_the_kernels_modprobe(argv[3]);
	return test_harness_run(argc, argv);
}
