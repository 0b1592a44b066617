// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: /sys/kernel/security/loadpol/policy
 *
 * Reading gives the live policy in canonical form, as it was when the file
 * was opened: the text is printed from the compiled rules at open(2) (a
 * policy keeps no copy of it).  Writing replaces it: the text may come in any number of
 * write(2) calls; the first close(2) of a descriptor of the open file after
 * a write applies it, and a text that does not parse changes nothing and
 * that close(2) returns its error.  One writer at a time.
 *
 * ->flush runs at every close(2) of a descriptor, and is the only file
 * operation whose result close(2) reports.  A shell redirection dups the
 * file and closes the original before anything is written: a close before
 * any write commits nothing.  After the commit, writes on any descriptor of
 * the open file fail with -EINVAL.  Writes and the commit are serialised by
 * the writer's mutex, whatever reaches ->write concurrently (threads
 * sharing a descriptor or dups of it, pwrite(2), io_uring), so the text
 * applied is the writes that completed before the commit, whole, in the
 * order they took the mutex.  If the open file is released without a
 * flush after its last write (its last reference was not a descriptor),
 * ->release applies the text and the error can only be logged and
 * audited.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "loadpol.h"

/**
 * struct loadpol_reader - the canonical text an open file reads
 * @len: its length
 * @text: the text
 */
struct loadpol_reader {
	size_t len;
	char *text;
};

/**
 * struct loadpol_writer - a policy text being written
 * @lock: serialises writes and the commit
 * @buf: the text so far
 * @len: its length
 * @size: size of @buf
 * @err: an error that ends the write (-EFBIG), reported again on close
 * @written: a write(2) reached the file: the next close commits
 * @done: the text was applied (or refused)
 */
struct loadpol_writer {
	struct mutex lock;	/* serialises writes and the commit */
	char *buf;
	size_t len;
	size_t size;
	int err;
	bool written;
	bool done;
};

static unsigned long loadpol_writer_busy;

/* A reader: the live policy's text now, or nothing before the first. */
static int loadpol_reader_open(struct file *file)
{
	struct loadpol_live *live = loadpol_live_get();
	struct loadpol_reader *r;
	int err = -ENOMEM;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		goto out;
	if (live) {
		r->text = loadpol_policy_text(live->policy, &r->len);
		if (!r->text) {
			kfree(r);
			goto out;
		}
	}
	file->private_data = r;
	err = 0;
out:
	loadpol_live_put(live);
	return err;
}

static int loadpol_policy_open(struct inode *inode, struct file *file)
{
	struct loadpol_writer *w;

	if ((file->f_mode & FMODE_READ) && (file->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (!(file->f_mode & FMODE_WRITE))
		return loadpol_reader_open(file);
	/* Locked or not: once locked, the commit accepts only tightening. */
	if (!file_ns_capable(file, &init_user_ns, CAP_MAC_ADMIN))
		return -EPERM;
	if (test_and_set_bit_lock(0, &loadpol_writer_busy))
		return -EBUSY;
	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w) {
		clear_bit_unlock(0, &loadpol_writer_busy);
		return -ENOMEM;
	}
	mutex_init(&w->lock);
	file->private_data = w;
	return 0;
}

static ssize_t loadpol_policy_read(struct file *file, char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct loadpol_reader *r = file->private_data;

	return simple_read_from_buffer(buf, count, ppos, r->text, r->len);
}

/* Grow the buffer to hold at least need bytes. */
static int loadpol_writer_grow(struct loadpol_writer *w, size_t need)
{
	size_t size = max3(need, 2 * w->size, (size_t)PAGE_SIZE);
	char *buf;

	size = min_t(size_t, size, LOADPOL_MAX_SIZE);
	buf = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (w->len)
		memcpy(buf, w->buf, w->len);
	kvfree(w->buf);
	w->buf = buf;
	w->size = size;
	return 0;
}

/*
 * The text is appended whatever the offset (pwrite(2) too): it is one
 * stream.
 */
static ssize_t loadpol_policy_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct loadpol_writer *w = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&w->lock))
		return -EINTR;
	w->written = true;
	if (w->done) {
		ret = -EINVAL;
		goto out;
	}
	if (w->err) {
		ret = w->err;
		goto out;
	}
	if (count > LOADPOL_MAX_SIZE - w->len) {
		w->err = -EFBIG;
		ret = w->err;
		goto out;
	}
	if (w->len + count > w->size) {
		ret = loadpol_writer_grow(w, w->len + count);
		if (ret)
			goto out;
	}
	if (copy_from_user(w->buf + w->len, ubuf, count)) {
		ret = -EFAULT;
		goto out;
	}
	w->len += count;
	*ppos += count;
	ret = count;
out:
	mutex_unlock(&w->lock);
	return ret;
}

/* Called with w->lock held, once. */
static int loadpol_writer_apply(struct loadpol_writer *w)
{
	struct loadpol_attempt a = { .err = w->err };

	w->done = true;
	if (w->err) {
		a.error.reason = "too_large";
		snprintf(a.error.msg, sizeof(a.error.msg),
			 "policy larger than %u bytes", LOADPOL_MAX_SIZE);
		loadpol_audit_policy(&a);
		return w->err;
	}
	return loadpol_set_policy(w->buf ? w->buf : "", w->len);
}

/* The first close(2) after a write commits the text. */
static int loadpol_policy_flush(struct file *file, fl_owner_t id)
{
	struct loadpol_writer *w = file->private_data;
	int err = 0;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	mutex_lock(&w->lock);
	if (w->written && !w->done)
		err = loadpol_writer_apply(w);
	mutex_unlock(&w->lock);
	return err;
}

static int loadpol_policy_release(struct inode *inode, struct file *file)
{
	struct loadpol_writer *w = file->private_data;

	if (!(file->f_mode & FMODE_WRITE)) {
		struct loadpol_reader *r = file->private_data;

		kvfree(r->text);
		kfree(r);
		return 0;
	}
	/* Nobody else holds the file any more: no lock needed. */
	if (w->written && !w->done)
		loadpol_writer_apply(w);
	mutex_destroy(&w->lock);
	kvfree(w->buf);
	kfree(w);
	clear_bit_unlock(0, &loadpol_writer_busy);
	return 0;
}

static const struct file_operations loadpol_policy_fops = {
	.open = loadpol_policy_open,
	.read = loadpol_policy_read,
	.write = loadpol_policy_write,
	.flush = loadpol_policy_flush,
	.release = loadpol_policy_release,
	.llseek = generic_file_llseek,
};

/**
 * loadpol_init_fs() - create /sys/kernel/security/loadpol/policy
 *
 * Return: 0 or a negative errno.
 */
int __init loadpol_init_fs(void)
{
	struct dentry *dir, *file;

	dir = securityfs_create_dir("loadpol", NULL);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	file = securityfs_create_file("policy", 0600, dir, NULL,
				      &loadpol_policy_fops);
	if (IS_ERR(file)) {
		securityfs_remove(dir);
		return PTR_ERR(file);
	}
	return 0;
}
