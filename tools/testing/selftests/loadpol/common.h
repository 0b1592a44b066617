/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol selftests: loading, unloading and finding the test modules
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SELFTESTS_LOADPOL_COMMON_H
#define _SELFTESTS_LOADPOL_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* __printf() and the rest come from kselftest.h, included first. */
#ifndef MODULE_INIT_IGNORE_MODVERSIONS
#define MODULE_INIT_IGNORE_MODVERSIONS 1
#endif
#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/* Where the harness installs the test modules in the guest. */
static inline void test_module_path(char *buf, size_t size, const char *file)
{
	struct utsname u;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	snprintf(buf, size, "/lib/modules/%s/extra/%s", u.release, file);
}

/* Modules for the bypass tests, which modprobe does not see. */
#define FIXTURES "/usr/lib/loadpol/fixtures"

/*
 * The compressed test module: loadpol_test_b.ko.xz, or loadpol_test_b.ko.zst
 * on a kernel that decompresses zstd (the debug kernel).
 */
static inline const char *compressed_module(void)
{
	char path[512];

	test_module_path(path, sizeof(path), "loadpol_test_b.ko.zst");
	return access(path, F_OK) ? "loadpol_test_b.ko.xz" : "loadpol_test_b.ko.zst";
}

/* finit_module(2) of a module file at @path; returns 0 or -errno. */
static inline int load_path(const char *path, const char *params, int flags)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, params, flags) ? -errno : 0;
	close(fd);
	return ret;
}

/* finit_module(2) of a test module file; returns 0 or -errno. */
static inline int load_file(const char *file, const char *params, int flags)
{
	char path[512];

	test_module_path(path, sizeof(path), file);
	return load_path(path, params, flags);
}

/* init_module(2) of a module file read into memory; returns 0 or -errno. */
static inline int load_image_path(const char *path, const char *params)
{
	struct stat st;
	ssize_t got = 0;
	char *image;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	image = fstat(fd, &st) ? NULL : malloc(st.st_size);
	if (!image) {
		close(fd);
		return -ENOMEM;
	}
	while (got < st.st_size) {
		ssize_t n = read(fd, image + got, st.st_size - got);

		if (n <= 0)
			break;
		got += n;
	}
	ret = got != st.st_size ? -EIO :
	      syscall(__NR_init_module, image, got, params) ? -errno : 0;
	free(image);
	close(fd);
	return ret;
}

/* init_module(2) of a test module read into memory; returns 0 or -errno. */
static inline int load_image(const char *file, const char *params)
{
	char path[512];

	test_module_path(path, sizeof(path), file);
	return load_image_path(path, params);
}

/* Whether a module of this name is listed in /proc/modules. */
static inline bool module_loaded(const char *name)
{
	char line[512];
	size_t len = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, len) && line[len] == ' ';
	fclose(f);
	return found;
}

/*
 * delete_module(2); returns 0 or -errno.  A module still initialising (say,
 * loaded by a modprobe the kernel started asynchronously) or still in use
 * for a moment is waited for, up to 5 s.
 */
static inline int unload(const char *name)
{
	int i, err = 0;

	for (i = 0; i < 500; i++) {
		err = syscall(__NR_delete_module, name, O_NONBLOCK) ? -errno : 0;
		if (err != -EBUSY && err != -EAGAIN)
			break;
		usleep(10000);
	}
	return err;
}

/* Read a small text file into buf, without its trailing newline. */
static inline int read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* Write a string to a file, as echo > path would; returns 0 or -errno. */
static inline int write_text(const char *path, const char *text)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (close(fd) && n >= 0)
		return -errno;
	return n < 0 ? -errno : 0;
}

#define POLICY_FILE "/sys/kernel/security/loadpol/policy"

/*
 * Write @len bytes of policy in chunks of @chunk bytes (0: one write) and
 * close; returns 0 or the -errno of the open, a write or the close.  An
 * empty policy is one write(2) of 0 bytes: an open that never writes
 * changes nothing.
 */
static inline int policy_write_len(const char *text, size_t len, size_t chunk)
{
	size_t off = 0;
	int fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (!chunk)
		chunk = len ? len : 1;
	if (!len && write(fd, text, 0) < 0)
		err = -errno;
	while (off < len && !err) {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t w = write(fd, text + off, n);

		if (w < 0)
			err = -errno;
		else
			off += w;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* The same for a string. */
static inline int policy_write_chunked(const char *text, size_t chunk)
{
	return policy_write_len(text, strlen(text), chunk);
}

static inline int policy_write(const char *text)
{
	return policy_write_chunked(text, 0);
}

/* The live policy as read back, in buf; returns its length or -errno. */
static inline ssize_t policy_read(char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(POLICY_FILE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + got, size - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return n < 0 ? -errno : got;
}

/* SHA-256 of a file by busybox's sha256sum; 64 hex digits in hex. */
static inline int file_sha256(const char *path, char *hex)
{
	char cmd[640];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	ok = fscanf(p, "%64s", hex) == 1 && strlen(hex) == 64;
	pclose(p);
	return ok ? 0 : -EIO;
}

/*
 * SHA-256 of a test module as loadpol computes it: the image as linked.  For
 * a compressed module, that is the uncompressed build output, shipped in
 * FIXTURES/plain/.
 */
static inline int module_sha256(const char *file, char *hex)
{
	char path[512];
	const char *dot = strstr(file, ".ko");

	if (dot && dot[3])
		snprintf(path, sizeof(path), FIXTURES "/plain/%.*s.ko",
			 (int)(dot - file), file);
	else
		test_module_path(path, sizeof(path), file);
	return file_sha256(path, hex);
}

/* Run a shell command line built like printf; returns its exit status. */
static inline __printf(1, 2) int run_cmd(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Who a child process becomes before it tries something. */
enum as_who {
	AS_ROOT,		/* root, all capabilities */
	AS_NOBODY,		/* uid and gid 65534, no capabilities */
	AS_USERNS_ROOT,		/* root (uid 0 mapped to 0) in a new user namespace */
	AS_NO_MAC_ADMIN,	/* root without CAP_MAC_ADMIN */
	AS_NOBODY_NS_ROOT,	/* nobody, then root of user, network and mount
				 * namespaces of its own (uid 0 mapped to 65534)
				 */
};

/* In a new user namespace: root inside is @map's ("0 OUTSIDE 1"). */
static inline int map_root(const char *map)
{
	if (write_text("/proc/self/setgroups", "deny") ||
	    write_text("/proc/self/uid_map", map) ||
	    write_text("/proc/self/gid_map", map))
		return -EIO;
	return 0;
}

static inline int become(enum as_who who)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	switch (who) {
	case AS_ROOT:
		return 0;
	case AS_NOBODY:
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			return -errno;
		return 0;
	case AS_NOBODY_NS_ROOT:
		/* Dumpable again, or /proc/self stays root's after setuid. */
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534) ||
		    prctl(PR_SET_DUMPABLE, 1) ||
		    unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS))
			return -errno;
		return map_root("0 65534 1");
	case AS_USERNS_ROOT:
		if (unshare(CLONE_NEWUSER))
			return -errno;
		return map_root("0 0 1");
	case AS_NO_MAC_ADMIN:
		if (syscall(__NR_capget, &hdr, data))
			return -errno;
		data[CAP_MAC_ADMIN / 32].effective &= ~(1U << (CAP_MAC_ADMIN % 32));
		data[CAP_MAC_ADMIN / 32].permitted &= ~(1U << (CAP_MAC_ADMIN % 32));
		if (syscall(__NR_capset, &hdr, data))
			return -errno;
		return 0;
	}
	return -EINVAL;
}

/*
 * Run @fn(@arg) in a child that first becomes @who; returns what @fn
 * returned (0 or -errno), or -ECHILD if the child could not become @who.
 */
static inline int run_as(enum as_who who, int (*fn)(const char *), const char *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid)
		_exit(become(who) ? 255 : -fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status) == 255 ? -ECHILD : -WEXITSTATUS(status);
}

/* A flag that threads poll: stored and loaded atomically. */
#define FLAG_SET(f) __atomic_store_n(&(f), true, __ATOMIC_RELEASE)
#define FLAG_GET(f) __atomic_load_n(&(f), __ATOMIC_ACQUIRE)

#endif /* _SELFTESTS_LOADPOL_COMMON_H */
