// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: one policy file opened for writing, reached by many
 * writers at once (threads sharing a descriptor, dup'ed descriptors,
 * pwrite(2), pwritev(2), io_uring), and the moment the text is committed.
 *
 * Each writer appends whole lines, so the text committed must be every
 * successful write, whole: the policy read back must hold exactly the rules
 * the successful writes carried.  A lost, torn or doubled write changes the
 * count; on the debug kernel, a race in the writer is a KASAN report.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <linux/io_uring.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "../kselftest_harness.h"
#include "common.h"

#define THREADS 4
#define WRITES 4
/* A write: whole lines of LINE_LEN bytes, 54 KiB in all. */
#define LINE_LEN 18
#define CHUNK (3072 * LINE_LEN)
#define HEADER "default allow\n"
/* Writes of each writer racing the commit, at most (rules stay in bounds). */
#define RACING_WRITES 16

enum how { BY_WRITE, BY_DUP, BY_PWRITE, BY_PWRITEV, BY_IO_URING };

/*
 * A writer thread.  BY_DUP writes through a dup of the file made for it;
 * nobody closes a dup before the test means to commit (a close commits).
 */
struct writer {
	int fd;
	enum how how;
	unsigned int id;
	unsigned int ok;	/* successful writes */
	unsigned int refused;	/* writes refused with EINVAL after the commit */
	int err;		/* any other error */
	bool racing;		/* up to RACING_WRITES writes, 2 ms apart */
};

/* A chunk of lines "deny name=wT_NNNN\n" (LINE_LEN bytes each). */
static char *make_chunk(unsigned int id)
{
	char *buf = malloc(CHUNK + 1);
	unsigned int i;

	if (!buf)
		return NULL;
	for (i = 0; i < CHUNK / LINE_LEN; i++)
		snprintf(buf + i * LINE_LEN, LINE_LEN + 1, "deny name=w%u_%04u\n",
			 id % 10, i % 10000);
	return buf;
}

/* Minimal io_uring: one ring, n writes in flight, all punted to io-wq. */
struct ring {
	int fd;
	struct io_uring_sqe *sqes;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

static int ring_open(struct ring *r, unsigned int entries)
{
	struct io_uring_params p = {};
	void *sq, *cq;

	r->fd = syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return -errno;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -ENOMEM;
	r->sq_tail = sq + p.sq_off.tail;
	r->sq_mask = sq + p.sq_off.ring_mask;
	r->sq_array = sq + p.sq_off.array;
	r->cq_head = cq + p.cq_off.head;
	r->cq_tail = cq + p.cq_off.tail;
	r->cq_mask = cq + p.cq_off.ring_mask;
	r->cqes = cq + p.cq_off.cqes;
	return 0;
}

/* Submit n writes of buf to fd at once; count what completed. */
static void ring_writes(struct ring *r, struct writer *w, const char *buf,
			unsigned int n)
{
	unsigned int tail = *r->sq_tail, head, i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = &r->sqes[i];

		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = IORING_OP_WRITE;
		sqe->fd = w->fd;
		sqe->addr = (unsigned long)buf;
		sqe->len = CHUNK;
		sqe->off = 0;
		sqe->flags = IOSQE_ASYNC;
		r->sq_array[(tail + i) & *r->sq_mask] = i;
	}
	__atomic_store_n(r->sq_tail, tail + n, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, n, n, IORING_ENTER_GETEVENTS,
		    NULL, 0) != n) {
		w->err = -errno;
		return;
	}
	head = *r->cq_head;
	while (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		int res = r->cqes[head & *r->cq_mask].res;

		if (res == CHUNK)
			w->ok++;
		else if (res == -EINVAL)
			w->refused++;
		else
			w->err = res;
		head++;
	}
	__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
}

static void count(struct writer *w, ssize_t n)
{
	if (n == CHUNK)
		__atomic_add_fetch(&w->ok, 1, __ATOMIC_RELAXED);
	else if (n < 0 && errno == EINVAL)
		__atomic_add_fetch(&w->refused, 1, __ATOMIC_RELAXED);
	else
		w->err = n < 0 ? -errno : -EIO;
}

static void *write_chunks(void *arg)
{
	struct writer *w = arg;
	char *buf = make_chunk(w->id);
	struct iovec iov[2];
	struct ring r = {};
	unsigned int i;
	int fd = w->fd;

	if (!buf) {
		w->err = -ENOMEM;
		return NULL;
	}
	if (w->how == BY_IO_URING) {
		w->err = ring_open(&r, WRITES);
		if (!w->err) {
			ring_writes(&r, w, buf, WRITES);
			close(r.fd);
		}
		free(buf);
		return NULL;
	}
	for (i = 0; i < (w->racing ? RACING_WRITES : WRITES); i++) {
		if (w->racing)
			usleep(2000);
		switch (w->how) {
		case BY_WRITE:
		case BY_DUP:
			count(w, write(fd, buf, CHUNK));
			break;
		case BY_PWRITE:
			count(w, pwrite(fd, buf, CHUNK, 0));
			break;
		case BY_PWRITEV:
			iov[0] = (struct iovec){ buf, CHUNK / 2 };
			iov[1] = (struct iovec){ buf + CHUNK / 2, CHUNK / 2 };
			count(w, pwritev(fd, iov, 2, 0));
			break;
		case BY_IO_URING:
			break;
		}
		if (w->err)
			break;
	}
	free(buf);
	return NULL;
}

/* Rules in the live policy: its "deny name=" lines. */
static long live_rules(void)
{
	static char text[THREADS * WRITES * CHUNK * 2 + 4096];
	ssize_t n = policy_read(text, sizeof(text));
	long rules = 0;
	char *p;

	if (n < 0)
		return n;
	for (p = text; (p = strstr(p, "deny name=w")); p++)
		rules++;
	return rules;
}

/*
 * THREADS writers, each making WRITES writes by @how on one open file, then
 * one close: the policy must hold every line of every write.
 */
static void writers_on_one_file(struct __test_metadata *_metadata, enum how how)
{
	struct writer w[THREADS];
	pthread_t t[THREADS];
	unsigned int i, ok = 0;
	int fd, dups[THREADS];

	ASSERT_EQ(0, policy_write("default allow\n"));
	fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(strlen(HEADER), write(fd, HEADER, strlen(HEADER)));
	for (i = 0; i < THREADS; i++) {
		dups[i] = dup(fd);
		ASSERT_LE(0, dups[i]);
		w[i] = (struct writer){ .fd = how == BY_DUP ? dups[i] : fd,
					.how = how, .id = i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, write_chunks, &w[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, w[i].err) TH_LOG("writer %u: %s", i, strerror(-w[i].err));
		EXPECT_EQ(0, w[i].refused);
		ok += w[i].ok;
	}
	EXPECT_EQ(THREADS * WRITES, ok);
	EXPECT_EQ(0, close(fd)) TH_LOG("close: %s", strerror(errno));
	EXPECT_EQ((long)ok * (CHUNK / LINE_LEN), live_rules());
	for (i = 0; i < THREADS; i++)
		EXPECT_EQ(0, close(dups[i]));
	policy_write("default allow\n");
}

TEST(threads_write_one_descriptor)
{
	writers_on_one_file(_metadata, BY_WRITE);
}

TEST(threads_write_dups_of_one_descriptor)
{
	writers_on_one_file(_metadata, BY_DUP);
}

TEST(threads_pwrite_one_descriptor)
{
	writers_on_one_file(_metadata, BY_PWRITE);
}

TEST(threads_pwritev_one_descriptor)
{
	writers_on_one_file(_metadata, BY_PWRITEV);
}

TEST(io_uring_writes_in_flight_on_one_descriptor)
{
	writers_on_one_file(_metadata, BY_IO_URING);
}

/*
 * Writers keep writing through dups while the main thread closes its
 * descriptor: that close commits; every write before it is in the policy,
 * whole, and every write after it fails with EINVAL.
 */
TEST(close_commits_while_writers_write)
{
	static const enum how hows[THREADS] = { BY_DUP, BY_PWRITE, BY_PWRITEV, BY_WRITE };
	struct writer w[THREADS];
	pthread_t t[THREADS];
	unsigned int i, ok = 0, refused = 0;
	int fd, keep;

	ASSERT_EQ(0, policy_write("default allow\n"));
	fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	keep = dup(fd);
	ASSERT_LE(0, keep);
	ASSERT_EQ(strlen(HEADER), write(fd, HEADER, strlen(HEADER)));
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .fd = keep, .how = hows[i], .id = i,
					.racing = true };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, write_chunks, &w[i]));
	}
	/* Commit once a few writes are in, with more to come. */
	do {
		usleep(1000);
		for (ok = 0, i = 0; i < THREADS; i++)
			ok += __atomic_load_n(&w[i].ok, __ATOMIC_RELAXED);
	} while (ok < THREADS);
	EXPECT_EQ(0, close(fd)) TH_LOG("the committing close: %s", strerror(errno));
	ok = 0;
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, w[i].err) TH_LOG("writer %u: %s", i, strerror(-w[i].err));
		ok += w[i].ok;
		refused += w[i].refused;
	}
	TH_LOG("%u writes committed, %u refused after the commit", ok, refused);
	EXPECT_LT(0, refused);
	EXPECT_EQ((long)ok * (CHUNK / LINE_LEN), live_rules());
	/* The last descriptor's close commits nothing more. */
	EXPECT_EQ(0, close(keep));
	EXPECT_EQ((long)ok * (CHUNK / LINE_LEN), live_rules());
	policy_write("default allow\n");
}

/* Whether the live policy, read back, holds @text. */
static bool live_has(const char *text)
{
	char buf[256];

	return policy_read(buf, sizeof(buf)) > 0 && strstr(buf, text);
}

/* A shell redirection closes a dup before anything is written. */
TEST(close_before_any_write_commits_nothing)
{
	static const char text[] = "default allow\ndeny name=after\n";
	int fd, dupfd;

	ASSERT_EQ(0, policy_write("default allow\ndeny name=before\n"));
	fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	dupfd = dup(fd);
	ASSERT_LE(0, dupfd);
	EXPECT_EQ(0, close(dupfd));
	EXPECT_TRUE(live_has("deny name=before\n"));
	ASSERT_EQ(strlen(text), write(fd, text, strlen(text)));
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(live_has("deny name=after\n"));
	EXPECT_FALSE(live_has("before"));
	policy_write("default allow\n");
}

/* The first close after a write commits; later writes fail with EINVAL. */
TEST(first_close_after_a_write_commits)
{
	static const char text[] = "default allow\ndeny name=one\n";
	int fd, dupfd;

	ASSERT_EQ(0, policy_write("default allow\n"));
	fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	dupfd = dup(fd);
	ASSERT_LE(0, dupfd);
	ASSERT_EQ(strlen(text), write(fd, text, strlen(text)));
	EXPECT_EQ(0, close(dupfd));
	EXPECT_TRUE(live_has("deny name=one\n"));
	EXPECT_EQ(-1, write(fd, "deny name=two\n", 14));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, close(fd));
	EXPECT_FALSE(live_has("two"));
	policy_write("default allow\n");
}

/* An open for writing that never writes changes nothing. */
TEST(open_without_write_changes_nothing)
{
	int fd;

	ASSERT_EQ(0, policy_write("default allow\ndeny name=kept\n"));
	fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
	EXPECT_TRUE(live_has("deny name=kept\n"));
	/* The writer is gone: the next one may open. */
	EXPECT_EQ(0, policy_write("default allow\n"));
}

TEST_HARNESS_MAIN
