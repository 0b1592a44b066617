# SPDX-License-Identifier: GPL-2.0-only
# Turn the console log of one test boot into one result line per test:
#   PASS|FAIL|SKIP <label>/<group>/<test>
# followed, for a failure, by the lines the group printed since its previous
# result ("  | ..."), which hold the assertion that failed.
#
# Groups are framed by "@@loadpol-begin GROUP" and "@@loadpol-end GROUP RC"
# (scripts/guest/run-groups, or scripts/run-tests for host programs).  In the
# kunit group the tests are the KTAP results of each suite's cases, and of
# each parameter of a parameterised case; in any other group they are the
# top-level TAP results (kselftest_harness, the host test programs).
# A group that never ends, promises more results than it gives, gives none,
# or exits non-zero without a failed result is itself a failure.
#
# Variables: label (boot name, e.g. "default").

function emit(kind, name,    i) {
	printf "%s %s/%s/%s\n", kind, label, group, name
	if (kind == "FAIL")
		for (i = 0; i < nctx; i++)
			printf "  | %s\n", ctx[i]
	nctx = 0
	count++
	if (kind == "FAIL")
		failed++
}

function remember(line) {
	if (nctx < 40)
		ctx[nctx++] = line
}

function result(line, prefix,    ok, rest, name) {
	rest = substr(line, length(prefix) + 1)
	ok = rest !~ /^not /
	sub(/^(not )?ok [0-9]+ ?/, "", rest)
	name = rest
	sub(/ # .*$/, "", name)
	if (rest ~ / # (SKIP|skip)/)
		emit("SKIP", name)
	else
		emit(ok ? "PASS" : "FAIL", name)
}

/^@@loadpol-begin / {
	group = $2; count = 0; failed = 0; plan = -1; nctx = 0; suite = ""
	kcase = ""; params = 0; pfailed = 0
	next
}

/^@@loadpol-end / && group != "" {
	rc = $3
	if (plan >= 0 && count < plan)
		emit("FAIL", "(only " count " of " plan " results: the test program died?)")
	else if (count == 0)
		emit("FAIL", "(no results)")
	else if (rc != 0 && failed == 0)
		emit("FAIL", "(exit status " rc " without a failed test)")
	group = ""
	next
}

group == "" { next }

group == "kunit" {
	# Suites at depth 1 (4 spaces), cases at depth 2 (8); the results of
	# a parameterised case's parameters are counted one by one.
	if ($0 ~ /^    # Subtest: /) {
		suite = substr($0, 16)
	} else if ($0 ~ /^        # Subtest: /) {
		kcase = substr($0, 20)
	} else if ($0 ~ /^        (not )?ok [0-9]+ /) {
		line = $0
		sub(/^        /, "", line)
		sub(/^(not )?ok [0-9]+ /, "&" suite "." kcase ".", line)
		result(line, "")
		params++
		pfailed += line ~ /^not /
	} else if ($0 ~ /^    (not )?ok [0-9]+ /) {
		line = $0
		sub(/^    /, "", line)
		sub(/^(not )?ok [0-9]+ /, "&" suite ".", line)
		if (!params || (line ~ /^not / && !pfailed))
			result(line, "")
		params = 0
		pfailed = 0
	} else if ($0 ~ /^ *# / || $0 ~ /^ +(not )?ok /) {
		remember($0)
	}
	next
}

{
	if ($0 ~ /^1\.\.[0-9]+$/)
		plan = substr($0, 4) + 0
	else if ($0 ~ /^(not )?ok [0-9]+/)
		result($0, "")
	else
		remember($0)
}

END {
	if (group != "")
		emit("FAIL", "(did not finish: the guest crashed or hung)")
}
