# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# `make install` and `make uninstall` into a DESTDIR: every file in its
# place with its mode, nothing setuid, the installed binary working with
# the installed profiles and completions, and uninstall removing exactly
# what install put there. The launcher under test is installed as is
# (make -o: never rebuilt here).

# install_init: skip where the tree has no Makefile (the guest tier).
install_init() {
	[[ -f $REPO/Makefile && -d $REPO/profiles.d && -d $REPO/completions ]] ||
		skip "the Makefile, profiles.d or completions are not part of this tree ($REPO)"
	command -v make >/dev/null || skip "make is not installed"
	DEST=$TEST_TMP/dest
	BUILDDIR=${SANDBOX%/*}
}

# make_target TARGET VAR=VALUE...: make in the repository, with the tested
# binary as $(BUILD)/sandbox.
make_target() {
	local t=$1
	shift
	assert_exit 0 make -s -C "$REPO" -o "$BUILDDIR/sandbox" BUILD="$BUILDDIR" \
		DESTDIR="$DEST" PREFIX=/usr SYSCONFDIR=/etc "$@" "$t"
}

# expected_files [apparmor]: the paths install must create, sorted.
expected_files() {
	local f
	{
		echo usr/bin/sandbox
		echo usr/share/man/man1/sandbox.1
		echo usr/share/man/man5/sandbox-profile.5
		echo usr/share/bash-completion/completions/sandbox
		echo usr/share/zsh/vendor-completions/_sandbox
		echo usr/share/fish/vendor_completions.d/sandbox.fish
		for f in "$REPO"/profiles.d/*.conf; do
			echo "etc/sandbox/profiles.d/${f##*/}"
		done
		[[ ${1-} != apparmor ]] || echo etc/apparmor.d/sandbox
	} | LC_ALL=C sort
}

installed_files() {
	(cd "$DEST" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
}

test_install_tree() {
	install_init
	make_target install APPARMOR=1
	diff -u <(expected_files apparmor) <(installed_files) >&2 ||
		fail "make install did not install exactly the expected files"
	local f mode
	while read -r f; do
		mode=$(stat -c %a "$DEST/$f")
		if [[ $f == usr/bin/sandbox ]]; then
			assert_eq 755 "$mode" "mode of $f"
		else
			assert_eq 644 "$mode" "mode of $f"
		fi
	done < <(installed_files)
	[[ -z $(find "$DEST" -perm /6000) ]] || fail "something is installed setuid or setgid"
	cmp "$SANDBOX" "$DEST/usr/bin/sandbox" || fail "the installed binary differs"
	for f in "$REPO"/profiles.d/*.conf; do
		cmp "$f" "$DEST/etc/sandbox/profiles.d/${f##*/}" || fail "installed ${f##*/} differs"
	done
	cmp "$REPO/completions/sandbox.bash" "$DEST/usr/share/bash-completion/completions/sandbox" ||
		fail "installed bash completion differs"
	# the AppArmor profile names the installed path, not the DESTDIR
	assert_contains "$(cat "$DEST/etc/apparmor.d/sandbox")" "profile sandbox /usr/bin/sandbox " "AppArmor profile"
	assert_contains "$(cat "$DEST/etc/apparmor.d/sandbox")" "userns," "AppArmor profile"
	if command -v apparmor_parser >/dev/null && [[ -e /etc/apparmor.d/abi/4.0 ]]; then
		assert_exit 0 apparmor_parser -Q -K -I /etc/apparmor.d "$DEST/etc/apparmor.d/sandbox"
	fi
	# a second install changes nothing
	make_target install APPARMOR=1
	diff -u <(expected_files apparmor) <(installed_files) >&2 || fail "a second install differs"
}

test_install_no_apparmor() {
	install_init
	make_target install APPARMOR=0
	diff -u <(expected_files) <(installed_files) >&2 ||
		fail "make install APPARMOR=0 did not install exactly the expected files"
	make_target uninstall APPARMOR=0
	assert_eq "" "$(installed_files)" "files left after uninstall"
}

# The installed binary runs with the installed profiles (the search path
# points at the DESTDIR: the binary itself looks in /etc/sandbox).
test_installed_binary_runs() {
	install_init
	make_target install APPARMOR=0
	local bin=$DEST/usr/bin/sandbox
	export SANDBOX_PROFILE_PATH=$DEST/etc/sandbox/profiles.d
	export HOME=$TEST_TMP/home
	mkdir -p "$HOME" "$TEST_TMP/work"
	echo secret >"$HOME/secret.txt"
	cd "$TEST_TMP/work" || fail "cd"
	assert_exit 0 "$bin" --version
	assert_exit 0 "$bin" --list-profiles
	assert_match "$OUT" "^curl +$DEST/etc/sandbox/profiles.d/curl.conf" "--list-profiles"
	assert_exit 0 "$bin" --print-profile tar
	assert_contains "$OUT" "$DEST/etc/sandbox/profiles.d/tar.conf" "--print-profile tar"
	# a real run under an installed profile: tar writes in the current
	# directory and cannot read the home
	echo data >"$TEST_TMP/work/file.txt"
	assert_exit 0 "$bin" --ro-bind "${PROBE%/*}" tar -cf file.tar file.txt
	[[ -s $TEST_TMP/work/file.tar ]] || fail "tar under the installed profile wrote nothing"
	assert_exit 0 "$bin" --ro-bind "${PROBE%/*}" --profile tar "$PROBE" ifaces
	assert_eq "iface=lo" "$OUT" "interfaces under the installed tar profile"
	run "$bin" --ro-bind "${PROBE%/*}" --profile tar "$PROBE" stat "$HOME/secret.txt"
	assert_contains "$OUT" "errno=ENOENT" "the home under the installed tar profile"
	# the installed completions load
	# shellcheck disable=SC2016 # expanded by the inner bash
	assert_exit 0 bash -c '. "$1" && complete -p sandbox' sh "$DEST/usr/share/bash-completion/completions/sandbox"
	assert_contains "$OUT" "_sandbox" "bash completion"
	if command -v man >/dev/null; then
		assert_exit 0 man -l "$DEST/usr/share/man/man1/sandbox.1"
		assert_contains "$OUT" "sandbox" "installed man page"
	fi
}

test_uninstall() {
	install_init
	make_target install APPARMOR=1
	# a drop-in the administrator added is not ours: uninstall keeps it
	mkdir -p "$DEST/etc/sandbox/profiles.d/curl.conf.d"
	printf '[network]\nmode = none\n' >"$DEST/etc/sandbox/profiles.d/curl.conf.d/50-local.conf"
	make_target uninstall APPARMOR=1
	assert_eq "etc/sandbox/profiles.d/curl.conf.d/50-local.conf" "$(installed_files)" "files left after uninstall"
	rm -r "$DEST/etc/sandbox/profiles.d/curl.conf.d"
	# and with nothing of the administrator's left, no directory of ours either
	make_target install APPARMOR=1
	make_target uninstall APPARMOR=1
	assert_eq "" "$(installed_files)" "files left after uninstall"
	[[ ! -e $DEST/etc/sandbox ]] || fail "uninstall left $DEST/etc/sandbox"
}
