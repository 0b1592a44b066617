#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# loadpolctl_test.sh LOADPOLCTL MODDIR: loadpolctl's offline commands on the
# host, as TAP.  MODDIR holds built test modules: loadpol_test_a.ko,
# loadpol_test_a.signed.ko, loadpol_test_b.ko (and .ko.xz or .ko.zst).
# (The digests against the kernel's: scripts/guest/loadpolctl-test.)
L=$1
M=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0 failed=0
ok() {	# ok STATUS DESCRIPTION...
	local status=$1

	shift
	n=$((n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $n $*"
	else
		echo "not ok $n $*"
		failed=$((failed + 1))
	fi
}
echo "1..29"

printf 'default deny\nallow name=a\n' >"$T/good"
out=$("$L" check "$T/good")
ok $? "check accepts a good policy: $out"
printf 'default deny\n\nallow nam=b\n' >"$T/bad"
out=$("$L" check "$T/bad" 2>&1)
[ $? -eq 1 ] && [ "$out" = "$T/bad:3: unknown key 'nam'" ]
ok $? "check: exit 1 and FILE:LINE: reason"
printf 'allow\0name=a\n' >"$T/nul"
out=$("$L" check "$T/nul" 2>&1)
[ $? -eq 1 ] && echo "$out" | grep -q ":1: "
ok $? "check reads NUL bytes as the kernel does: $out"
"$L" check "$T/missing" 2>/dev/null
[ $? -eq 1 ]
ok $? "check of a missing file fails"
"$L" check --help | grep -q '^usage: loadpolctl check FILE'
ok $? "check --help"
h=0
for c in generate explain load tighten lock status; do
	"$L" $c --help | grep -q "^usage: loadpolctl $c" || h=1
done
ok $h "--help on every command"

mkdir -p "$T/tree/sub"
cp "$M/loadpol_test_a.ko" "$T/tree/"
cp "$M/loadpol_test_a.signed.ko" "$T/tree/sub/"
cp "$M"/loadpol_test_b.ko.* "$T/tree/sub/"
mkdir -p "$T/tree/gz" "$T/tree/zst"
gzip -c "$M/loadpol_test_b.ko" >"$T/tree/gz/loadpol_test_b.ko.gz"
zstd -q -c "$M/loadpol_test_b.ko" >"$T/tree/zst/loadpol_test_b.ko.zst"
printf 'not a module' >"$T/tree/junk.ko"
"$L" generate --hash "$T/tree" >"$T/g1" 2>"$T/gen.err" &&
	"$L" generate --hash "$T/tree" >"$T/g2" 2>/dev/null && cmp -s "$T/g1" "$T/g2"
ok $? "generate --hash is deterministic"
grep -q "junk.ko: skipped: not a kernel module" "$T/gen.err"
ok $? "generate skips what is not a module, and says so"
a=$(sha256sum "$M/loadpol_test_a.ko" | cut -d' ' -f1)
b=$(sha256sum "$M/loadpol_test_b.ko" | cut -d' ' -f1)
[ "$(grep -c "^allow sha256=$a  # loadpol_test_a " "$T/g1")" -eq 2 ]
ok $? "the signed copy's digest is the unsigned image's"
grep -q "^allow sha256=$b  # loadpol_test_b sub/loadpol_test_b.ko." "$T/g1" &&
	grep -q "^allow sha256=$b  # loadpol_test_b gz/loadpol_test_b.ko.gz" "$T/g1" &&
	grep -q "^allow sha256=$b  # loadpol_test_b zst/loadpol_test_b.ko.zst" "$T/g1"
ok $? "compressed modules (the build's, gzip, zstd): the digest is the decompressed image's"
"$L" check "$T/g1" >/dev/null
ok $? "the generated policy passes check"
"$L" generate "$T/tree" 2>/dev/null >"$T/names"
[ "$(grep -c '^allow' "$T/names")" -eq 2 ] && grep -qx 'allow name=loadpol_test_a' "$T/names" &&
	grep -qx 'allow name=loadpol_test_b' "$T/names"
ok $? "generate by name: one rule per module name"

out=$("$L" explain "$T/g1" "$M/loadpol_test_a.signed.ko")
[ $? -eq 0 ] && echo "$out" | grep -q "^allow: rule 1 "
ok $? "explain a load: $(echo "$out" | tail -n 1)"
printf 'default deny\nallow signed=yes\n' >"$T/signed"
out=$("$L" explain "$T/signed" "$M/loadpol_test_a.signed.ko")
[ $? -eq 3 ] &&
	echo "$out" | grep -q "^note: .*carries an appended signature; taken as signed=no" &&
	"$L" explain "$T/signed" "$M/loadpol_test_a.signed.ko" --signed |
	grep -q "^allow: rule 1 " &&
	! "$L" explain "$T/signed" "$M/loadpol_test_a.ko" | grep -q "^note:"
note=$(echo "$out" | grep '^note:' | cut -c1-60)
ok $? "explain says when a file carries a signature and what it assumed: $note..."
printf 'default deny\ndeny request=net-pf-*\nallow request=fs-*\n' >"$T/req"
out=$("$L" explain "$T/req" --request net-pf-10)
[ $? -eq 3 ] && echo "$out" | grep -q "^deny: rule 1 ($T/req line 2)"
ok $? "explain a request: $(echo "$out" | tail -n 1)"
printf '%s\n' 'allow request=* privileged=yes' \
	'allow request=fs-* userns=nested uid=1000-1999' 'deny request=*' >"$T/who"
out=$("$L" explain "$T/who" --request algif-aead --as uid=1000,privileged=no)
[ $? -eq 3 ] && echo "$out" | grep -qx "requester: userns=init privileged=no uid=1000" &&
	echo "$out" | grep -q "^deny: rule 3 "
ok $? "explain --as an unprivileged requester: $(echo "$out" | tail -n 1)"
out=$("$L" explain "$T/who" --request fs-ext4 --as uid=1500,privileged=no,userns=nested)
[ $? -eq 0 ] && echo "$out" | grep -q "^allow: rule 2 "
ok $? "explain --as root of a user namespace: $(echo "$out" | tail -n 1)"
"$L" explain "$T/who" --request x --as uid=-1 2>/dev/null
[ $? -eq 2 ]
ok $? "explain --as refuses a bad requester"
printf 'kernel/fs/ext4/ext4.ko\nkernel/sound/core/snd-pcm.ko\n' >"$T/modules.builtin"
printf 'default allow\ndeny name=snd-pcm\nallow name=ext4\ndeny name=xfs\n' >"$T/bi"
out=$("$L" check "$T/bi" --builtin "$T/modules.builtin")
[ $? -eq 0 ] &&
	echo "$out" | grep -q "^$T/bi:2: warning: snd_pcm is built into the kernel .*initcall" &&
	echo "$out" | grep -q "^$T/bi:3: note: ext4 is built into the kernel" &&
	! echo "$out" | grep -q ":4: " &&
	echo "$out" | grep -q "; 2 warnings (2 built-in modules)$"
ok $? "check --builtin names rules for built-in modules, and what to do"
# generate --from-audit: the record forms auditd, ausearch -i and the kernel
# log write (watch's: scripts/guest/loadpolctl-test, auditd's on a real
# system: scripts/guest/distro-test).
r='type=UNKNOWN[1460] msg=audit(1764000000.200:9):'
i='type=UNKNOWN[1460] msg=audit(11/24/26 06:00:01'
aud='lp_action=audit res=1 enforcing=0'
{
	echo "$r op=load name=\"loadpol_test_a\" signed=no origin=kernel $aud" \
		"lp_rule=default pid=12 uid=0 comm=\"modprobe\""
	echo 'type=SYSCALL msg=audit(1764000000.200:9): arch=c000003e syscall=313' \
		'success=yes exit=0 comm="modprobe"'
	echo "$r op=request request=\"crypto-aes*\" $aud comm=6D6F756E74"
	echo "$r op=load name=\"isofs\" signed=no origin=user lp_action=deny res=0" \
		"enforcing=1 comm=\"insmod\""
	echo "$r op=load name=\"loadpol_test_a\" lp_action=audit enforcing=0 uid=0" \
		"lp_repeats=3 lp_seconds=5"
	echo "$r op=rate_limit lp_dropped=7 lp_seconds=5"
	echo 'type=UNKNOWN[1461] msg=audit(1764000000.100:8): op=policy-load res=1 errno=0'
	echo "$i.100:20) : op=load name=loadpol_test_b signed=no origin=user" \
		"lp_action=audit res=yes enforcing=0 lp_rule=default comm=insmod"
	echo "$i.200:21) : op=load name=xfs signed=no origin=user lp_action=deny" \
		"res=no enforcing=1 comm=insmod"
	echo "[    3.1] audit: type=1460 audit(1764000003.100:30): op=request" \
		"request=\"net-pf-17\" $aud comm=\"perl\""
} >"$T/learn.log"
"$L" generate --from-audit "$T/learn.log" "$T/tree" >"$T/learned" 2>"$T/learn.err"
rc=$?
sed 's/^/# /' "$T/learned" "$T/learn.err"
[ $rc -eq 0 ] && [ "$(grep -c '^allow ' "$T/learned")" -eq 4 ] &&
	grep -qx "allow name=loadpol_test_a  # $T/learn.log:1 by modprobe, origin kernel" \
		"$T/learned" &&
	grep -qx "allow name=loadpol_test_b  # $T/learn.log:8 by insmod, origin user" \
		"$T/learned" &&
	grep -qx "allow request=crypto-aes\[\*\]  # $T/learn.log:3 by mount" "$T/learned" &&
	grep -qx "allow request=net-pf-17  # $T/learn.log:10 by perl" "$T/learned" &&
	"$L" check "$T/learned" >/dev/null
ok $? "generate --from-audit reads auditd's log, ausearch -i and the kernel log;" \
	"a glob character is made literal"
grep -q ": 10 lines, 7 decision records: 4 modules and requests learned, 2 refused and 1 repeats" \
	"$T/learn.err" &&
	grep -q "warning: .* 7 decisions of users other than root were not recorded" \
		"$T/learn.err" &&
	! grep -q "isofs\|xfs" "$T/learned"
ok $? "generate --from-audit leaves out refusals and repeats, and warns of unrecorded decisions"
"$L" generate --hash --from-audit "$T/learn.log" "$T/tree" 2>/dev/null >"$T/learned-hash"
cnt=$(grep -c "^allow sha256=$a  # loadpol_test_a .*; $T/learn.log:1 by modprobe" "$T/learned-hash")
[ "$cnt" -eq 2 ] &&
	grep -q "^allow sha256=$b  # loadpol_test_b " "$T/learned-hash" &&
	! grep -q "^allow name=" "$T/learned-hash"
ok $? "generate --hash --from-audit pins the learned modules by the digests of the tree's files"
printf 'type=SYSCALL msg=audit(1.0:1): syscall=2\nnot a record\n' >"$T/other.log"
"$L" generate --from-audit "$T/other.log" "$T/tree" >"$T/learned-none" 2>"$T/learn-none.err"
rc=$?
[ $rc -eq 0 ] &&
	grep -q "warning: .*other.log holds no loadpol decision record" "$T/learn-none.err" &&
	! grep -q "^allow " "$T/learned-none"
ok $? "generate --from-audit of a file without loadpol's records warns, and allows nothing"
# explain --cert: an appended signature checked as the kernel checks it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
	-subj /CN=loadpol-test -days 2 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" -out "$T/other.pem" \
	-subj /CN=another -days 2 2>/dev/null
sign() {	# sign IN OUT: the kernel's appended signature (sign-file's format)
	openssl cms -sign -in "$1" -signer "$T/cert.pem" -inkey "$T/key.pem" -binary \
		-noattr -nocerts -outform DER -md sha256 -keyid -out "$T/sig" &&
	{ cat "$1" "$T/sig"; perl -e 'print pack("C8N", 0, 0, 2, 0, 0, 0, 0, 0, $ARGV[0])' \
		"$(stat -c %s "$T/sig")"; printf '~Module signature appended~\n'; } >"$2"
}
sign "$M/loadpol_test_a.ko" "$T/signed.ko"
cp "$T/signed.ko" "$T/tampered.ko"
printf 'X' | dd of="$T/tampered.ko" bs=1 seek=200 conv=notrunc 2>/dev/null
printf 'default deny\nallow signed=yes\n' >"$T/signed.policy"
"$L" explain "$T/signed.policy" "$T/signed.ko" --cert "$T/cert.pem" >"$T/ex1" 2>&1
r1=$?
"$L" explain "$T/signed.policy" "$T/signed.ko" --cert "$T/other.pem" >"$T/ex2" 2>&1
r2=$?
"$L" explain "$T/signed.policy" "$T/tampered.ko" --cert "$T/cert.pem" >"$T/ex3" 2>&1
r3=$?
"$L" explain "$T/signed.policy" "$M/loadpol_test_a.ko" --cert "$T/cert.pem" >"$T/ex4" 2>&1
r4=$?
"$L" explain "$T/signed.policy" "$T/signed.ko" >"$T/ex5" 2>&1
r5=$?
sed 's/^/# /' "$T/ex1" "$T/ex2" "$T/ex3" "$T/ex4" "$T/ex5"
[ $r1 -eq 0 ] && grep -q "signature verifies against $T/cert.pem: signed=yes" "$T/ex1" &&
	grep -q "^allow: rule 1 " "$T/ex1" &&
	[ $r2 -eq 3 ] && grep -q "signed=no (.*; checked against $T/other.pem)" "$T/ex2" &&
	[ $r3 -eq 3 ] && grep -q "signed=no (.*; checked against $T/cert.pem)" "$T/ex3" &&
	[ $r4 -eq 3 ] && grep -q "signed=no (no appended signature; checked against" "$T/ex4" &&
	[ $r5 -eq 3 ] && grep -q "carries an appended signature; taken as signed=no" "$T/ex5"
ok $? "explain --cert: signed=yes only for a signature that verifies against the certificate;" \
	"otherwise it says why, and without --cert what it assumed"
# check --kernel: a kernel's tree (modules.dep, softdep, builtin) against a policy.
d=$T/root/lib/modules/9.9
mkdir -p "$d/extra" "$d/kernel/x"
cp "$M/loadpol_test_a.ko" "$M/loadpol_test_fs.ko" "$d/extra/"
cp "$M/loadpol_test_b.ko" "$d/kernel/x/"
printf '%s\n' 'extra/loadpol_test_a.ko: kernel/x/loadpol_test_b.ko' \
	'kernel/x/loadpol_test_b.ko:' 'extra/loadpol_test_fs.ko:' >"$d/modules.dep"
echo 'softdep loadpol_test_b pre: loadpol_test_fs' >"$d/modules.softdep"
echo 'kernel/fs/ext4/ext4.ko' >"$d/modules.builtin"
printf 'default deny\nallow name=loadpol_test_a\nallow name=gone\nallow sha256=%064d\n' 0 \
	>"$T/upgrade"
out=$("$L" check "$T/upgrade" --kernel 9.9 --root "$T/root")
rc=$?
dep="loadpol_test_a is allowed, but loadpol_test_b, which it needs, is refused"
stale="warning: no module of 9.9 matches"
[ $rc -eq 5 ] && echo "$out" | grep -qx "error: 9.9: $dep" &&
	echo "$out" | grep -q "^$T/upgrade:3: $stale 'allow name=gone'" &&
	echo "$out" | grep -q "^$T/upgrade:4: $stale 'allow sha256=0000" &&
	echo "$out" | grep -q "3 modules, 1 allowed, 1 built in; 1 dependency problems, 2 warnings$"
ok $? "check --kernel: a refused dependency (exit 5), a renamed module, a stale pin"
printf 'default deny\nallow name=loadpol_test_a\nallow name=loadpol_test_b\n' >"$T/upgrade2"
out=$("$L" check "$T/upgrade2" --kernel 9.9 --root "$T/root")
rc=$?
printf 'default deny\nallow name=loadpol_test_*\n' >"$T/upgrade3"
[ $rc -eq 5 ] && echo "$out" | grep -q "loadpol_test_b is allowed, but loadpol_test_fs, which" &&
	"$L" check "$T/upgrade3" --kernel 9.9 --root "$T/root" >/dev/null
ok $? "check --kernel: soft dependencies count; a policy allowing all needed exits 0"
# check --kernel --initramfs: the modules an initramfs tree holds (merged /usr)
# that the policy refuses are named, a warning (exit 4).
ird=$T/initramfs/usr/lib/modules/9.9/kernel/x
mkdir -p "$ird"
ln -s usr/lib "$T/initramfs/lib"
cp "$M/loadpol_test_a.ko" "$M/loadpol_test_fs.ko" "$M/loadpol_test_b.ko.xz" "$ird/"
out=$("$L" check "$T/upgrade3" --kernel 9.9 --root "$T/root" --initramfs "$T/initramfs")
rc3=$?
printf 'default deny\nallow name=loadpol_test_fs\n' >"$T/ird"
out=$("$L" check "$T/ird" --kernel 9.9 --root "$T/root" --initramfs "$T/initramfs")
rc=$?
echo "$out" | sed 's/^/# /'
held="the initramfs holds modules the policy refuses: loadpol_test_a loadpol_test_b;"
[ $rc3 -eq 0 ] && [ $rc -eq 4 ] &&
	echo "$out" | grep -q "^9.9: initramfs $T/initramfs: 3 modules, 2 refused$" &&
	echo "$out" | grep -q "^warning: 9.9: $held" &&
	! "$L" check "$T/ird" --initramfs "$T/initramfs" >/dev/null 2>&1
ok $? "check --kernel --initramfs: names the modules an initramfs holds that the policy refuses"
# generate --kernel / --all-kernels: another kernel's tree, and every one
# installed (the same build in two trees: one pin naming both files).
mkdir -p "$T/root/lib/modules/9.8/kernel"
cp "$M/loadpol_test_a.ko" "$M/loadpol_test_req.ko" "$T/root/lib/modules/9.8/kernel/"
r=$(sha256sum "$M/loadpol_test_req.ko" | cut -d" " -f1)
"$L" generate --hash --root "$T/root" --kernel 9.9 >"$T/gen99" 2>/dev/null &&
	"$L" generate --hash --root "$T/root" --all-kernels >"$T/genall" 2>/dev/null
rc=$?
sed 's/^/# /' "$T/genall"
[ $rc -eq 0 ] && [ "$(grep -c '^allow ' "$T/gen99")" -eq 3 ] && ! grep -q "$r" "$T/gen99" &&
	[ "$(grep -c '^allow ' "$T/genall")" -eq 4 ] &&
	grep -q "^allow sha256=$a  # loadpol_test_a 9.8/kernel/loadpol_test_a.ko, $(
		)9.9/.*loadpol_test_a.ko$" "$T/genall" &&
	grep -q "^allow sha256=$r  # loadpol_test_req 9.8/kernel/loadpol_test_req.ko" "$T/genall" &&
	! "$L" generate --kernel 9.9 "$T/tree" >/dev/null 2>&1 &&
	! "$L" generate --kernel 9.9 --all-kernels >/dev/null 2>&1
ok $? "generate --kernel VERSION pins that kernel's modules; --all-kernels every installed kernel's"
# check --kernel --in-use: the running kernel's tree (named as uname -r
# says) has loadpol_test_req, in use; 9.9 has it as loadpol_test_fs (the
# same alias): a policy of the running kernel's pins refuses it there.
o=$T/root/lib/modules/$(uname -r)
mkdir -p "$o/kernel"
cp "$M/loadpol_test_a.ko" "$M/loadpol_test_req.ko" "$o/kernel/"
printf '%s\n' 'kernel/loadpol_test_a.ko:' 'kernel/loadpol_test_req.ko:' >"$o/modules.dep"
echo 'alias fs-loadpoltestfs loadpol_test_req' >"$o/modules.alias"
echo 'alias fs-loadpoltestfs loadpol_test_fs' >"$d/modules.alias"
printf '%s 16384 0 - Live 0x0\n' loadpol_test_a loadpol_test_req outoftree >"$T/in-use"
"$L" generate --hash "$o" >"$T/pins" 2>/dev/null
out=$("$L" check "$T/pins" --kernel 9.9 --root "$T/root" --in-use "$T/in-use")
rc=$?
echo "$out" | sed 's/^/# /'
{ cat "$T/pins"; echo 'allow name=loadpol_test_fs'; } >"$T/pins2"
out2=$("$L" check "$T/pins2" --kernel 9.9 --root "$T/root" --in-use "$T/in-use")
rc2=$?
[ $rc -eq 5 ] &&
	echo "$out" | grep -qx "error: 9.9: loadpol_test_req is in use now; 9.9 has it as $(
		)loadpol_test_fs (alias fs-loadpoltestfs), which the policy refuses" &&
	echo "$out" | grep -q "^warning: 9.9: outoftree is in use now, and 9.9 has no module" &&
	! echo "$out" | grep -q "loadpol_test_a is in use" &&
	[ $rc2 -eq 5 ] &&
	echo "$out2" | grep -q "has it as loadpol_test_fs .*which the policy allows" &&
	echo "$out2" | grep -q "loadpol_test_a is allowed, but loadpol_test_b, which"
ok $? "check --kernel --in-use: a module in use, renamed in the new kernel and refused" \
	"there (exit 5)"
# The fix: the policy of what is in use, for 9.9, follows the rename and
# adds what the chosen modules need there; check --kernel then passes.
"$L" generate --hash --from-loaded --in-use "$T/in-use" --root "$T/root" --kernel 9.9 \
	>"$T/next" 2>/dev/null
rc=$?
sed 's/^/# /' "$T/next"
"$L" check "$T/next" --kernel 9.9 --root "$T/root" --in-use "$T/in-use" >/dev/null
rc2=$?
fs=$(sha256sum "$M/loadpol_test_fs.ko" | cut -d" " -f1)
[ $rc -eq 0 ] && [ "$(grep -c '^allow ' "$T/next")" -eq 3 ] &&
	grep -qx "allow sha256=$a  # loadpol_test_a extra/loadpol_test_a.ko" "$T/next" &&
	grep -qx "allow sha256=$b  # loadpol_test_b kernel/x/loadpol_test_b.ko; $(
		)needed by loadpol_test_a" "$T/next" &&
	grep -q "^allow sha256=$fs  # loadpol_test_fs extra/loadpol_test_fs.ko; $(
		)loadpol_test_req renamed" "$T/next" &&
	[ $rc2 -eq 4 ] &&
	"$L" generate --hash --from-loaded --in-use "$T/in-use" --root "$T/root" --all-kernels \
		>"$T/both" 2>"$T/both.err" &&
	grep -q "^allow sha256=$fs  # loadpol_test_fs 9.9/extra/.*; loadpol_test_req renamed" \
		"$T/both" &&
	grep -q "^allow sha256=$r  # loadpol_test_req $(uname -r)/kernel/" "$T/both" &&
	[ "$(grep -c "^allow sha256=$a " "$T/both")" -eq 1 ] &&
	grep "^allow sha256=$a  # loadpol_test_a " "$T/both" | grep -F "$(uname -r)/" |
		grep -F 9.8/kernel/loadpol_test_a.ko | grep -qF 9.9/extra/loadpol_test_a.ko &&
	! grep -q "modules.dep" "$T/both.err"
ok $? "generate --from-loaded --kernel: follows a rename (modules.alias) and adds what" \
	"is needed; check --kernel --in-use then finds no problem; --all-kernels: every" \
	"kernel's, renames followed"
exit $failed
