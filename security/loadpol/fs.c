// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: /sys/kernel/security/loadpol/policy
 *
 * Reading gives the live policy in canonical form, as it was when the file
 * was opened.  Writing replaces it: the text may come in any number of
 * write(2) calls and takes effect when the writer closes its last
 * descriptor of the file; a text that does not parse changes nothing and
 * that close(2) returns its error.  One writer at a time.
 *
 * ->flush runs at every close(2) of a descriptor, and is the only file
 * operation whose result close(2) reports; a shell redirection dups the
 * file and closes the original before anything is written.  So the text is
 * applied by the flush that drops the last reference, or, if another
 * thread still held one then (a write in flight), by ->release, where the
 * error can only be logged and audited.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "loadpol.h"

/**
 * struct loadpol_writer - a policy text being written
 * @buf: the text so far
 * @len: its length
 * @size: size of @buf
 * @err: an error that ends the write (-EFBIG), reported again on close
 * @done: the text was applied (or refused)
 */
struct loadpol_writer {
	char *buf;
	size_t len;
	size_t size;
	int err;
	bool done;
};

static unsigned long loadpol_writer_busy;

static int loadpol_policy_open(struct inode *inode, struct file *file)
{
	struct loadpol_writer *w;

	if ((file->f_mode & FMODE_READ) && (file->f_mode & FMODE_WRITE))
		return -EINVAL;
	if (!(file->f_mode & FMODE_WRITE)) {
		file->private_data = loadpol_live_get();
		return 0;
	}
	if (!file_ns_capable(file, &init_user_ns, CAP_MAC_ADMIN))
		return -EPERM;
	if (loadpol_is_locked())
		return -EPERM;
	if (test_and_set_bit_lock(0, &loadpol_writer_busy))
		return -EBUSY;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w) {
		clear_bit_unlock(0, &loadpol_writer_busy);
		return -ENOMEM;
	}
	file->private_data = w;
	return 0;
}

static ssize_t loadpol_policy_read(struct file *file, char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct loadpol_live *live = file->private_data;

	if (!live)
		return 0;
	return simple_read_from_buffer(buf, count, ppos, live->policy->text,
				       live->policy->text_len);
}

/* Grow the buffer to hold at least need bytes. */
static int loadpol_writer_grow(struct loadpol_writer *w, size_t need)
{
	size_t size = max3(need, 2 * w->size, (size_t)PAGE_SIZE);
	char *buf;

	size = min_t(size_t, size, LOADPOL_MAX_SIZE);
	buf = kvmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (w->len)
		memcpy(buf, w->buf, w->len);
	kvfree(w->buf);
	w->buf = buf;
	w->size = size;
	return 0;
}

static ssize_t loadpol_policy_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct loadpol_writer *w = file->private_data;
	int err;

	if (w->done)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (count > LOADPOL_MAX_SIZE - w->len) {
		w->err = -EFBIG;
		return w->err;
	}
	if (w->len + count > w->size) {
		err = loadpol_writer_grow(w, w->len + count);
		if (err)
			return err;
	}
	if (copy_from_user(w->buf + w->len, ubuf, count))
		return -EFAULT;
	w->len += count;
	*ppos += count;
	return count;
}

static int loadpol_writer_apply(struct loadpol_writer *w)
{
	struct loadpol_parse_error error = {};

	w->done = true;
	if (w->err) {
		snprintf(error.msg, sizeof(error.msg),
			 "policy larger than %u bytes", LOADPOL_MAX_SIZE);
		loadpol_audit_policy(w->err, NULL, NULL, &error);
		return w->err;
	}
	return loadpol_set_policy(w->buf ? w->buf : "", w->len, &error);
}

static int loadpol_policy_flush(struct file *file, fl_owner_t id)
{
	struct loadpol_writer *w = file->private_data;

	if (!(file->f_mode & FMODE_WRITE) || w->done || file_count(file) > 1)
		return 0;
	return loadpol_writer_apply(w);
}

static int loadpol_policy_release(struct inode *inode, struct file *file)
{
	struct loadpol_writer *w = file->private_data;

	if (!(file->f_mode & FMODE_WRITE)) {
		loadpol_live_put(file->private_data);
		return 0;
	}
	if (!w->done)
		loadpol_writer_apply(w);
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
