/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol selftests: a NETLINK_AUDIT client
 *
 * The test registers itself as the audit daemon (AUDIT_SET with its pid),
 * as auditd does, so that the kernel sends it every record instead of
 * printing them; the kernel forgets it when its socket closes.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SELFTESTS_LOADPOL_AUDIT_H
#define _SELFTESTS_LOADPOL_AUDIT_H

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define AUDIT_TEXT_MAX 8192

struct audit_msg {
	struct nlmsghdr nlh;
	char data[AUDIT_TEXT_MAX];
};

/* Become the audit daemon; returns the socket, or -errno. */
static inline int audit_open(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr nlh;
		struct audit_status s;
	} req = {
		.nlh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct audit_status)),
			.nlmsg_type = AUDIT_SET,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		},
		.s = { .mask = AUDIT_STATUS_PID, .pid = getpid() },
	};
	struct audit_msg ack;
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, &req, req.nlh.nlmsg_len, 0, (struct sockaddr *)&addr,
		   sizeof(addr)) < 0)
		goto fail;
	/* The ack (an NLMSG_ERROR carrying 0), or an error. */
	for (;;) {
		ssize_t n = recv(fd, &ack, sizeof(ack), 0);

		if (n < 0)
			goto fail;
		if (ack.nlh.nlmsg_type != NLMSG_ERROR)
			continue;
		if (((struct nlmsgerr *)NLMSG_DATA(&ack.nlh))->error) {
			errno = -((struct nlmsgerr *)NLMSG_DATA(&ack.nlh))->error;
			goto fail;
		}
		return fd;
	}
fail:
	{
		int err = -errno;

		close(fd);
		return err;
	}
}

/*
 * Receive the next record of type @type whose text contains every string of
 * the NULL-terminated @needles, waiting up to @ms milliseconds; its text goes
 * to @buf.  Returns 0, or -ETIMEDOUT.
 */
static inline int audit_find(int fd, int type, char *buf, size_t size,
			     int ms, const char *const *needles)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	struct audit_msg msg;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		ssize_t n = recv(fd, &msg, sizeof(msg) - 1, 0);
		size_t len;
		int i;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (msg.nlh.nlmsg_type != type)
			continue;
		/*
		 * The audit quirk: to the daemon, nlmsg_len is the length of
		 * the text, without the header (kernel/audit.c, audit_log_end).
		 */
		len = msg.nlh.nlmsg_len;
		if (len > (size_t)n - NLMSG_HDRLEN)
			len = n - NLMSG_HDRLEN;
		msg.data[len] = '\0';
		for (i = 0; needles && needles[i]; i++)
			if (!strstr(msg.data, needles[i]))
				break;
		if (needles && needles[i])
			continue;
		snprintf(buf, size, "%s", msg.data);
		return 0;
	}
}

/* How many records of @type containing @needle arrive within @ms. */
static inline int audit_count(int fd, int type, const char *needle, int ms)
{
	const char *const needles[] = { needle, NULL };
	char buf[AUDIT_TEXT_MAX];
	int n = 0;

	while (!audit_find(fd, type, buf, sizeof(buf), ms, needles))
		n++;
	return n;
}

#endif /* _SELFTESTS_LOADPOL_AUDIT_H */
