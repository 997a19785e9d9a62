#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Guest tier: run tests/integration/run.sh inside a QEMU guest that boots
# Debian's stock kernel (linux-image-amd64, downloaded and unpacked into the
# cache, never installed) from a busybox initramfs, so cgroup v2 cpu, memory
# and pids controllers, overlayfs, veth and bridges are all real.
#
# Environment:
#   SANDBOX       built launcher            (default build/sandbox)
#   PROBE         static probe program      (default build/probe)
#   VM_CACHE      cache and log directory   (default build/vm)
#   VM_TESTS_DIR  integration test dir      (default tests/integration)
#   VM_TIMEOUT    seconds for the whole guest run (default 1200)
#   VM_MODULES    extra kernel modules to load, besides overlay veth bridge
#   VM_EXTRA_BINS extra host programs (names or paths) to copy with their libs
#   VM_TEST_ARGS  arguments passed to the integration harness (so are this
#                 script's own arguments; split on blanks in the guest)
#   VM_SHELL=1    boot to an interactive shell instead of running the suite
#   VM_QUIET=1    do not echo the guest console live (it is still logged)
#   VM_APPEND     extra kernel command line
#   VM_BZIMAGE=1  boot the compressed bzImage rather than the PVH vmlinux
#   VM_ACCEL      QEMU accelerator (default tcg: nested KVM guests hang here)
# Variables named SANDBOX_* are forwarded into the guest (e.g.
# SANDBOX_TEST_TIMEOUT), except those naming host paths or ids.
#
# Output files in VM_CACHE: console.log (whole guest console), suite.txt
# (the suite's output), results.txt (its PASS/FAIL/SKIP lines, for
# `tests/integration/run.sh --must-work`) and skips.txt (its SKIP lines).
#
# Exit: 0 when the suite's "N passed, N failed" line shows 0 failed and the
# harness exited 0; 1 on failures, a missing summary (panic, timeout) or a
# setup error; 77 when the guest tier cannot run here (no kernel, no QEMU).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$PWD" "$1" ;;
	esac
}

SANDBOX=$(abspath "${SANDBOX:-$repo/build/sandbox}")
PROBE=$(abspath "${PROBE:-$repo/build/probe}")
VM_CACHE=$(abspath "${VM_CACHE:-$repo/build/vm}")
VM_TESTS_DIR=$(abspath "${VM_TESTS_DIR:-$repo/tests/integration}")
VM_TIMEOUT=${VM_TIMEOUT:-1200}
VM_SHELL=${VM_SHELL:-0}
modules_wanted="overlay veth bridge ${VM_MODULES:-}"

BEGIN_MARK="===== BEGIN SANDBOX GUEST SUITE ====="
END_MARK_PREFIX="===== END SANDBOX GUEST SUITE"

note() { printf 'vm: %s\n' "$*"; }
die() {
	printf 'vm: error: %s\n' "$*" >&2
	exit 1
}
skip() {
	printf 'SKIP guest tier: %s\n' "$*"
	exit 77
}

start=$SECONDS
mkdir -p "$VM_CACHE"
# One run at a time per cache directory.
exec 9>"$VM_CACHE/.lock"
if command -v flock >/dev/null && ! flock -n 9; then
	note "waiting for another run using $VM_CACHE"
	flock 9
fi
rm -f "$VM_CACHE/skips.txt" "$VM_CACHE/results.txt" "$VM_CACHE/suite.txt"

command -v qemu-system-x86_64 >/dev/null ||
	skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
busybox=$(command -v busybox) ||
	skip "busybox is not installed (apt-get install busybox-static)"
[[ -x $SANDBOX ]] || die "no sandbox binary at $SANDBOX (build it first)"
[[ -x $PROBE ]] || die "no probe binary at $PROBE (build it first)"
[[ -f $VM_TESTS_DIR/run.sh ]] || die "no integration harness at $VM_TESTS_DIR/run.sh"

# --- 1. Debian's stock kernel, cached in $VM_CACHE/kernel/<package>/ -------

resolve_kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# use_cached_kernel WHY: fall back to a kernel unpacked by an earlier run.
use_cached_kernel() {
	local stamp
	for stamp in "$VM_CACHE"/kernel/*/.complete; do
		[[ -e $stamp ]] || continue
		kernel_root=${stamp%/.complete}
		note "$1; using cached ${kernel_root##*/}"
		return 0
	done
	return 1
}

fetch_kernel() {
	local pkg dl deb tmp log=$VM_CACHE/apt.log
	pkg=$(resolve_kernel_package) || pkg=""
	if [[ -z $pkg ]]; then
		note "linux-image-amd64 not in the package lists; running apt-get update"
		apt-get update -q >"$log" 2>&1 || true
		pkg=$(resolve_kernel_package) || pkg=""
	fi
	if [[ -z $pkg ]]; then
		use_cached_kernel "cannot resolve linux-image-amd64" ||
			skip "cannot resolve the package behind linux-image-amd64 (no Debian mirror?)"
		return 0
	fi
	kernel_root=$VM_CACHE/kernel/$pkg
	if [[ -e $kernel_root/.complete ]]; then
		note "kernel $pkg (cached)"
		return 0
	fi
	note "downloading $pkg"
	dl=$VM_CACHE/download
	rm -rf "$dl"
	mkdir -p "$dl"
	if ! (cd "$dl" && apt-get download -q -o APT::Sandbox::User=root "$pkg") >"$log" 2>&1; then
		tail -n 5 "$log" >&2
		use_cached_kernel "apt-get download $pkg failed" ||
			skip "apt-get download $pkg failed (no Debian mirror?)"
		return 0
	fi
	deb=$(find "$dl" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
	[[ -n $deb ]] || skip "apt-get download $pkg produced no .deb"
	tmp=$VM_CACHE/kernel/.unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb -x "$deb" "$tmp" || skip "dpkg-deb -x $deb failed"
	# Keep only the newest kernel: each one is ~400 MB unpacked.
	find "$VM_CACHE/kernel" -mindepth 1 -maxdepth 1 -not -name .unpack -exec rm -rf {} +
	mv "$tmp" "$kernel_root"
	: >"$kernel_root/.complete"
	rm -rf "$dl"
}

kernel_root=""
fetch_kernel
vmlinuz=$(find "$kernel_root/boot" -maxdepth 1 -name 'vmlinuz-*' -print -quit)
[[ -n $vmlinuz ]] || skip "no vmlinuz in ${kernel_root##*/}"
kver=${vmlinuz##*/vmlinuz-}
moddir=$kernel_root/lib/modules/$kver
[[ -d $moddir ]] || moddir=$kernel_root/usr/lib/modules/$kver
[[ -d $moddir ]] || die "no modules directory for $kver"

# Boot the uncompressed vmlinux through its PVH entry point when it has one:
# under TCG that skips decompressing the bzImage in emulation and roughly
# halves the boot time. Falls back to the bzImage (or VM_BZIMAGE=1 forces it).
extract_pvh_vmlinux() {
	local out=$kernel_root/vmlinux off offsets
	[[ -s $out ]] && return 0
	command -v readelf >/dev/null || return 1
	mapfile -t offsets < <(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | cut -d: -f1)
	for off in "${offsets[@]}"; do
		xz -dcq --single-stream <(tail -c "+$((off + 1))" "$vmlinuz") >"$out.tmp" 2>/dev/null || continue
		if readelf -n "$out.tmp" 2>/dev/null | grep -q 'note type: (0x00000012)'; then
			mv "$out.tmp" "$out"
			return 0
		fi
	done
	rm -f "$out.tmp"
	return 1
}
boot_kernel=$vmlinuz
if [[ ${VM_BZIMAGE:-0} != 1 ]] && extract_pvh_vmlinux; then
	boot_kernel=$kernel_root/vmlinux
fi
note "kernel $kver, booting ${boot_kernel##*/} ($(( SECONDS - start ))s)"

# --- 2. initramfs --------------------------------------------------------

stage=$VM_CACHE/initramfs.d
initrd=$VM_CACHE/initramfs.cpio
rm -rf "$stage"
mkdir -p "$stage"/usr/{bin,sbin,lib,lib64} "$stage"/{dev,proc,sys,tmp,run,root,etc,home/sbxtest}
for d in bin sbin lib lib64; do ln -s "usr/$d" "$stage/$d"; done
mkdir -p "$stage/var"
ln -s ../run "$stage/var/run"
chmod 1777 "$stage/tmp"
chmod 0700 "$stage/root"
if [[ $EUID -eq 0 ]]; then
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
fi

# copy_file SRC [DST]: copy SRC (following symlinks) to the same or the given
# absolute path inside the initramfs.
copy_file() {
	local dst=$stage${2:-$1}
	mkdir -p "$(dirname "$dst")"
	cp -L "$1" "$dst"
}

# copy_elf SRC [DST]: copy a program plus every library ldd lists for it,
# the dynamic loader included, at their exact paths.
copy_elf() {
	local lib
	copy_file "$1" "${2:-}"
	chmod 0755 "$stage${2:-$1}"
	while read -r lib; do
		[[ -e $stage$lib ]] || copy_file "$lib"
	done < <(ldd "$1" 2>/dev/null |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
}

copy_elf "$busybox" /usr/bin/busybox
while read -r applet; do
	[[ -e $stage/$applet || -L $stage/$applet ]] || ln -s /usr/bin/busybox "$stage/$applet"
done < <("$busybox" --list-full)
copy_elf "$(command -v bash)" /usr/bin/bash
# Real iproute2 and util-linux tools where the host has them (they take the
# place of busybox's smaller applets); VM_EXTRA_BINS must all exist.
add_host_bin() {
	rm -f "$stage/usr/bin/${1##*/}" "$stage/usr/sbin/${1##*/}" "$stage/sbin/${1##*/}" "$stage/bin/${1##*/}"
	copy_elf "$1" "/usr/bin/${1##*/}"
}
for bin in ip setpriv unshare nsenter pgrep pkill; do
	if path=$(command -v "$bin"); then add_host_bin "$path"; fi
done
for bin in ${VM_EXTRA_BINS:-}; do
	path=$(command -v "$bin") || die "VM_EXTRA_BINS: $bin not found"
	add_host_bin "$path"
done
[[ -d /etc/libnl ]] && cp -r /etc/libnl "$stage/etc/"

# The code under test, laid out like the repository.
copy_elf "$SANDBOX" /repo/build/sandbox
copy_elf "$PROBE" /repo/build/probe
mkdir -p "$stage/repo/tests"
cp -r "$VM_TESTS_DIR" "$stage/repo/tests/integration"
chmod -R a+rX "$stage/repo"
install -m 0755 "$here/guest-init.sh" "$stage/init"

cat >"$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
sbxtest:x:1000:1000:sandbox test user:/home/sbxtest:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$stage/etc/group" <<'EOF'
root:x:0:
tty:x:5:
sbxtest:x:1000:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$stage/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost\n' >"$stage/etc/hosts"
printf 'sandbox-guest\n' >"$stage/etc/hostname"

# Variables forwarded to the guest, single-quoted for sh.
{
	while read -r var; do
		case $var in
		# set by guest-init, or host paths and ids that mean nothing in the guest
		SANDBOX | SANDBOX_TIER | SANDBOX_GUEST | SANDBOX_TEST_USER_CGROUP | \
			SANDBOX_SKIP_FILE | SANDBOX_RESULTS_FILE | SANDBOX_TEST_TMPDIR | \
			SANDBOX_TEST_COUNTS | SANDBOX_PROFILE_PATH | SANDBOX_TEST_UID | \
			SANDBOX_TEST_GID) continue ;;
		esac
		val=${!var}
		printf "export %s='%s'\n" "$var" "${val//\'/\'\\\'\'}"
	done < <(compgen -e | grep '^SANDBOX_' || true)
	val="${VM_TEST_ARGS:-} $*"
	printf "VM_TEST_ARGS='%s'\n" "${val//\'/\'\\\'\'}"
} >"$stage/etc/vm-env"

# Kernel modules and their dependencies (from each module's depends= field;
# the unpacked package has no modules.dep), decompressed, listed in load order.
declare -A mod_file=() mod_seen=() mod_builtin=()
while IFS= read -r -d '' f; do
	name=${f##*/}
	name=${name%%.ko*}
	mod_file[${name//-/_}]=$f
done < <(find "$moddir/kernel" -name '*.ko*' -print0)
if [[ -r $moddir/modules.builtin ]]; then
	while read -r f; do
		name=${f##*/}
		name=${name%%.ko*}
		mod_builtin[${name//-/_}]=1
	done <"$moddir/modules.builtin"
fi
mod_order=()
mod_dst=$stage/lib/modules/$kver
mkdir -p "$mod_dst"
add_module() {
	local name=${1//-/_} src dst deps dep
	[[ -z ${mod_seen[$name]:-} ]] || return 0
	mod_seen[$name]=1
	if [[ -n ${mod_builtin[$name]:-} ]]; then
		note "module $name is built into the kernel"
		return 0
	fi
	src=${mod_file[$name]:-}
	if [[ -z $src ]]; then
		note "module $name not found in $kver; tests needing it will fail or skip"
		return 0
	fi
	dst=$mod_dst/$name.ko
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -dcq "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*) die "unknown module compression: $src" ;;
	esac
	deps=$(tr '\0' '\n' <"$dst" | sed -n 's/^depends=//p')
	deps=${deps%%$'\n'*}
	for dep in ${deps//,/ }; do add_module "$dep"; done
	mod_order+=("$name")
}
for m in $modules_wanted; do add_module "$m"; done
printf '%s\n' "${mod_order[@]}" >"$stage/etc/vm-modules"
note "modules: ${mod_order[*]:-none}"

(cd "$stage" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) >"$initrd"
note "initramfs $(( $(stat -c %s "$initrd") / 1024 )) KiB ($(( SECONDS - start ))s)"

# --- 3. boot ---------------------------------------------------------------

log=$VM_CACHE/console.log
append="console=ttyS0 quiet panic=-1 ${VM_APPEND:-}"
qemu=(qemu-system-x86_64 -accel "${VM_ACCEL:-tcg}" -cpu max -m 2048 -smp 2
	-nographic -no-reboot -nic none
	-kernel "$boot_kernel" -initrd "$initrd")

if [[ $VM_SHELL == 1 ]]; then
	note "booting to a shell; 'exit' powers off, Ctrl-A X quits QEMU"
	"${qemu[@]}" -append "$append sbx.shell=1" 2>&1 | tee "$log"
	exit 0
fi

note "booting (timeout ${VM_TIMEOUT}s, log $log)"
boot_start=$SECONDS
set +e
if [[ ${VM_QUIET:-0} == 1 ]]; then
	timeout -k 10 "$VM_TIMEOUT" "${qemu[@]}" -append "$append" </dev/null 2>&1 |
		sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' >"$log"
else
	timeout -k 10 "$VM_TIMEOUT" "${qemu[@]}" -append "$append" </dev/null 2>&1 |
		sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' | tee "$log" | sed -u 's/^/vm| /'
fi
qemu_rc=${PIPESTATUS[0]}
set -e
note "guest ran $(( SECONDS - boot_start ))s (qemu exit $qemu_rc); total $(( SECONDS - start ))s"
[[ $qemu_rc -eq 124 || $qemu_rc -eq 137 ]] && note "guest timed out after ${VM_TIMEOUT}s"

# --- 4. verdict --------------------------------------------------------------

awk -v b="$BEGIN_MARK" -v e="$END_MARK_PREFIX" '
	index($0, b) == 1 { on = 1; next }
	index($0, e) == 1 { on = 0 }
	on' "$log" >"$VM_CACHE/suite.txt"
grep -E '^SKIP ' "$VM_CACHE/suite.txt" >"$VM_CACHE/skips.txt" || true
grep -E '^(PASS|FAIL|SKIP) ' "$VM_CACHE/suite.txt" >"$VM_CACHE/results.txt" || true

if ! grep -qF "$BEGIN_MARK" "$log"; then
	note "the guest never started the suite; end of the console log:"
	tail -n 30 "$log"
	exit 1
fi
echo "---- guest suite output ----"
cat "$VM_CACHE/suite.txt"
echo "---- end of guest suite output ----"

summary=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' \
	"$VM_CACHE/suite.txt" | tail -n 1 || true)
harness_rc=$(sed -n "s/^$END_MARK_PREFIX (exit \([0-9]*\)) =====\$/\1/p" "$log" | tail -n 1)
if [[ -z $summary ]]; then
	note "FAIL: the guest printed no summary line (crash, panic or timeout)"
	exit 1
fi
[[ $summary =~ ([0-9]+)\ failed ]]
if [[ ${BASH_REMATCH[1]} -ne 0 ]]; then
	note "FAIL: $summary"
	exit 1
fi
if [[ $harness_rc != 0 ]]; then
	note "FAIL: summary says '$summary' but the harness exited ${harness_rc:-without an end marker}"
	exit 1
fi
note "PASS: $summary"
