// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: identical decision records coalesced, and users kept from
 * flooding the audit log
 *
 * The first decision record of an event is always written.  The same
 * decision again (same event attributes, rule, action, mode, policy, and
 * the same user and command) within LOADPOL_REPEAT_WINDOW is counted
 * instead, and one record with the count (lp_repeats=) follows when the
 * window is over, or when a newer decision needs the slot.  Distinct
 * events of users other than root are recorded up to LOADPOL_USER_BUDGET per
 * window; beyond that they are counted too (op=rate_limit lp_dropped=).
 * So no loop of an unprivileged user, requesting one module or endless
 * different ones, writes more than a bounded number of records, and root's
 * distinct events are all recorded.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define pr_fmt(fmt) "loadpol: " fmt

#include <linux/cred.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "loadpol.h"

#define LOADPOL_REPEAT_SLOTS	256
/*
 * Slots are looked up in sets of LOADPOL_REPEAT_WAYS: decisions that hash
 * to the same set take different ways instead of evicting each other on
 * every alternation (which would write each one as new, and drain the
 * user's budget).
 */
#define LOADPOL_REPEAT_WAYS	4
#define LOADPOL_REPEAT_SETS	(LOADPOL_REPEAT_SLOTS / LOADPOL_REPEAT_WAYS)
#define LOADPOL_REPEAT_WINDOW	(LOADPOL_REPEAT_SECONDS * HZ)
#define LOADPOL_USER_BUDGET	100

static struct loadpol_repeat loadpol_repeats[LOADPOL_REPEAT_SLOTS];
/* Which policy the slots' decisions were made under; bumped on a swap. */
static u32 loadpol_repeat_epoch;
static u32 loadpol_repeat_seed;
/* Records of distinct events of users other than root, this window. */
static unsigned long loadpol_budget_since;
static u32 loadpol_budget_used;
static u32 loadpol_budget_dropped;
static DEFINE_SPINLOCK(loadpol_repeat_lock);

static void loadpol_repeat_flush(struct work_struct *work);
static DECLARE_DELAYED_WORK(loadpol_repeat_work, loadpol_repeat_flush);

static u32 hash_str(const char *s, u32 h)
{
	return s ? jhash(s, strlen(s), h) : jhash_1word(0, h);
}

static u32 loadpol_repeat_key(const struct loadpol_event *event,
			      const struct loadpol_decision *decision,
			      enum loadpol_mode mode, const char *flaw,
			      kuid_t uid)
{
	u32 h = jhash_3words(event->kind | event->sig_ok << 1 |
			     event->origin_kernel << 2 | mode << 3 |
			     event->userns_nested << 4 |
			     event->unprivileged << 5,
			     decision->action, decision->rule,
			     loadpol_repeat_seed);

	h = jhash_2words(from_kuid(&init_user_ns, uid), (unsigned long)flaw, h);
	h = jhash(current->comm, strnlen(current->comm, TASK_COMM_LEN), h);
	h = hash_str(event->name, h);
	h = hash_str(event->path, h);
	h = hash_str(event->request, h);
	h = hash_str(event->modinfo_name, h);
	if (event->sha256)
		h = jhash(event->sha256, LOADPOL_DIGEST_SIZE, h);
	return h ?: 1;
}

/* Whether @way holds nothing that is still being counted. */
static bool loadpol_repeat_free(const struct loadpol_repeat *way,
				unsigned long now)
{
	return !way->key ||
	       (!way->count &&
		(way->epoch != loadpol_repeat_epoch ||
		 !time_before(now, way->since + LOADPOL_REPEAT_WINDOW)));
}

/*
 * The way of @key's set that counts it (*@hit), or else the one to take for
 * it: a free one, or the oldest, whose count the caller writes.
 */
static struct loadpol_repeat *loadpol_repeat_slot(u32 key, unsigned long now,
						  bool *hit)
{
	struct loadpol_repeat *set, *pick = NULL;
	int i;

	set = &loadpol_repeats[(key % LOADPOL_REPEAT_SETS) * LOADPOL_REPEAT_WAYS];
	*hit = false;
	for (i = 0; i < LOADPOL_REPEAT_WAYS; i++) {
		struct loadpol_repeat *way = &set[i];

		if (way->key == key && way->epoch == loadpol_repeat_epoch &&
		    time_before(now, way->since + LOADPOL_REPEAT_WINDOW)) {
			*hit = true;
			return way;
		}
		if (loadpol_repeat_free(way, now))
			pick = way;
		else if (!pick || (!loadpol_repeat_free(pick, now) &&
				   time_before(way->since, pick->since)))
			pick = way;
	}
	return pick;
}

/**
 * loadpol_repeat_suppress() - whether a decision record repeats one
 *	written already, or is over the user's budget
 * @event: the event decided
 * @decision: the action and the rule that decided
 * @mode: the mode of the policy in force
 * @flaw: the reason token of a refusal whatever the rules say, or NULL
 *
 * Counts the record instead of writing it when it is suppressed; writes
 * the count of another decision its slot held, if any.
 *
 * Return: true to leave the record out.
 */
bool loadpol_repeat_suppress(const struct loadpol_event *event,
			     const struct loadpol_decision *decision,
			     enum loadpol_mode mode, const char *flaw)
{
	/* The requester's: the kernel's modprobe loads on its behalf. */
	kuid_t uid = make_kuid(&init_user_ns, event->uid);
	u32 key = loadpol_repeat_key(event, decision, mode, flaw, uid);
	struct loadpol_repeat evicted = {}, *slot;
	unsigned long now = jiffies;
	bool suppress = true, hit;
	const char *subject;

	spin_lock(&loadpol_repeat_lock);
	slot = loadpol_repeat_slot(key, now, &hit);
	if (hit) {
		slot->count++;
		goto out;
	}
	if (!uid_eq(uid, GLOBAL_ROOT_UID)) {
		if (time_after_eq(now, loadpol_budget_since + LOADPOL_REPEAT_WINDOW) &&
		    !loadpol_budget_dropped) {
			loadpol_budget_since = now;
			loadpol_budget_used = 0;
		}
		if (loadpol_budget_used >= LOADPOL_USER_BUDGET) {
			loadpol_budget_dropped++;
			goto out;
		}
		loadpol_budget_used++;
	}
	if (slot->count)
		evicted = *slot;
	subject = event->kind == LOADPOL_EV_LOAD ? event->name : event->request;
	*slot = (struct loadpol_repeat){
		.key = key,
		.epoch = loadpol_repeat_epoch,
		.since = now,
		.kind = event->kind,
		.action = decision->action,
		.mode = mode,
		.rule = decision->rule,
		.flaw = flaw,
		.uid = uid,
	};
	strscpy(slot->subject, subject ?: "", sizeof(slot->subject));
	suppress = false;
out:
	spin_unlock(&loadpol_repeat_lock);
	if (suppress)
		schedule_delayed_work(&loadpol_repeat_work, LOADPOL_REPEAT_WINDOW);
	if (evicted.count)
		loadpol_audit_repeat(&evicted);
	return suppress;
}

/* Write the counts whose window is over; come back while some are not. */
static void loadpol_repeat_flush(struct work_struct *work)
{
	unsigned long now = jiffies;
	struct loadpol_repeat r;
	bool pending = false;
	u32 dropped = 0;
	int i;

	for (i = 0; i < LOADPOL_REPEAT_SLOTS; i++) {
		spin_lock(&loadpol_repeat_lock);
		r = loadpol_repeats[i];
		if (r.count && (time_after_eq(now, r.since + LOADPOL_REPEAT_WINDOW) ||
				r.epoch != loadpol_repeat_epoch)) {
			loadpol_repeats[i].count = 0;
			loadpol_repeats[i].key = 0;
		} else {
			pending |= r.count;
			r.count = 0;
		}
		spin_unlock(&loadpol_repeat_lock);
		if (r.count)
			loadpol_audit_repeat(&r);
	}
	spin_lock(&loadpol_repeat_lock);
	if (time_after_eq(now, loadpol_budget_since + LOADPOL_REPEAT_WINDOW)) {
		dropped = loadpol_budget_dropped;
		loadpol_budget_dropped = 0;
		loadpol_budget_used = 0;
		loadpol_budget_since = now;
	} else {
		pending |= loadpol_budget_dropped;
	}
	spin_unlock(&loadpol_repeat_lock);
	if (dropped)
		loadpol_audit_dropped(dropped);
	if (pending)
		schedule_delayed_work(&loadpol_repeat_work, LOADPOL_REPEAT_WINDOW);
}

/**
 * loadpol_repeat_new_policy() - decisions from now on are another policy's
 *
 * Called when a policy is put in force: the same event decided under the
 * new policy is recorded again; the counts of the old one are written when
 * their window is over.
 */
void loadpol_repeat_new_policy(void)
{
	spin_lock(&loadpol_repeat_lock);
	loadpol_repeat_epoch++;
	spin_unlock(&loadpol_repeat_lock);
}

/**
 * loadpol_repeat_init() - seed the hash of the decisions
 */
void __init loadpol_repeat_init(void)
{
	loadpol_repeat_seed = get_random_u32();
}
