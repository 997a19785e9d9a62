# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Networking: [network] mode none / host / veth (docs/DESIGN.md 2-4;
# docs/SECURITY-TESTS.md 22 abstract_socket_isolation, 28 veth_network).
#
# Network safety: every test first creates a throwaway network namespace
# (net_ns_new: a holder process started with `unshare -n`, or `unshare -U -n`
# for the unprivileged pass) and runs the launcher and every helper inside
# it with nsenter, so the host end of each veth, every bridge and every
# listener live there. No test touches the machine's interfaces, routes or
# firewall, and no packet leaves namespaces the test created. The holder is
# killed at exit (the namespace dies with it, and every veth in it).
#
# Programs inside the sandbox: the static probe (ifaces) and python3 from
# the host's /usr (for sockets) and iproute2's ip; tests that need one
# skip when it is missing.

NET_PY='
import errno, os, socket, sys, threading

def out(*a):
    print(*a, flush=True)

def err_name(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if getattr(e, "errno", None) else type(e).__name__

def serve(host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(4)
    s.settimeout(20)
    out("ready")
    c, peer = s.accept()
    data = c.recv(100)
    c.sendall(b"pong:" + data)
    c.close()
    out("served=" + peer[0])

def connect(host, port, timeout="5"):
    try:
        c = socket.create_connection((host, int(port)), timeout=float(timeout))
        c.sendall(b"ping")
        out("reply=" + c.recv(100).decode())
    except OSError as e:
        out("error=" + err_name(e))
        sys.exit(1)

def loopback():
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.bind((host, 0))
        s.listen(1)
        port = s.getsockname()[1]
        t = threading.Thread(target=lambda: s.accept()[0].sendall(b"hi"))
        t.start()
        c = socket.create_connection((host, port), timeout=5)
        out(host + "=" + c.recv(10).decode())
        t.join()

def abstract_serve(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind("\0" + name)
    s.listen(8)
    out("ready")
    s.settimeout(60)
    while True:
        try:
            s.accept()[0].close()
        except OSError:
            return

def abstract_connect(name):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect("\0" + name)
        out("connected")
    except OSError as e:
        out("error=" + err_name(e))

cmd = sys.argv[1].replace("-", "_")
globals()[cmd](*sys.argv[2:])
'

# ---- throwaway namespaces -----------------------------------------------------

# net_ns_new: start a holder process in a new network namespace (and, for
# the unprivileged pass, a user namespace mapping the caller to itself: no
# capabilities once a program is executed). Sets NET_NS_PID. Never returns
# before the holder really is in a namespace of its own.
net_ns_new() {
	local self pid i
	require_cmd unshare nsenter
	if [[ $SANDBOX_TEST_AS != root ]]; then
		unshare --help 2>&1 | grep -q -- --map-current-user ||
			skip "unshare has no --map-current-user (util-linux 2.38 needed for the user pass)"
		nsenter --help 2>&1 | grep -q -- --preserve-credentials ||
			skip "nsenter has no --preserve-credentials (util-linux needed for the user pass)"
	fi
	self=$(readlink /proc/self/ns/net)
	if [[ $SANDBOX_TEST_AS == root ]]; then
		unshare -n -- sleep 3600 </dev/null >/dev/null 2>&1 &
	else
		unshare -U -n -c -- sleep 3600 </dev/null >/dev/null 2>&1 &
	fi
	pid=$!
	printf '%s\n' "$pid" >>"$TEST_TMP/.bg_pids" # lib_cleanup kills it: the namespace goes
	for ((i = 0; i < 200; i++)); do
		if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == sleep &&
			$(readlink "/proc/$pid/ns/net" 2>/dev/null) != "$self" ]]; then
			NET_NS_PID=$pid
			if [[ $SANDBOX_TEST_AS == root ]]; then
				NET_IN=(nsenter -t "$pid" -n --)
			else
				NET_IN=(nsenter -t "$pid" -U -n --preserve-credentials --)
			fi
			printf '%s' "$NET_PY" >"$TEST_TMP/net.py"
			# The probe and the helper are bound in: the filesystem view need
			# not show the build tree or the host's /tmp.
			NETPY=(--ro-bind "$TEST_TMP/net.py:/run/sbx-net.py" --ro-bind "$PROBE:$IPROBE")
			net_in ip link set lo up 2>/dev/null
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	fail "could not create a throwaway network namespace (unshare -n)"
}

# net_in CMD...: run CMD inside the throwaway namespace.
net_in() {
	[[ -n ${NET_NS_PID:-} ]] || fail "net_in without net_ns_new"
	"${NET_IN[@]}" "$@"
}

# nsbx ARGS...: the launcher inside the throwaway namespace, under a guard;
# the python helper is bound at /run/sbx-net.py, the probe at $IPROBE.
nsbx() {
	[[ -n ${NET_NS_PID:-} ]] || fail "nsbx without net_ns_new"
	guard "${SBX_GUARD:-30}" "${NET_IN[@]}" "$SANDBOX" "${NETPY[@]}" "$@"
}

# nsbx_bg OUTFILE ARGS...: nsbx in the background (stdout OUTFILE, stderr
# OUTFILE.err); BG_PID is killed at test exit.
nsbx_bg() {
	local outfile=$1
	shift
	# A simple command, so $! is the launcher itself (bash and nsenter exec).
	"${NET_IN[@]}" "$SANDBOX" "${NETPY[@]}" "$@" >"$outfile" 2>"$outfile.err" </dev/null &
	BG_PID=$!
	printf '%s\n' "$BG_PID" >>"$TEST_TMP/.bg_pids"
	printf '$ sandbox %s &  (pid %s, in the test netns)\n' "$*" "$BG_PID" >&2
}

# net_bg OUTFILE CMD...: a helper (listener) in the namespace, background.
net_bg() {
	local outfile=$1
	shift
	net_in "$@" >"$outfile" 2>"$outfile.err" </dev/null &
	printf '%s\n' "$!" >>"$TEST_TMP/.bg_pids"
}

# veths: names of the veth interfaces in the throwaway namespace.
veths() {
	net_in ip -o link show type veth 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# wait_no_veth [SECONDS]: until no veth is left in the namespace.
wait_no_veth() {
	local deadline=$(($(now_ms) + ${1:-5} * 1000))
	while [[ -n $(veths) ]]; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.05
	done
}

require_py() {
	require_cmd python3 nsenter unshare
	PY=$(command -v python3)
	[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
}

require_veth_root() {
	require_root
	require_cmd ip nsenter unshare
	require_py
	net_ns_new
	net_in ip -o link show type veth >/dev/null 2>&1 || skip "iproute2's ip is needed (ip -o link show type veth)"
	net_in ip link add sbxt-probe0 type veth peer name sbxt-probe1 2>/dev/null ||
		skip "cannot create a veth pair here (kernel without veth?)"
	net_in ip link del sbxt-probe0
}

VETH=(--set network.mode=veth)
IPROBE=/run/sbx-probe

# ---- mode none ------------------------------------------------------------------

test_none_only_lo() {
	require_cmd nsenter unshare
	net_ns_new
	net_in ip link add sbxt-x0 type veth peer name sbxt-x1 2>/dev/null # visible to host mode only
	assert_exit 0 nsbx "$IPROBE" ifaces
	assert_eq "iface=lo" "$OUT" "interfaces with network.mode=none"
}

test_none_loopback_tcp() {
	require_py
	net_ns_new
	assert_exit 0 nsbx "$PY" /run/sbx-net.py loopback
	assert_contains "$OUT" "127.0.0.1=hi"
	assert_contains "$OUT" "::1=hi"
}

test_host_shares_namespace() {
	require_cmd nsenter unshare
	net_ns_new
	assert_exit 0 nsbx --set network.mode=host "$IPROBE" ifaces
	assert_eq "iface=lo" "$OUT" "interfaces with network.mode=host in the test namespace"
	assert_exit 0 nsbx --net host "$IPROBE" ns
	local inside
	inside=$(kv ns.net)
	assert_eq "$(readlink "/proc/$NET_NS_PID/ns/net" | tr -dc 0-9)" "$inside" "netns inode with mode host"
}

# ---- issue 12 item 5: socket families ([network] protocol) -------------------------

# AF_VSOCK is not namespaced (the host's and the hypervisor's port space):
# without network it must fail, with EAFNOSUPPORT, from a raw socket(2).
# AF_UNIX and AF_INET still work; an explicit list gets what the host
# gives (vsock: the same answer as the probe outside the sandbox).
test_protocol_vsock_denied() {
	require_cmd nsenter unshare
	net_ns_new
	local outside
	outside=$(net_in "$PROBE" socket vsock stream 2>/dev/null)
	assert_match "$outside" '^(socket=ok|errno=E[A-Z]+)$' "vsock outside the sandbox"

	assert_exit 1 nsbx "$IPROBE" socket vsock stream
	assert_eq "errno=EAFNOSUPPORT" "$OUT" "socket(AF_VSOCK) with mode none"
	assert_exit 1 nsbx "$IPROBE" socketpair vsock stream
	assert_eq "errno=EAFNOSUPPORT" "$OUT" "socketpair(AF_VSOCK) with mode none"
	assert_exit 1 nsbx "$IPROBE" socket alg seqpacket
	assert_eq "errno=EAFNOSUPPORT" "$OUT" "socket(AF_ALG) with mode none"
	assert_exit 0 nsbx "$IPROBE" socket unix stream
	assert_eq "socket=ok" "$OUT" "socket(AF_UNIX)"
	assert_exit 0 nsbx "$IPROBE" socketpair unix seqpacket
	assert_eq "socketpair=ok" "$OUT" "socketpair(AF_UNIX)"
	assert_exit 0 nsbx "$IPROBE" socket inet stream
	assert_eq "socket=ok" "$OUT" "socket(AF_INET)"
	assert_exit 0 nsbx "$IPROBE" socket netlink dgram
	assert_eq "socket=ok" "$OUT" "socket(AF_NETLINK)"

	# A profile without sockets keeps its own errno.
	assert_exit 1 nsbx --seccomp minimal "$IPROBE" socket vsock stream
	assert_eq "errno=EPERM" "$OUT" "socket(AF_VSOCK) under seccomp minimal"

	# host mode: the common families, still no vsock unless listed.
	assert_exit 1 nsbx --net host "$IPROBE" socket vsock stream
	assert_eq "errno=EAFNOSUPPORT" "$OUT" "socket(AF_VSOCK) with mode host"
	run nsbx --net host --set network.protocol=unix,vsock "$IPROBE" socket vsock stream
	assert_eq "$outside" "$OUT" "socket(AF_VSOCK) with protocol = unix,vsock"
	assert_exit 1 nsbx --net host --protocol unix,vsock "$IPROBE" socket inet stream
	assert_eq "errno=EAFNOSUPPORT" "$OUT" "socket(AF_INET) with protocol = unix,vsock"

	assert_exit 125 nsbx --set network.protocol=unix,vsok "$IPROBE" exit 0
	assert_contains "$ERR" "unknown protocol 'vsok'"
}

# ---- docs/SECURITY-TESTS.md 22: abstract unix sockets ----------------------------

test_abstract_socket_isolation() {
	local name="sbx-$$-$RANDOM" modes=(none host) m
	require_py
	net_ns_new
	[[ $SANDBOX_TEST_AS == root ]] && modes+=(veth)
	net_bg "$TEST_TMP/listener" "$PY" "$TEST_TMP/net.py" abstract-serve "$name"
	wait_for "$TEST_TMP/listener" '^ready$' 10 || fail "abstract listener did not start"
	run net_in "$PY" "$TEST_TMP/net.py" abstract-connect "$name"
	assert_eq "connected" "$OUT" "control: the harness reaches @$name"
	for m in "${modes[@]}"; do
		local extra=()
		[[ $m == veth ]] && extra=(--set network.address=10.98.0.2/24)
		assert_exit 0 nsbx --set "network.mode=$m" "${extra[@]}" "$PY" /run/sbx-net.py abstract-connect "$name"
		if [[ $m == host ]]; then
			assert_eq "connected" "$OUT" "mode host reaches the host's abstract socket"
		else
			assert_eq "error=ECONNREFUSED" "$OUT" "mode $m must not reach @$name"
		fi
	done
}

# ---- veth refused without privilege ---------------------------------------------

test_veth_refused_unprivileged() {
	require_user
	require_cmd nsenter unshare
	net_ns_new
	local before
	before=$(net_in ip -o link | wc -l)
	assert_exit 125 nsbx "${VETH[@]}" --set network.address=10.97.0.2/24 "$IPROBE" exit 0
	assert_contains "$ERR" "CAP_NET_ADMIN"
	assert_contains "$ERR" "--net none"
	assert_contains "$ERR" "--net host"
	assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines of the error"
	assert_eq "$before" "$(net_in ip -o link | wc -l)" "interfaces after the refusal"
	assert_exit 125 nsbx --net veth --set network.address=auto "$IPROBE" exit 0
	assert_contains "$ERR" "CAP_NET_ADMIN"
}

# ---- veth (root) ------------------------------------------------------------------

# docs/SECURITY-TESTS.md 28: routed link, TCP both ways, another address fails.
test_veth_tcp_both_ways() {
	require_veth_root
	local net=(--set network.address=10.99.0.2/24 --set network.host-address=10.99.0.1/24
		--set network.gateway=10.99.0.1)

	# The host end's address exists only while a sandbox runs: listen on all.
	net_bg "$TEST_TMP/hostsrv" "$PY" "$TEST_TMP/net.py" serve 0.0.0.0 7001
	wait_for "$TEST_TMP/hostsrv" '^ready$' 10 || fail "host listener did not start"
	assert_exit 0 nsbx "${VETH[@]}" "${net[@]}" "$PY" /run/sbx-net.py connect 10.99.0.1 7001
	assert_contains "$OUT" "reply=pong:ping" "sandbox -> host end"
	wait_for "$TEST_TMP/hostsrv" '^served=10\.99\.0\.2$' 5 || fail "host listener did not see 10.99.0.2"

	nsbx_bg "$TEST_TMP/sbxsrv" "${VETH[@]}" "${net[@]}" "$PY" /run/sbx-net.py serve 0.0.0.0 7002
	wait_for "$TEST_TMP/sbxsrv" '^ready$' 10 || { show_bg "$TEST_TMP/sbxsrv"; fail "listener in the sandbox did not start"; }
	run net_in "$PY" "$TEST_TMP/net.py" connect 10.99.0.2 7002
	assert_contains "$OUT" "reply=pong:ping" "host end -> sandbox"
	wait_exit "$BG_PID" 10
	assert_eq 0 "$RC" "sandbox listener status"

	# An address nobody has (in the test's own subnet) is unreachable.
	assert_exit 1 nsbx "${VETH[@]}" "${net[@]}" "$PY" /run/sbx-net.py connect 10.99.0.3 7001 1.5
	assert_match "$OUT" '^error=(EHOSTUNREACH|ETIMEDOUT|TimeoutError|timeout)'
	wait_no_veth 5 || fail "veth left behind: $(veths)"
}

test_veth_interfaces_routes_mtu() {
	require_veth_root
	require_cmd ip
	assert_exit 0 nsbx "${VETH[@]}" --set network.address=10.99.1.2/24 --set network.address=fd99:1::2/64 \
		--set network.host-address=10.99.1.1/24 --set network.gateway=10.99.1.1 --set network.mtu=1400 \
		/bin/sh -c 'ip -o link; ip -o addr; ip route; ip -6 route'
	assert_match "$OUT" '^1: lo: '
	assert_match "$OUT" '^2: eth0@[^:]*: .*mtu 1400 '
	assert_eq 2 "$(grep -c '^[0-9]*: [a-z0-9@]*:.*mtu' <<<"$OUT")" "interfaces inside (lo, eth0)"
	assert_match "$OUT" 'eth0 +inet 10\.99\.1\.2/24 '
	assert_match "$OUT" 'eth0 +inet6 fd99:1::2/64 '
	assert_match "$OUT" '^default via 10\.99\.1\.1 dev eth0'
	local host_end
	host_end=$(veths)
	[[ -z $host_end ]] || fail "host end still there after exit: $host_end"
}

test_veth_bridge_two_sandboxes() {
	require_veth_root
	net_in ip link add sbxt-br0 type bridge || skip "cannot create a bridge"
	net_in ip addr add 10.50.0.1/24 dev sbxt-br0
	net_in ip addr add fd50::1/64 dev sbxt-br0 nodad
	net_in ip link set sbxt-br0 up
	local br=(--set network.bridge=sbxt-br0)

	nsbx_bg "$TEST_TMP/a" "${VETH[@]}" "${br[@]}" --set network.address=10.50.0.10/24 \
		--set network.address=fd50::10/64 "$PY" /run/sbx-net.py serve 0.0.0.0 7003
	local a_pid=$BG_PID
	wait_for "$TEST_TMP/a" '^ready$' 10 || { show_bg "$TEST_TMP/a"; fail "sandbox A did not start"; }
	assert_eq 1 "$(veths | wc -l)" "veths while A runs"
	run net_in ip -o link show master sbxt-br0
	assert_match "$OUT" 'sbx[0-9a-f]{12}' "A's host end on the bridge"

	# The same address again: refused, nothing left behind.
	assert_exit 125 nsbx "${VETH[@]}" "${br[@]}" --set network.address=10.50.0.10/24 "$IPROBE" exit 0
	assert_contains "$ERR" "'10.50.0.10' is already in use by another sandbox"
	assert_eq 1 "$(veths | wc -l)" "veths after the refused launch"

	assert_exit 0 nsbx "${VETH[@]}" "${br[@]}" --set network.address=10.50.0.11/24 \
		"$PY" /run/sbx-net.py connect 10.50.0.10 7003
	assert_contains "$OUT" "reply=pong:ping" "B -> A over the bridge"
	wait_exit "$a_pid" 10
	assert_eq 0 "$RC" "sandbox A"
	assert_contains "$(cat "$TEST_TMP/a")" "served=10.50.0.11"

	# IPv6 between two sandboxes, and address = auto next to a running one.
	nsbx_bg "$TEST_TMP/c" "${VETH[@]}" "${br[@]}" --set network.address=auto \
		--set network.address=fd50::20/64 "$PY" /run/sbx-net.py serve :: 7004
	wait_for "$TEST_TMP/c" '^ready$' 10 || { show_bg "$TEST_TMP/c"; fail "sandbox C did not start"; }
	# shellcheck disable=SC2016 # $0 is expanded by the inner shell
	assert_exit 0 nsbx "${VETH[@]}" "${br[@]}" --set network.address=auto --set network.address=fd50::21/64 \
		/bin/sh -c 'ip -o -4 addr show eth0; ip route; "$0" /run/sbx-net.py connect fd50::20 7004' "$PY"
	assert_contains "$OUT" "reply=pong:ping" "D -> C over IPv6"
	assert_match "$OUT" 'inet 10\.50\.0\.[0-9]+/24'
	assert_not_contains "$OUT" "inet 10.50.0.1/" "auto must skip the bridge's address"
	assert_match "$OUT" '^default via 10\.50\.0\.1 dev eth0' "auto's gateway is the bridge"
	wait_exit "$BG_PID" 10
	wait_no_veth 5 || fail "veth left behind: $(veths)"
}

test_veth_auto_routed() {
	require_veth_root
	nsbx_bg "$TEST_TMP/s" "${VETH[@]}" --set network.address=auto "$PY" /run/sbx-net.py serve 0.0.0.0 7005
	wait_for "$TEST_TMP/s" '^ready$' 10 || { show_bg "$TEST_TMP/s"; fail "sandbox did not start"; }
	run net_in ip -o -4 addr show
	assert_match "$OUT" 'sbx[0-9a-f]{12} +inet 10\.231\.[0-9]+\.[0-9]+/30' "host end of the auto link"
	local host_addr sbx_addr
	host_addr=$(grep -oE 'inet 10\.231\.[0-9]+\.[0-9]+' <<<"$OUT" | head -n1 | cut -d' ' -f2)
	sbx_addr=${host_addr%.*}.$((${host_addr##*.} + 1))
	run net_in "$PY" "$TEST_TMP/net.py" connect "$sbx_addr" 7005
	assert_contains "$OUT" "reply=pong:ping" "host end -> auto sandbox at $sbx_addr"
	wait_exit "$BG_PID" 10
	wait_no_veth 5 || fail "veth left behind: $(veths)"
}

test_veth_dns_resolv_conf() {
	require_veth_root
	local before
	before=$(cat /etc/resolv.conf 2>/dev/null)
	[[ -e /etc/resolv.conf || -L /etc/resolv.conf ]] || skip "the host has no /etc/resolv.conf to cover"
	assert_exit 0 nsbx "${VETH[@]}" --set network.address=10.99.2.2/24 --set network.dns=10.99.2.1 \
		--set network.dns=fd00::53 "$IPROBE" cat /etc/resolv.conf
	assert_contains "$OUT" "nameserver 10.99.2.1"
	assert_contains "$OUT" "nameserver fd00::53"
	assert_exit 1 nsbx "${VETH[@]}" --set network.address=10.99.2.2/24 --set network.dns=10.99.2.1 \
		"$IPROBE" write /etc/resolv.conf "nameserver 6.6.6.6"
	assert_match "$OUT" 'errno=(EROFS|EACCES|EPERM)'
	assert_eq "$before" "$(cat /etc/resolv.conf 2>/dev/null)" "the host's /etc/resolv.conf"
}

# ip link add inside: the program has no capabilities, so it fails with
# EPERM and neither namespace changes.
test_veth_link_add_eperm() {
	require_veth_root
	require_cmd ip
	local before
	before=$(net_in ip -o link | awk -F': ' '{ print $2 }')
	assert_exit 0 nsbx "${VETH[@]}" --set network.address=10.99.3.2/24 /bin/sh -c \
		'ip link add sbxt-in0 type veth peer name sbxt-in1; echo "rc=$?"; ip -o link'
	assert_contains "$ERR" "Operation not permitted"
	assert_contains "$OUT" "rc=2"
	assert_not_contains "$OUT" "sbxt-in0"
	wait_no_veth 5 || fail "veth left behind: $(veths)"
	assert_eq "$before" "$(net_in ip -o link | awk -F': ' '{ print $2 }')" "links of the host side"
}

test_veth_cleanup_paths() {
	require_veth_root
	local ns_ino lease
	ns_ino=$(stat -L -c %i "/proc/$NET_NS_PID/ns/net")
	lease=/run/sandbox/net/$ns_ino-10.99.4.2
	local net=(--set network.address=10.99.4.2/24)

	# Normal exit.
	assert_exit 0 nsbx "${VETH[@]}" "${net[@]}" "$IPROBE" exit 0
	assert_eq "" "$(veths)" "veths after a normal exit"
	[[ ! -e $lease ]] || fail "lease $lease left after a normal exit"

	# Timeout (124).
	assert_exit 124 nsbx "${VETH[@]}" "${net[@]}" --timeout 1 "$IPROBE" sleep 30
	assert_eq "" "$(veths)" "veths after a timeout"

	# A setup failure in the child after the veth exists (an empty root).
	mkdir -p "$TEST_TMP/emptyroot"
	assert_exit 125 nsbx "${VETH[@]}" "${net[@]}" --chroot "$TEST_TMP/emptyroot" /nothing
	assert_eq "" "$(veths)" "veths after a failed setup"
	[[ ! -e $lease ]] || fail "lease $lease left after a failed setup"

	# SIGKILL of the launcher: the sandbox dies with it (die-with-parent)
	# and its namespace takes the pair along.
	local m
	m=$(marker_new)
	nsbx_bg "$TEST_TMP/k" "${VETH[@]}" "${net[@]}" "$IPROBE" sleep 60 "$m"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(veths) ]] && break
		sleep 0.05
	done
	[[ -n $(veths) ]] || { show_bg "$TEST_TMP/k"; fail "no veth while the sandbox runs"; }
	kill -KILL "$BG_PID"
	wait_no_veth 5 || fail "veth still there 5 s after SIGKILL of the launcher: $(veths)"
	wait_marker_gone "$m" 5 || fail "sandbox processes survived the launcher: $(describe_marker "$m")"
	# The stale lease is taken over by the next launch.
	assert_exit 0 nsbx "${VETH[@]}" "${net[@]}" "$IPROBE" exit 0
}

# Issue 12 item 12: the lease lives as long as the sandbox. Launcher A
# (die-with-parent = no) is SIGKILLed while its program runs: its PID 1
# still holds the lease, so B gets another address; once A's sandbox is
# gone, the next launch that leases an address removes A's stale file.
test_veth_lease_outlives_launcher() {
	require_veth_root
	net_in ip link add sbxt-br1 type bridge || skip "cannot create a bridge"
	net_in ip addr add 10.52.0.1/24 dev sbxt-br1
	net_in ip link set sbxt-br1 up
	local br=(--set network.bridge=sbxt-br1 --set network.address=auto) ns_ino m a_pid a_addr b_addr
	ns_ino=$(stat -L -c %i "/proc/$NET_NS_PID/ns/net")
	m=$(marker_new)
	# shellcheck disable=SC2016 # $0 and $1 are expanded by the inner shell
	nsbx_bg "$TEST_TMP/a" "${VETH[@]}" "${br[@]}" --set process.die-with-parent=no /bin/sh -c \
		'ip -o -4 addr show eth0; echo ready; exec "$0" sleep 60 "$1"' "$IPROBE" "$m"
	a_pid=$BG_PID
	wait_for "$TEST_TMP/a" '^ready$' 10 || { show_bg "$TEST_TMP/a"; fail "sandbox A did not start"; }
	a_addr=$(grep -oE 'inet 10\.52\.0\.[0-9]+' "$TEST_TMP/a" | cut -d' ' -f2)
	[[ -n $a_addr ]] || { show_bg "$TEST_TMP/a"; fail "no address in A's output"; }
	[[ -e /run/sandbox/net/$ns_ino-$a_addr ]] || fail "no lease file for A's $a_addr"

	kill -KILL "$a_pid"
	wait "$a_pid" 2>/dev/null
	marker_pids "$m" >/dev/null || fail "A's program died with its launcher (die-with-parent = no)"

	assert_exit 0 nsbx "${VETH[@]}" "${br[@]}" /bin/sh -c 'ip -o -4 addr show eth0'
	b_addr=$(grep -oE 'inet 10\.52\.0\.[0-9]+' <<<"$OUT" | cut -d' ' -f2)
	[[ -n $b_addr ]] || fail "no address in B's output"
	assert_ne "$a_addr" "$b_addr" "B's address while A's sandbox runs"
	marker_pids "$m" >/dev/null || fail "A's program is gone before B's check ended"

	# End A's sandbox (each of its processes by pid: PID 1 and the program).
	local pid
	for pid in $(marker_pids "$m"); do kill -KILL "$pid" 2>/dev/null; done
	wait_marker_gone "$m" 5 || fail "A's sandbox survived SIGKILL: $(describe_marker "$m")"
	wait_no_veth 5 || fail "A's veth outlived its sandbox: $(veths)"
	# Documented: the stale file stays until the next launch that leases.
	assert_exit 0 nsbx "${VETH[@]}" --set network.address=10.52.9.9/24 "$IPROBE" exit 0
	[[ ! -e /run/sandbox/net/$ns_ino-$a_addr ]] || fail "stale lease $ns_ino-$a_addr not reclaimed"
	[[ ! -e /run/sandbox/net/$ns_ino-$b_addr ]] || fail "B's lease left behind"
	[[ ! -e /run/sandbox/net/$ns_ino-10.52.9.9 ]] || fail "the last launch's lease left behind"
}

# Issue 12 item 13: host end names come from the id and PID 1's pid, so
# twelve sandboxes of one --id run side by side (there were 8 names per id).
test_veth_same_id_concurrent() {
	require_veth_root
	local i n pids=()
	for ((i = 0; i < 12; i++)); do
		nsbx_bg "$TEST_TMP/s$i" "${VETH[@]}" --id same-id "$IPROBE" wait-signal 30
		pids+=("$BG_PID")
	done
	for ((i = 0; i < 12; i++)); do
		wait_for "$TEST_TMP/s$i" '^ready$' 20 || { show_bg "$TEST_TMP/s$i"; fail "sandbox $i of 12 did not start"; }
	done
	n=$(veths | wc -l)
	assert_eq 12 "$n" "veths of 12 sandboxes with one id"
	for ((i = 0; i < 12; i++)); do
		kill -TERM "${pids[i]}"
		wait_exit "${pids[i]}" 10
		assert_eq 0 "$RC" "sandbox $i after SIGTERM"
		assert_contains "$(cat "$TEST_TMP/s$i")" "got=SIGTERM"
	done
	wait_no_veth 5 || fail "veth left behind: $(veths)"
}

test_veth_bad_input_125() {
	require_veth_root
	net_in ip link add sbxt-v0 type veth peer name sbxt-v1
	net_in ip link add sbxt-br1 type bridge
	net_in ip addr add 10.99.5.1/24 dev sbxt-br1
	local n0 p
	n0=$(veths | wc -l)

	p=$(profile_write badcidr <<-'EOF'
		[network]
		mode = veth
		address = 10.99.5.300/24
	EOF
	)
	assert_exit 125 nsbx --profile "$p" "$IPROBE" exit 0
	assert_match "$ERR" 'badcidr\.conf:3: .*10\.99\.5\.300/24'

	p=$(profile_write longbr <<-'EOF'
		[network]
		mode = veth
		bridge = sbxt-bridge-long0
	EOF
	)
	assert_exit 125 nsbx --profile "$p" "$IPROBE" exit 0
	assert_match "$ERR" 'longbr\.conf:3: .*interface name'

	p=$(profile_write gw <<-'EOF'
		[network]
		mode = veth
		address = 10.99.5.2/24
		gateway = 10.99.6.1
	EOF
	)
	assert_exit 125 nsbx --profile "$p" "$IPROBE" exit 0
	assert_match "$ERR" 'gw\.conf:4: .*not inside'

	assert_exit 125 nsbx "${VETH[@]}" --set network.bridge=sbxt-nope "$IPROBE" exit 0
	assert_contains "$ERR" "bridge 'sbxt-nope' does not exist"
	assert_exit 125 nsbx "${VETH[@]}" --set network.bridge=sbxt-v0 "$IPROBE" exit 0
	assert_contains "$ERR" "'sbxt-v0' is not a bridge"
	assert_exit 125 nsbx "${VETH[@]}" --set network.bridge=sbxt-br1 --set network.address=10.99.5.1/24 "$IPROBE" exit 0
	assert_contains "$ERR" "'10.99.5.1' is already in use on 'sbxt-br1'"
	assert_eq 1 "$(printf '%s\n' "$ERR" | wc -l)" "lines of the error"
	assert_exit 125 nsbx "${VETH[@]}" --set network.address=auto --set network.bridge=sbxt-v0 "$IPROBE" exit 0
	assert_eq "$n0" "$(veths | wc -l)" "veths after the refused launches"
}
