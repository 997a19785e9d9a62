# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# The shipped per-app profiles (profiles.d/) with the real applications.
# Every profile must load; every app profile runs a real task of its
# application (a download from a loopback server, a clone, a build, a
# conversion, a headless screenshot, ...) and shows one thing it denies (the
# rest of the home directory, the network where mode = none).
#
# Each test uses a fake home ($TEST_TMP/home) holding secret.txt, the
# repository's profiles.d as SANDBOX_PROFILE_PATH, and PATH=/usr/bin:/bin
# (the Debian programs, not wrappers in /usr/local or ~/.pyenv). Programs
# come from `make deps-apps`; a test whose program is missing is skipped
# with the package to install. Network tests use servers on 127.0.0.1 only;
# programs that would call out on their own (browsers, mail, BitTorrent)
# run with --net none.
# Programs that refuse to run as root or whose own sandbox needs an
# unprivileged user (Chromium, VLC, Firefox, Thunderbird) run with
# --uid 65534 in the root pass.

# ---- setup -----------------------------------------------------------------

APPS_FIXTURES=$REPO/tests/apps

# apps_init: the fake home, the work directory (the current directory of
# every launch) and the environment described above.
apps_init() {
	[[ -f $REPO/profiles.d/default.conf ]] ||
		skip "profiles.d is not part of this tree ($REPO)"
	[[ -d $APPS_FIXTURES ]] || skip "tests/apps is not part of this tree ($REPO)"
	export SANDBOX_PROFILE_PATH=$REPO/profiles.d
	export PATH=/usr/bin:/bin:/usr/sbin:/sbin
	export HOME=$TEST_TMP/home
	unset XDG_RUNTIME_DIR DISPLAY WAYLAND_DISPLAY XAUTHORITY DBUS_SESSION_BUS_ADDRESS
	SECRET=$HOME/secret.txt
	WORK=$TEST_TMP/work
	mkdir -p "$HOME" "$WORK"
	echo "sbx-secret-$RANDOM$RANDOM" >"$SECRET"
	cd "$WORK" || fail "cannot enter $WORK"
	AS_USER=()
	export SBX_GUARD=60 # read by sbx (lib.sh)
	trap 'apps_cleanup; lib_cleanup' EXIT
}

# need_app PROGRAM PACKAGE: skip unless PROGRAM is installed.
need_app() {
	command -v "$1" >/dev/null 2>&1 ||
		skip "$1 is not installed (package $2; make deps-apps installs it)"
}

# ordinary_user: in the root pass, run the application as nobody (its own
# sandbox cannot map uid 0, or it refuses root) and hand it the fake home
# and the work directory.
ordinary_user() {
	if [[ $SANDBOX_TEST_AS == root ]]; then
		AS_USER=(--uid 65534 --gid 65534)
		chown -R 65534:65534 "$HOME" "$WORK"
	fi
}

# fix_owner: files the test created after ordinary_user belong to nobody too.
fix_owner() {
	[[ ${#AS_USER[@]} -eq 0 ]] || chown -R 65534:65534 "$HOME" "$WORK"
}

apps_cleanup() {
	if [[ -n ${RUNDIR_CREATED:-} ]]; then
		rm -rf "$RUNDIR_CREATED"
	fi
	if [[ -n ${XVFB_PID:-} ]]; then
		kill -TERM "$XVFB_PID" 2>/dev/null
		wait "$XVFB_PID" 2>/dev/null
	fi
	return 0
}

# ---- denials ---------------------------------------------------------------

# assert_home_hidden PROFILE: the probe, under PROFILE, cannot see the
# secret file in the home directory.
assert_home_hidden() {
	run sbx "${AS_USER[@]}" --profile "$1" "$PROBE" stat "$SECRET"
	[[ $RC != 0 ]] || fail "$1: $SECRET is visible inside"
	assert_contains "$OUT" "errno=ENOENT" "$1: stat of the secret"
}

# assert_no_network PROFILE: only the loopback interface inside.
assert_no_network() {
	assert_exit 0 sbx "${AS_USER[@]}" --profile "$1" "$PROBE" ifaces
	assert_eq "iface=lo" "$OUT" "$1: interfaces"
}

# assert_cwd_readonly PROFILE: the current directory cannot be written.
assert_cwd_readonly() {
	run sbx --profile "$1" "$PROBE" write "$WORK/written" x
	[[ $RC != 0 && ! -e $WORK/written ]] || fail "$1: the current directory is writable"
	assert_contains "$OUT" "errno=EROFS" "$1: write in the current directory"
}

# assert_magic FILE HEX [WHAT]: FILE starts with the bytes HEX ("89504e47").
assert_magic() {
	local got
	[[ -s $1 ]] || fail "${3:-$1}: missing or empty"
	got=$(head -c $((${#2} / 2)) "$1" | od -An -tx1 | tr -d ' \n')
	assert_eq "$2" "$got" "${3:-$1}: leading bytes"
}

PNG=89504e47
PDF=25504446

# ---- servers and displays on the host --------------------------------------

# http_serve DIR: serve DIR on 127.0.0.1 with python3's http.server (the
# host's loopback, nothing else); sets HTTP_PORT.
http_serve() {
	need_app python3 python3
	python3 -u -m http.server --bind 127.0.0.1 --directory "$1" 0 \
		>"$TEST_TMP/http.log" 2>&1 </dev/null &
	printf '%s\n' "$!" >>"$TEST_TMP/.bg_pids"
	wait_for "$TEST_TMP/http.log" 'port [0-9]+' 10 || fail "http.server did not start"
	HTTP_PORT=$(grep -oE 'port [0-9]+' "$TEST_TMP/http.log" | head -n 1)
	HTTP_PORT=${HTTP_PORT#port }
}

# xvfb_start: a virtual X server for the programs that need a display; the
# sandbox reaches it through /tmp/.X11-unix (gui.conf). Sets DISPLAY.
xvfb_start() {
	need_app Xvfb xvfb
	need_app xwininfo x11-utils
	Xvfb -displayfd 3 -nolisten tcp -screen 0 1024x768x24 \
		3>"$TEST_TMP/xvfb.display" >"$TEST_TMP/xvfb.log" 2>&1 </dev/null &
	XVFB_PID=$!
	wait_for "$TEST_TMP/xvfb.display" '^[0-9]+$' 15 || {
		sed 's/^/  xvfb| /' "$TEST_TMP/xvfb.log" >&2
		fail "Xvfb did not start"
	}
	DISPLAY=:$(head -n 1 "$TEST_TMP/xvfb.display")
	export DISPLAY
}

# x_window_wait ERE SECONDS: wait for a window whose name matches ERE.
x_window_wait() {
	local deadline=$(($(now_ms) + $2 * 1000))
	until xwininfo -root -tree 2>/dev/null | grep -Eq -- "$1"; do
		if (($(now_ms) >= deadline)); then
			xwininfo -root -tree 2>&1 | sed 's/^/  x| /' >&2
			return 1
		fi
		sleep 0.2
	done
}

# descendants PID: the pids of PID's descendants, parents first.
descendants() {
	local -A parent=()
	local d s pid
	for d in /proc/[0-9]*; do
		s=$(<"$d/stat") 2>/dev/null || continue
		s=${s##*) } # after "pid (comm) ": "state ppid ..."
		s=${s#* }
		parent[${d#/proc/}]=${s%% *}
	done
	local -a todo=("$1")
	while ((${#todo[@]})); do
		pid=${todo[0]}
		todo=("${todo[@]:1}")
		for d in "${!parent[@]}"; do
			[[ ${parent[$d]} == "$pid" ]] || continue
			printf '%s\n' "$d"
			todo+=("$d")
		done
	done
}

# tree_namespaces PID NS: the distinct NAME namespaces of PID and its
# descendants, one per line.
tree_namespaces() {
	local pid
	for pid in "$1" $(descendants "$1"); do
		readlink "/proc/$pid/ns/$2" 2>/dev/null
	done | sort -u
}

# wait_for_file PATH SECONDS: wait until PATH exists (a file: non-empty).
wait_for_file() {
	local deadline=$(($(now_ms) + $2 * 1000))
	until [[ -d $1 || -s $1 ]]; do
		(($(now_ms) < deadline)) || return 1
		sleep 0.2
	done
}

# stop_bg: TERM the background launcher, wait for it, show its output.
stop_bg() {
	local i
	kill -TERM "$BG_PID" 2>/dev/null
	# SIGTERM is forwarded to the application; a GUI application may take
	# its time to quit on a loaded machine. Then SIGKILL the launcher:
	# die-with-parent takes the whole sandbox with it (tested in t_basic).
	for ((i = 0; i < 100; i++)); do
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$BG_PID" 2>/dev/null && kill -KILL "$BG_PID" 2>/dev/null
	wait_exit "$BG_PID" 20
	show_bg "$1"
}

# make_pdf FILE TEXT: a one-page PDF showing TEXT (offsets computed here).
make_pdf() {
	local f=$1 text=$2 stream i
	local -a obj off
	stream="BT /F1 36 Tf 72 700 Td ($text) Tj ET"
	obj=(
		"<< /Type /Catalog /Pages 2 0 R >>"
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
		"<< /Length ${#stream} >>
stream
$stream
endstream"
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	)
	printf '%%PDF-1.4\n' >"$f"
	for i in "${!obj[@]}"; do
		off[i]=$(stat -c %s "$f")
		printf '%d 0 obj\n%s\nendobj\n' $((i + 1)) "${obj[i]}" >>"$f"
	done
	local xref
	xref=$(stat -c %s "$f")
	{
		printf 'xref\n0 %d\n0000000000 65535 f \n' $((${#obj[@]} + 1))
		for i in "${!obj[@]}"; do printf '%010d 00000 n \n' "${off[i]}"; done
		printf 'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' \
			$((${#obj[@]} + 1)) "$xref"
	} >>"$f"
}

# make_clip FILE: a one-second video with sound (ffmpeg, outside the sandbox).
make_clip() {
	need_app ffmpeg ffmpeg
	ffmpeg -nostdin -v error -y -f lavfi -i testsrc=duration=1:size=64x48:rate=10 \
		-f lavfi -i sine=frequency=440:duration=1 -c:v mpeg4 -c:a mp2 -shortest "$1" ||
		fail "ffmpeg could not make $1"
}

# make_tree DIR: a small tree with a subdirectory, an empty file and a link.
make_tree() {
	mkdir -p "$1/sub/deeper"
	printf 'alpha\n' >"$1/a.txt"
	seq 1 2000 >"$1/sub/numbers.txt"
	: >"$1/sub/deeper/empty"
	ln -s ../a.txt "$1/sub/link"
}

# ---- gui.conf ------------------------------------------------------------------

# The display and sound sockets of a desktop session reach the program;
# the D-Bus session bus does not; XDG_RUNTIME_DIR is private and writable.
# Root only: it fakes a session in /run/user/0 (and leaves a real one alone).
test_gui_sockets() {
	apps_init
	require_root
	need_app python3 python3
	local run=/run/user/0
	[[ ! -e $run ]] || skip "$run exists (a real session): not touching it"
	{ mkdir -p "$run" && chmod 0700 "$run"; } || skip "cannot create $run"
	RUNDIR_CREATED=$run
	python3 -u - "$run" >"$TEST_TMP/session.log" 2>&1 </dev/null <<-'EOF' &
		import os, selectors, socket, sys
		run = sys.argv[1]
		sel = selectors.DefaultSelector()
		for name in ("wayland-0", "pulse/native", "pipewire-0", "bus"):
		    path = os.path.join(run, name)
		    os.makedirs(os.path.dirname(path), exist_ok=True)
		    s = socket.socket(socket.AF_UNIX)
		    s.bind(path)
		    s.listen(8)
		    sel.register(s, selectors.EVENT_READ, name)
		print("listening", flush=True)
		while True:
		    for key, _ in sel.select():
		        c, _ = key.fileobj.accept()
		        c.sendall(("host:" + key.data).encode())
		        c.close()
	EOF
	printf '%s\n' "$!" >>"$TEST_TMP/.bg_pids"
	wait_for "$TEST_TMP/session.log" '^listening' 10 || fail "the fake session did not start"
	echo "host file" >"$run/private-file"
	# a client under mpv.conf, which includes gui.conf
	assert_exit 0 sbx --profile mpv python3 - <<-'EOF'
		import os, socket
		run = os.environ["XDG_RUNTIME_DIR"]
		print("runtime=" + run)
		for name in ("wayland-0", "pulse/native", "pipewire-0", "bus"):
		    key = name.replace("/", "_")
		    try:
		        c = socket.socket(socket.AF_UNIX)
		        c.connect(os.path.join(run, name))
		        print(key + "=" + c.recv(64).decode())
		    except OSError as e:
		        print(key + "=" + type(e).__name__)
		print("private_file=" + str(os.path.exists(os.path.join(run, "private-file"))))
		with open(os.path.join(run, "scratch"), "w") as f:
		    f.write("x")
		print("writable=yes")
	EOF
	assert_eq "$run" "$(kv runtime)" "XDG_RUNTIME_DIR"
	assert_eq host:wayland-0 "$(kv wayland-0)" "Wayland socket"
	assert_eq host:pulse/native "$(kv pulse_native)" "PulseAudio socket"
	assert_eq host:pipewire-0 "$(kv pipewire-0)" "PipeWire socket"
	assert_eq FileNotFoundError "$(kv bus)" "D-Bus session bus"
	assert_eq False "$(kv private_file)" "other files of the runtime directory"
	assert_eq yes "$(kv writable)" "a writable runtime directory"
	[[ ! -e $run/scratch ]] || fail "a file written inside reached the host's $run"
}

# ---- every profile ---------------------------------------------------------

# Include-only profiles (description "Include: ...") are building blocks;
# the others are app profiles and must name their test.
test_profiles_load() {
	apps_init
	local f name first apps=0 missing='' tests
	tests=$(grep -oE '^test_[a-z0-9_]+' "$REPO/tests/integration/t_apps.sh")
	for f in "$REPO"/profiles.d/*.conf; do
		name=$(basename "$f" .conf)
		assert_exit 0 "$SANDBOX" --profile "$f" --print-profile "$name"
		assert_exit 0 "$SANDBOX" --print-profile "$name"
		assert_contains "$OUT" "$REPO/profiles.d/$name.conf" "--print-profile $name (origins)"
		if awk 'length($0) > 198 { exit 1 }' "$f"; then :; else
			fail "$f: a line is longer than 198 bytes"
		fi
		first=$(head -n 1 "$f")
		[[ $first == "# $name.conf - "* ]] || fail "$f: no header comment '# $name.conf - ...'"
		grep -q '^description = ' "$f" || fail "$f: no description"
		! grep -nE '= *-~' "$f" >&2 || fail "$f: '-~' is not expanded: write -\${HOME}/"
		[[ $name == default ]] && continue
		if grep -q '^description = Include:' "$f"; then
			! grep -q '^include = default$' "$f" || fail "$f: an include must not pull in default"
			continue
		fi
		apps=$((apps + 1))
		# every app profile starts from default.conf
		assert_contains "$OUT" "$REPO/profiles.d/default.conf" "--print-profile $name"
		assert_match "$OUT" '^mode = (none|host)' "$name: [network] mode"
		local t
		t=$(grep -oE '^# Tested by: tests/integration/t_apps\.sh test_[a-z0-9_]+' "$f" | grep -oE 'test_[a-z0-9_]+$')
		[[ -n $t ]] || fail "$f: no '# Tested by: tests/integration/t_apps.sh test_...' line"
		grep -qx -- "$t" <<<"$tests" || missing+=" $name:$t"
	done
	[[ -z $missing ]] || fail "profiles naming a test that does not exist:$missing"
	((apps >= 30)) || fail "only $apps app profiles, expected at least 30"
}

# Profiles that only include another resolve to the same policy, and the
# alias programs that are installed run under them.
test_alias_profiles() {
	apps_init
	local f name target a b ran=0
	for f in "$REPO"/profiles.d/*.conf; do
		name=$(basename "$f" .conf)
		# an alias: nothing but a description and one include
		[[ $(grep -vcE '^(#.*|\[profile\]|description = .*|include = [a-z0-9.+-]+|)$' "$f") == 0 ]] || continue
		[[ $(grep -c '^include = ' "$f") == 1 ]] || continue
		grep -q '^description = Include:' "$f" && continue
		target=$(sed -n 's/^include = //p' "$f")
		a=$("$SANDBOX" --print-profile "$name" | grep -vE '^(#|description =|$)' | sed 's/ ; .*$//')
		b=$("$SANDBOX" --print-profile "$target" | grep -vE '^(#|description =|$)' | sed 's/ ; .*$//')
		[[ -n $a && $a == "$b" ]] || {
			diff <(echo "$b") <(echo "$a") >&2
			fail "$name does not resolve like $target"
		}
		command -v "$name" >/dev/null || continue
		case $name in
		cvlc) continue ;; # test_vlc runs it (not as root)
		esac
		assert_exit 0 sbx "$name" --version
		[[ -n $OUT ]] || fail "$name --version printed nothing"
		ran=$((ran + 1))
	done
	((ran > 0)) || skip "none of the alias programs is installed (make deps-apps)"
}

# ---- network clients ---------------------------------------------------------

test_curl() {
	apps_init
	need_app curl curl
	mkdir -p "$TEST_TMP/srv"
	echo "served over loopback" >"$TEST_TMP/srv/file.txt"
	http_serve "$TEST_TMP/srv"
	assert_exit 0 sbx curl -sSfO "http://127.0.0.1:$HTTP_PORT/file.txt"
	assert_eq "served over loopback" "$(cat "$WORK/file.txt")" "downloaded file"
	# denied: the home directory, read or written
	run sbx curl -sSf "file://$SECRET"
	[[ $RC != 0 ]] || fail "curl read $SECRET"
	assert_not_contains "$OUT" "sbx-secret" "curl output"
	assert_exit 0 sbx curl -sSf -o "$HOME/planted" "http://127.0.0.1:$HTTP_PORT/file.txt"
	[[ ! -e $HOME/planted ]] || fail "curl wrote into the real home"
}

test_wget() {
	apps_init
	need_app wget wget
	mkdir -p "$TEST_TMP/srv/dir"
	echo "served over loopback" >"$TEST_TMP/srv/dir/file.txt"
	http_serve "$TEST_TMP/srv"
	assert_exit 0 sbx wget -q "http://127.0.0.1:$HTTP_PORT/dir/file.txt"
	assert_eq "served over loopback" "$(cat "$WORK/file.txt")" "downloaded file"
	assert_exit 0 sbx wget -q -O "$HOME/.bashrc" "http://127.0.0.1:$HTTP_PORT/dir/file.txt"
	[[ ! -e $HOME/.bashrc ]] || fail "wget wrote into the real home"
	assert_home_hidden wget
}

test_git() {
	apps_init
	need_app git git
	local g=(git -c user.name=Host -c user.email=host@example.invalid -c init.defaultBranch=main)
	{ "${g[@]}" init -q "$WORK/origin" && echo "tracked" >"$WORK/origin/README" &&
		"${g[@]}" -C "$WORK/origin" add README && "${g[@]}" -C "$WORK/origin" commit -qm first; } ||
		fail "cannot make the origin repository"
	"${g[@]}" clone -q --bare "$WORK/origin" "$HOME/private.git" || fail "cannot make the private repository"
	mkdir -p "$TEST_TMP/srv"
	{ "${g[@]}" clone -q --bare "$WORK/origin" "$TEST_TMP/srv/served.git" &&
		git -C "$TEST_TMP/srv/served.git" update-server-info; } || fail "cannot make the served repository"
	printf '[user]\n\tname = Sandbox Tester\n\temail = tester@example.invalid\n' >"$HOME/.gitconfig"
	# a local clone, a commit with the user's ~/.gitconfig
	assert_exit 0 sbx git clone -q origin clone
	assert_eq "tracked" "$(cat "$WORK/clone/README")" "cloned README"
	assert_exit 0 sbx git -C clone commit -q --allow-empty -m "made inside"
	assert_exit 0 git -C "$WORK/clone" log -1 --format=%an
	assert_eq "Sandbox Tester" "$OUT" "commit author (from ~/.gitconfig)"
	# a clone over http from the host's loopback
	http_serve "$TEST_TMP/srv"
	assert_exit 0 sbx git clone -q "http://127.0.0.1:$HTTP_PORT/served.git" viahttp
	assert_eq "tracked" "$(cat "$WORK/viahttp/README")" "README cloned over http"
	# denied: a repository elsewhere in the home
	run sbx git clone -q "$HOME/private.git" stolen
	[[ $RC != 0 && ! -e $WORK/stolen/README ]] || fail "git cloned a repository from the home directory"
}

test_rsync() {
	apps_init
	need_app rsync rsync
	make_tree "$WORK/tree"
	assert_exit 0 sbx rsync -a tree/ copy/
	diff -r "$WORK/tree" "$WORK/copy" >&2 || fail "rsync copy differs"
	[[ -L $WORK/copy/sub/link ]] || fail "rsync -a did not keep the link"
	# denied: the home directory is an empty tmpfs
	assert_exit 0 sbx rsync -a "$HOME/" stolen/
	[[ ! -e $WORK/stolen/secret.txt ]] || fail "rsync copied the secret file"
}

# ---- interpreters -------------------------------------------------------------

test_python3() {
	apps_init
	need_app python3 python3
	cp "$APPS_FIXTURES/probe.py" "$WORK/"
	echo "three small words" >"$WORK/in.txt"
	mkdir -p "$TEST_TMP/srv"
	http_serve "$TEST_TMP/srv" # a listener on the host's loopback
	assert_exit 0 sbx python3 probe.py in.txt out.txt "$SECRET" "$HTTP_PORT"
	assert_eq "THREE SMALL WORDS" "$(cat "$WORK/out.txt")" "output file"
	assert_eq 3 "$(kv words)" "words"
	assert_eq FileNotFoundError "$(kv secret)" "reading the secret"
	assert_eq ConnectionRefusedError "$(kv net)" "connecting to the host's loopback (mode = none)"
	# the same script with the host network reaches the server: the check is real
	assert_exit 0 sbx --net host python3 probe.py in.txt out.txt "$SECRET" "$HTTP_PORT"
	assert_eq connected "$(kv net)" "with --net host"
}

test_node() {
	apps_init
	local node
	node=$(command -v node || command -v nodejs) || skip "node is not installed (package nodejs; make deps-apps installs it)"
	cp "$APPS_FIXTURES/probe.js" "$WORK/"
	echo "three small words" >"$WORK/in.txt"
	mkdir -p "$TEST_TMP/srv"
	http_serve "$TEST_TMP/srv"
	assert_exit 0 sbx "${node##*/}" probe.js in.txt out.txt "$SECRET" "$HTTP_PORT"
	assert_eq "THREE SMALL WORDS" "$(cat "$WORK/out.txt")" "output file"
	assert_eq 3 "$(kv words)" "words"
	assert_eq ENOENT "$(kv secret)" "reading the secret"
	assert_eq ECONNREFUSED "$(kv net)" "connecting to the host's loopback (mode = none)"
	assert_exit 0 sbx --net host "${node##*/}" probe.js in.txt out.txt "$SECRET" "$HTTP_PORT"
	assert_eq connected "$(kv net)" "with --net host"
}

# ---- archives -------------------------------------------------------------------

test_tar_xz() {
	apps_init
	need_app tar tar
	need_app xz xz-utils
	make_tree "$WORK/tree"
	assert_exit 0 sbx tar -cJf tree.tar.xz tree
	assert_exit 0 sbx xz -dk tree.tar.xz
	[[ -s $WORK/tree.tar ]] || fail "xz -d made no tree.tar"
	mkdir "$WORK/out"
	assert_exit 0 sbx tar -xf tree.tar -C out
	diff -r "$WORK/tree" "$WORK/out/tree" >&2 || fail "the unpacked tree differs"
	assert_exit 0 sbx xzcat tree.tar.xz
	assert_eq "$(cat "$WORK/tree.tar")" "$OUT" "xzcat output"
	# denied: the home directory, the network
	run sbx tar -cf steal.tar "$SECRET"
	[[ $RC != 0 ]] || fail "tar archived $SECRET"
	assert_no_network tar
}

test_gzip() {
	apps_init
	need_app gzip gzip
	seq 1 5000 >"$WORK/numbers.txt"
	cp "$WORK/numbers.txt" "$TEST_TMP/numbers.orig"
	assert_exit 0 sbx gzip numbers.txt
	[[ -s $WORK/numbers.txt.gz && ! -e $WORK/numbers.txt ]] || fail "gzip did not compress in place"
	assert_exit 0 sbx zcat numbers.txt.gz
	assert_eq "$(cat "$TEST_TMP/numbers.orig")" "$OUT" "zcat output"
	assert_exit 0 sbx gunzip numbers.txt.gz
	cmp "$WORK/numbers.txt" "$TEST_TMP/numbers.orig" || fail "gunzip result differs"
	run sbx gzip -c "$SECRET"
	[[ $RC != 0 ]] || fail "gzip read $SECRET"
	assert_no_network gzip
}

test_zip_unzip() {
	apps_init
	need_app zip zip
	need_app unzip unzip
	make_tree "$WORK/tree"
	rm "$WORK/tree/sub/link" # zip follows links by default
	assert_exit 0 sbx zip -qr tree.zip tree
	assert_exit 0 sbx unzip -q tree.zip -d out
	diff -r "$WORK/tree" "$WORK/out/tree" >&2 || fail "the unzipped tree differs"
	run sbx zip -q steal.zip "$SECRET"
	[[ $RC != 0 && ! -e $WORK/steal.zip ]] || fail "zip archived $SECRET"
	assert_no_network unzip
}

# ---- data and text tools ----------------------------------------------------------

test_jq() {
	apps_init
	need_app jq jq
	cp "$APPS_FIXTURES/data.json" "$WORK/"
	assert_exit 0 sbx jq -r '.name + " " + (.tools | join(","))' data.json
	assert_eq "sandbox curl,jq,tar" "$OUT" "jq output"
	echo '{"secret": true}' >"$HOME/secret.json"
	run sbx jq . "$HOME/secret.json"
	[[ $RC != 0 ]] || fail "jq read a file in the home directory"
	assert_cwd_readonly jq
}

test_sqlite3() {
	apps_init
	need_app sqlite3 sqlite3
	assert_exit 0 sbx sqlite3 db.sqlite \
		"create table t(x); insert into t values ('a'), ('b'), ('c'); select count(*) from t;"
	assert_eq 3 "$OUT" "row count"
	assert_magic "$WORK/db.sqlite" 53514c69746520666f726d61742033 "database file"
	assert_exit 0 sbx sqlite3 db.sqlite "select readfile('$SECRET') is null;"
	assert_eq 1 "$OUT" "readfile() of the secret is NULL"
	assert_no_network sqlite3
}

test_less() {
	apps_init
	need_app less less
	printf 'line one\nline two\n' >"$WORK/notes.txt"
	# with standard output not a terminal, less copies the file
	assert_exit 0 sbx less notes.txt
	assert_eq $'line one\nline two' "$OUT" "less output"
	run sbx less "$SECRET"
	assert_not_contains "$OUT" "sbx-secret" "less output"
	assert_contains "$OUT$ERR" "No such file or directory" "less of the secret"
	assert_cwd_readonly less
}

test_man() {
	apps_init
	need_app man man-db
	need_app groff groff-base
	cat >"$WORK/sbxtest.1" <<-'EOF'
		.TH SBXTEST 1 2026-01-01 sandbox "Test page"
		.SH NAME
		sbxtest \- a page rendered inside the sandbox
		.SH DESCRIPTION
		Rendered by man running under man.conf.
	EOF
	cp "$WORK/sbxtest.1" "$HOME/secret.1"
	assert_exit 0 sbx man -l sbxtest.1
	assert_contains "$OUT" "a page rendered inside the sandbox" "man -l output"
	run sbx man -l "$HOME/secret.1"
	[[ $RC != 0 ]] || fail "man read a page in the home directory"
	assert_no_network man
}

# ---- media and documents -------------------------------------------------------------

test_ffmpeg() {
	apps_init
	need_app ffmpeg ffmpeg
	assert_exit 0 sbx ffmpeg -nostdin -v error -f lavfi -i testsrc=duration=1:size=64x48:rate=10 \
		-f lavfi -i sine=duration=1 -c:v mpeg4 -c:a mp2 -shortest clip.mkv
	assert_exit 0 sbx ffmpeg -nostdin -v error -i clip.mkv -vn sound.wav
	assert_magic "$WORK/sound.wav" 52494646 "sound.wav (RIFF)"
	# denied: fetching a URL (mode = none), while the host can
	mkdir -p "$TEST_TMP/srv" && cp "$WORK/clip.mkv" "$TEST_TMP/srv/"
	http_serve "$TEST_TMP/srv"
	run sbx ffmpeg -nostdin -v error -i "http://127.0.0.1:$HTTP_PORT/clip.mkv" -f null -
	[[ $RC != 0 ]] || fail "ffmpeg fetched a URL with mode = none"
	assert_exit 0 sbx --net host ffmpeg -nostdin -v error -i "http://127.0.0.1:$HTTP_PORT/clip.mkv" -f null -
	assert_home_hidden ffmpeg
}

test_convert() {
	apps_init
	need_app convert imagemagick
	assert_exit 0 sbx convert -size 40x30 xc:red in.png
	assert_magic "$WORK/in.png" "$PNG" "in.png"
	assert_exit 0 sbx convert in.png -resize 20x15 out.jpg
	assert_magic "$WORK/out.jpg" ffd8ff "out.jpg"
	cp "$WORK/in.png" "$HOME/secret.png"
	run sbx convert "$HOME/secret.png" stolen.png
	[[ $RC != 0 && ! -e $WORK/stolen.png ]] || fail "convert read an image in the home directory"
	assert_no_network convert
}

test_pandoc() {
	apps_init
	need_app pandoc pandoc
	cp "$APPS_FIXTURES/doc.md" "$WORK/"
	assert_exit 0 sbx pandoc -s --metadata title=t -o doc.html doc.md
	assert_contains "$(cat "$WORK/doc.html")" '<h1 id="sandbox-test">Sandbox test</h1>' "doc.html"
	# denied: a URL as input (mode = none), while the host serves it
	mkdir -p "$TEST_TMP/srv" && cp "$APPS_FIXTURES/page.html" "$TEST_TMP/srv/"
	http_serve "$TEST_TMP/srv"
	run sbx pandoc -f html -t plain "http://127.0.0.1:$HTTP_PORT/page.html"
	[[ $RC != 0 ]] || fail "pandoc fetched a URL with mode = none"
	assert_exit 0 sbx --net host pandoc -f html -t plain "http://127.0.0.1:$HTTP_PORT/page.html"
	assert_contains "$OUT" "sandbox test page" "pandoc output with --net host"
	assert_home_hidden pandoc
}

# ---- build tools ---------------------------------------------------------------------

test_gcc_make() {
	apps_init
	need_app make make
	need_app gcc gcc
	cp -R "$APPS_FIXTURES/hello/." "$WORK/"
	assert_exit 0 sbx make
	assert_exit 0 "$WORK/hello" sandbox
	assert_eq "hello, sandbox" "$OUT" "built program"
	assert_exit 0 sbx make check
	assert_contains "$OUT" "hello, sandbox" "make check"
	assert_exit 0 sbx gcc -O2 -Wall -o hello2 main.c greet.c
	assert_exit 0 "$WORK/hello2"
	assert_eq "hello, world" "$OUT" "program built by gcc"
	# denied: a recipe reading the home directory; gcc reading it
	run sbx make steal
	[[ $RC != 0 ]] || fail "a make recipe read $SECRET"
	assert_not_contains "$OUT" "sbx-secret" "make steal"
	run sbx gcc -E -x c "$SECRET"
	[[ $RC != 0 ]] || fail "gcc read $SECRET"
	assert_no_network make
}

# ---- desktop applications ---------------------------------------------------------------

test_firefox() {
	apps_init
	local ff
	ff=$(command -v firefox-esr || command -v firefox) ||
		skip "firefox-esr is not installed (package firefox-esr; make deps-apps installs it)"
	ff=${ff##*/}
	ordinary_user
	mkdir -p "$HOME/Downloads" "$HOME/.mozilla"
	cp "$APPS_FIXTURES/page.html" "$HOME/Downloads/"
	fix_owner
	SBX_GUARD=90
	assert_exit 0 sbx "${AS_USER[@]}" --net none "$ff" --headless \
		--screenshot "$HOME/Downloads/shot.png" "file://$HOME/Downloads/page.html"
	assert_magic "$HOME/Downloads/shot.png" "$PNG" "screenshot"
	# Firefox's own sandbox got its user namespaces (nested-sandbox.conf)
	assert_not_contains "$ERR" "CanCreateUserNamespace() clone() failure" "firefox stderr"
	assert_not_contains "$ERR" "Sandbox: writing /proc/self/uid_map" "firefox stderr"
	# ... and really uses them: content processes live in user namespaces
	# of their own, nested in the sandbox's
	sbx_bg "$TEST_TMP/ff.out" "${AS_USER[@]}" --net none "$ff" --headless "file://$HOME/Downloads/page.html"
	local deadline=$(($(now_ms) + 60000)) n=0
	until (($(now_ms) >= deadline)); do
		n=$(tree_namespaces "$BG_PID" user | wc -l)
		((n >= 3)) && break
		sleep 0.5
	done
	stop_bg "$TEST_TMP/ff.out"
	((n >= 3)) || fail "firefox made no nested user namespaces (${n} distinct in its process tree)"
	assert_home_hidden "$ff"
}

test_chromium() {
	apps_init
	need_app chromium chromium
	ordinary_user
	mkdir -p "$HOME/Downloads" "$HOME/.config/chromium"
	cp "$APPS_FIXTURES/page.html" "$HOME/Downloads/"
	fix_owner
	SBX_GUARD=90
	# no --no-sandbox: Chromium's namespace sandbox runs inside ours. The
	# profile directory is the persistent one the profile grants (headless
	# Chromium would otherwise make a throwaway one in ~/.config).
	assert_exit 0 sbx "${AS_USER[@]}" --net none chromium --headless --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --window-size=640,480 \
		--user-data-dir="$HOME/.config/chromium" --screenshot="$HOME/Downloads/shot.png" "file://$HOME/Downloads/page.html"
	assert_magic "$HOME/Downloads/shot.png" "$PNG" "screenshot"
	assert_not_contains "$ERR" "No usable sandbox" "chromium stderr"
	[[ -n $(ls -A "$HOME/.config/chromium") ]] || fail "chromium wrote nothing to ~/.config/chromium"
	assert_home_hidden chromium
}

test_libreoffice() {
	apps_init
	need_app soffice libreoffice-writer-nogui
	mkdir -p "$HOME/Documents"
	cp "$APPS_FIXTURES/doc.fodt" "$HOME/Documents/"
	cd "$HOME/Documents" || fail "cd"
	SBX_GUARD=120
	assert_exit 0 sbx soffice --headless --convert-to pdf doc.fodt
	assert_magic "$HOME/Documents/doc.pdf" "$PDF" "doc.pdf"
	assert_home_hidden libreoffice
	assert_no_network soffice
}

test_evince_thumbnailer() {
	apps_init
	need_app evince-thumbnailer evince
	mkdir -p "$HOME/Documents" "$HOME/.cache/thumbnails/normal"
	make_pdf "$HOME/Documents/doc.pdf" "sandbox"
	cp "$HOME/Documents/doc.pdf" "$HOME/secret.pdf"
	assert_exit 0 sbx evince-thumbnailer -s 128 "$HOME/Documents/doc.pdf" "$HOME/.cache/thumbnails/normal/doc.png"
	assert_magic "$HOME/.cache/thumbnails/normal/doc.png" "$PNG" "thumbnail"
	run sbx evince-thumbnailer -s 128 "$HOME/secret.pdf" "$HOME/.cache/thumbnails/normal/secret.png"
	[[ $RC != 0 && ! -e $HOME/.cache/thumbnails/normal/secret.png ]] ||
		fail "evince-thumbnailer drew a document from outside the document folders"
	assert_no_network evince-thumbnailer
}

test_evince() {
	apps_init
	need_app evince evince
	xvfb_start
	mkdir -p "$HOME/Documents"
	make_pdf "$HOME/Documents/report.pdf" "sandbox"
	sbx_bg "$TEST_TMP/evince.out" evince "$HOME/Documents/report.pdf"
	x_window_wait '"report\.pdf' 30 || {
		stop_bg "$TEST_TMP/evince.out"
		fail "no evince window for report.pdf on $DISPLAY"
	}
	stop_bg "$TEST_TMP/evince.out"
	assert_home_hidden evince
	assert_no_network evince
}

test_gimp() {
	apps_init
	need_app gimp gimp
	mkdir -p "$HOME/Pictures"
	local out=$HOME/Pictures/red.png
	SBX_GUARD=120
	assert_exit 0 sbx gimp -i -n -f -d -b "(let* ((img (car (gimp-image-new 64 48 RGB)))
		(layer (car (gimp-layer-new img 64 48 RGB-IMAGE \"bg\" 100 LAYER-MODE-NORMAL))))
		(gimp-image-insert-layer img layer 0 0)
		(gimp-context-set-foreground '(255 0 0))
		(gimp-drawable-fill layer FILL-FOREGROUND)
		(file-png-save-defaults RUN-NONINTERACTIVE img layer \"$out\" \"red.png\"))" \
		-b '(gimp-quit 0)'
	assert_magic "$out" "$PNG" "red.png"
	assert_home_hidden gimp
	assert_no_network gimp
}

test_mpv() {
	apps_init
	need_app mpv mpv
	mkdir -p "$HOME/Videos"
	make_clip "$HOME/Videos/clip.mkv"
	cp "$HOME/Videos/clip.mkv" "$HOME/secret.mkv"
	assert_exit 0 sbx mpv --vo=null --ao=null "$HOME/Videos/clip.mkv"
	assert_contains "$OUT" "Exiting... (End of file)" "mpv output"
	run sbx mpv --vo=null --ao=null "$HOME/secret.mkv"
	[[ $RC != 0 ]] || fail "mpv played a file from outside the media folders"
	assert_no_network mpv
}

test_vlc() {
	apps_init
	need_app cvlc vlc-bin
	ordinary_user
	mkdir -p "$HOME/Videos"
	make_clip "$HOME/Videos/clip.mkv"
	cp "$HOME/Videos/clip.mkv" "$HOME/secret.mkv"
	fix_owner
	local -a v=(cvlc -vv --no-dbus --intf dummy --vout dummy --aout dummy --play-and-exit)
	assert_exit 0 sbx "${AS_USER[@]}" "${v[@]}" "$HOME/Videos/clip.mkv"
	assert_contains "$ERR" "using video decoder module" "vlc log"
	assert_not_contains "$ERR" "cannot open file" "vlc log"
	run sbx "${AS_USER[@]}" "${v[@]}" "$HOME/secret.mkv"
	assert_contains "$ERR" "cannot open file $HOME/secret.mkv" "vlc log for a file outside the media folders"
	assert_not_contains "$ERR" "using video decoder module" "vlc log for a file outside the media folders"
	assert_no_network vlc
}

test_thunderbird() {
	apps_init
	need_app thunderbird thunderbird
	ordinary_user
	mkdir -p "$HOME/.thunderbird"
	fix_owner
	SBX_GUARD=90
	assert_exit 0 sbx "${AS_USER[@]}" --net none thunderbird --headless \
		-CreateProfile "sbx $HOME/.thunderbird/sbx"
	[[ -f $HOME/.thunderbird/sbx/times.json ]] || fail "no profile in ~/.thunderbird/sbx"
	# start on it headless until it has set up the mail profile
	sbx_bg "$TEST_TMP/tb.out" "${AS_USER[@]}" --net none thunderbird --headless \
		--profile "$HOME/.thunderbird/sbx"
	wait_for_file "$HOME/.thunderbird/sbx/abook.sqlite" 60 || {
		stop_bg "$TEST_TMP/tb.out"
		fail "thunderbird set up no address book"
	}
	stop_bg "$TEST_TMP/tb.out"
	assert_not_contains "$(cat "$TEST_TMP/tb.out.err")" "CanCreateUserNamespace() clone() failure" "thunderbird stderr"
	assert_home_hidden thunderbird
}

# make_torrent: ~/Downloads/share (data) and data.torrent for it.
make_torrent() {
	need_app transmission-create transmission-cli
	mkdir -p "$HOME/Downloads/share"
	head -c 300000 /dev/urandom >"$HOME/Downloads/share/data.bin"
	transmission-create -o "$1" "$HOME/Downloads/share" >/dev/null 2>&1 ||
		fail "transmission-create failed"
}

test_transmission_cli() {
	apps_init
	need_app transmission-cli transmission-cli
	need_app script bsdutils
	make_torrent "$WORK/data.torrent"
	# transmission-cli shows its progress on a terminal only: script(1)
	# gives it one. --net none: no DHT or peer traffic leaves the test.
	run script -qfec "$(printf '%q ' "$SANDBOX" --ro-bind "${PROBE%/*}" --net none --timeout 8 \
		transmission-cli -D -w "$HOME/Downloads" data.torrent)" /dev/null
	assert_eq 124 "$RC" "status (seeding until the timeout)"
	assert_contains "$OUT" "Seeding" "transmission-cli verified the data"
	assert_home_hidden transmission-cli
}

test_transmission_daemon() {
	apps_init
	need_app transmission-daemon transmission-daemon
	need_app transmission-remote transmission-cli
	need_app python3 python3
	make_torrent "$HOME/Downloads/data.torrent"
	mkdir -p "$HOME/.config/transmission-daemon"
	local port peer i
	# two free ports on the loopback, for RPC and for peers
	read -r port peer < <(python3 -c 'import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])') || fail "no free ports"
	# the host network, bound to the loopback, with DHT, LPD and port
	# mapping off: nothing leaves the machine
	sbx_bg "$TEST_TMP/td.out" --timeout 60 transmission-daemon -f -g "$HOME/.config/transmission-daemon" \
		-w "$HOME/Downloads" --no-dht --no-lpd --no-portmap --no-auth --rpc-bind-address 127.0.0.1 \
		-p "$port" -P "$peer" -a 127.0.0.1 -i 127.0.0.1 -I ::1
	for i in $(seq 50); do
		transmission-remote "127.0.0.1:$port" -l >/dev/null 2>&1 && break
		sleep 0.2
	done
	assert_exit 0 transmission-remote "127.0.0.1:$port" -a "$HOME/Downloads/data.torrent"
	for i in $(seq 50); do
		run transmission-remote "127.0.0.1:$port" -t 1 -i
		[[ $OUT == *"Percent Done: 100%"* ]] && break
		sleep 0.2
	done
	assert_contains "$OUT" "Percent Done: 100%" "torrent state"
	assert_exit 0 transmission-remote "127.0.0.1:$port" --exit
	wait_exit "$BG_PID" 20
	show_bg "$TEST_TMP/td.out"
	assert_eq 0 "$RC" "daemon status"
	[[ -f $HOME/.config/transmission-daemon/settings.json ]] || fail "no settings.json written"
	assert_home_hidden transmission-daemon
}

test_transmission_gtk() {
	apps_init
	need_app transmission-gtk transmission-gtk
	xvfb_start
	mkdir -p "$HOME/.config/transmission" "$HOME/Downloads"
	sbx_bg "$TEST_TMP/tg.out" --net none transmission-gtk
	x_window_wait '"Transmission"' 30 || {
		stop_bg "$TEST_TMP/tg.out"
		fail "no Transmission window on $DISPLAY"
	}
	wait_for_file "$HOME/.config/transmission/torrents" 30 || {
		stop_bg "$TEST_TMP/tg.out"
		fail "transmission-gtk did not use ~/.config/transmission"
	}
	stop_bg "$TEST_TMP/tg.out"
	assert_home_hidden transmission-gtk
}
