# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Documentation stays true: the key reference of sandbox-profile(5) is the
# parser's key table, the pages lint clean, every option is documented.

test_man_keys_match_table() {
	[[ $SANDBOX_TEST_AS == root ]] || skip "checked once, in the root pass"
	local page=$REPO/man/sandbox-profile.5
	[[ -f $page ]] || skip "man pages are not part of this tree ($page)"
	cp "$page" "$TEST_TMP/page.5"
	"$REPO/man/gen-keys.sh" "$SANDBOX" "$TEST_TMP/page.5" || fail "gen-keys.sh failed"
	diff -u "$page" "$TEST_TMP/page.5" >&2 ||
		fail "man/sandbox-profile.5 is out of date with the key table: run man/gen-keys.sh build/sandbox"
}

test_man_lint() {
	[[ $SANDBOX_TEST_AS == root ]] || skip "checked once, in the root pass"
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	[[ -f $REPO/man/sandbox.1 ]] || skip "man pages are not part of this tree"
	assert_exit 0 mandoc -Tlint -Wwarning "$REPO/man/sandbox.1" "$REPO/man/sandbox-profile.5"
}

test_every_option_documented() {
	[[ $SANDBOX_TEST_AS == root ]] || skip "checked once, in the root pass"
	[[ -f $REPO/man/sandbox.1 ]] || skip "man pages are not part of this tree"
	local opt missing=
	assert_exit 0 "$SANDBOX" --list-options
	while IFS=$'\t' read -r opt _; do
		# man(7) writes \- for each dash of an option name
		grep -qF -- "${opt//-/\\-}" "$REPO/man/sandbox.1" || missing+=" $opt"
		"$SANDBOX" --help | grep -qF -- "$opt" || missing+=" $opt(--help)"
	done <<<"$OUT"
	[[ -z $missing ]] || fail "options missing from sandbox(1) or --help:$missing"
}
