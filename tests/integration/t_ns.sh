# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Namespaces that are off by default, and launches whose profile
# directories are out of the caller's reach.

ns_inode() { # ns_inode LINK_TEXT: "time:[123]" -> 123
	local s=${1##*[}
	printf '%s\n' "${s%]}"
}

test_time_namespace() {
	[[ -e /proc/self/ns/time ]] || skip "this kernel has no time namespaces"
	local host
	host=$(ns_inode "$(readlink /proc/self/ns/time)")
	assert_exit 0 sbx "$PROBE" ns
	assert_eq "$host" "$(kv ns.time)" "time namespace with the default (time = no)"
	assert_exit 0 sbx --set namespaces.time=yes "$PROBE" ns
	[[ -n $(kv ns.time) && $(kv ns.time) != "$host" ]] ||
		fail "namespaces.time=yes: time namespace $(kv ns.time), host $host"
	assert_exit 0 sbx --set namespaces.time=auto "$PROBE" exit 0
}

# A profile directory the caller cannot reach (HOME of another user, a
# locked directory on SANDBOX_PROFILE_PATH) needs no protection: the launch
# goes on with the built-in default.
test_unreachable_profile_dir() {
	mkdir -p "$TEST_TMP/locked/p"
	chmod 000 "$TEST_TMP/locked"
	SANDBOX_PROFILE_PATH=$TEST_TMP/locked/p assert_exit 0 sbx "$PROBE" exit 0
	chmod 755 "$TEST_TMP/locked"
}
