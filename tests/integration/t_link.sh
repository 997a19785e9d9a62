# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Link mode (like firejail's firecfg): --link DIR makes DIR/NAME -> sandbox
# for every profile NAME whose program is installed; running the link runs
# the real program sandboxed with that profile; --unlink removes only ours.

link_setup() {
	mkdir -p "$TEST_TMP/links"
	printf '[profile]\ninclude = default\ndescription = hostname under sandbox\n[process]\nhostname = linked-box\n' \
		>"$SANDBOX_PROFILE_PATH/hostname.conf"
	printf '[profile]\ndescription = an include, no such program\n' >"$SANDBOX_PROFILE_PATH/zz-no-such-program.conf"
}

test_link_creates_runs_and_unlinks() {
	command -v hostname >/dev/null || skip "no hostname program on this system"
	link_setup
	assert_exit 0 "$SANDBOX" --link "$TEST_TMP/links"
	[[ -L $TEST_TMP/links/hostname ]] || fail "no link for hostname"
	[[ ! -e $TEST_TMP/links/zz-no-such-program ]] || fail "a link was made for a program that is not installed"
	[[ ! -e $TEST_TMP/links/default ]] || fail "a link was made for default"
	# Through the link: the profile is hostname.conf, the program the real one.
	PATH="$TEST_TMP/links:$PATH" assert_exit 0 hostname
	assert_eq "linked-box" "$OUT" "hostname printed through the link"
	# Foreign files in DIR survive --unlink.
	ln -s /bin/true "$TEST_TMP/links/foreign"
	touch "$TEST_TMP/links/plainfile"
	assert_exit 0 "$SANDBOX" --unlink "$TEST_TMP/links"
	[[ ! -e $TEST_TMP/links/hostname ]] || fail "--unlink left our link"
	[[ -L $TEST_TMP/links/foreign && -f $TEST_TMP/links/plainfile ]] || fail "--unlink removed something not ours"
}

test_link_bad_directory() {
	assert_exit 125 "$SANDBOX" --link "$TEST_TMP/does-not-exist"
	assert_contains "$ERR" "does-not-exist" "error names the directory"
	mkdir "$TEST_TMP/ro" && chmod 0555 "$TEST_TMP/ro"
	if [[ $SANDBOX_TEST_AS == user ]]; then
		assert_exit 125 "$SANDBOX" --link "$TEST_TMP/ro"
		assert_contains "$ERR" "not writable" "error says why"
	fi
}
