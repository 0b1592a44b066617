// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target of the policy engine: parse any input; when it parses,
 * its canonical text must parse back to the same text, and the indexed and
 * linear matchers must agree on events made from the input's own words.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <assert.h>

#include "policy.h"

static void decide_both(const struct loadpol_policy *p,
			const struct loadpol_event *ev)
{
	struct loadpol_decision d, lin;

	loadpol_decide(p, ev, &d);
	loadpol_decide_linear(p, ev, &lin);
	assert(d.action == lin.action && d.rule == lin.rule);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct loadpol_policy *p, *again;
	struct loadpol_parse_error error;
	struct loadpol_event ev = {};
	char word[64], *text, *again_text;
	size_t len, again_len;
	u8 digest[LOADPOL_DIGEST_SIZE] = {};
	size_t i, n;

	if (loadpol_policy_parse((const char *)data, size, &p, &error)) {
		assert(error.msg[0]);
		return 0;
	}
	text = loadpol_policy_text(p, &len);
	assert(text && !loadpol_policy_parse(text, len, &again, &error));
	again_text = loadpol_policy_text(again, &again_len);
	assert(again_text && again_len == len && !strcmp(again_text, text));
	/* A policy tightens its own canonical text, and loosens nothing. */
	assert(!loadpol_policy_tightens(p, again, &error));
	loadpol_policy_free(again);
	free(text);
	free(again_text);

	/* Events named after the values the rules hold, and the input's tail. */
	n = size < sizeof(word) - 1 ? size : sizeof(word) - 1;
	memcpy(word, data + size - n, n);
	word[n] = '\0';
	for (i = 0; i <= p->nr_rules && i < 64; i++) {
		const struct loadpol_rule *r = i < p->nr_rules ? &p->rules[i] : NULL;

		ev.kind = LOADPOL_EV_LOAD;
		ev.name = r && r->name ? r->name : word;
		ev.path = r && r->path ? r->path : (i & 1 ? word : NULL);
		memcpy(digest, r ? r->sha256 : digest, sizeof(digest));
		ev.sha256 = i & 2 ? NULL : digest;
		ev.sig_ok = i & 4;
		ev.origin_kernel = i & 8;
		ev.userns_nested = i & 16;
		ev.unprivileged = i & 32;
		ev.uid = !r ? 0 : i & 1 ? r->uid_hi : r->uid_lo - (i & 2 ? 1 : 0);
		decide_both(p, &ev);
		ev.kind = LOADPOL_EV_REQUEST;
		ev.request = r && r->request ? r->request : word;
		decide_both(p, &ev);
	}
	loadpol_policy_free(p);
	return 0;
}
