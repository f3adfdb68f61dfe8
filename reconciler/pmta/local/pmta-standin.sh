#!/bin/sh
# A stand-in for PowerMTA's `pmta` CLI (reference/powermta.md §2, §3): the `pmta` on the PATH of the test
# sshd (tests/peers/sshd.ts) and of the local sandbox host (local-host.ts). Never installed on a real host.
#   PMTA_CONFIG  the file standing for /etc/pmta/config
#   PMTA_STATE   state directory: commands.log (every invocation), running-config (the last reloaded
#                config), fail-<name> files that make a command fail (test-config, reload, show-status,
#                show-vmtas; a file containing "once" fails only the next call, "hang" holds it)
# Implements: test config, reload, show status, --dom show status, show vmtas, --dom show vmtas.
set -u
: "${PMTA_CONFIG:?PMTA_CONFIG is not set}"
: "${PMTA_STATE:?PMTA_STATE is not set}"

printf '%s\n' "$*" >>"$PMTA_STATE/commands.log"

# A fail-<name> file makes <name> fail; if it contains "once", only the next call fails. One containing
# "hang" makes <name> wait (up to 25 s) until the file is removed, then carry on: a command caught in
# the middle (the tests kill the deploy there).
fault() {
  if [ -e "$PMTA_STATE/fail-$1" ] && [ "$(cat "$PMTA_STATE/fail-$1")" = hang ]; then
    waited=0
    while [ -e "$PMTA_STATE/fail-$1" ] && [ "$waited" -lt 250 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    return 0
  fi
  if [ -e "$PMTA_STATE/fail-$1" ]; then
    if [ "$(cat "$PMTA_STATE/fail-$1")" = once ]; then rm -f "$PMTA_STATE/fail-$1"; fi
    echo "Error: injected failure of '$1'" >&2
    exit 1
  fi
}

# Structural check: balanced and properly nested <tag> … </tag> blocks, and no line FAIL-TEST-CONFIG.
# Prints PowerMTA's error shape: "Error in line N of FILE: message".
check_config() {
  if [ ! -r "$1" ]; then
    echo "Error: cannot open configuration file $1" >&2
    return 1
  fi
  awk -v file="$1" '
    function fail(msg) { printf "Error in line %d of %s: %s\n", NR, file, msg > "/dev/stderr"; bad = 1; exit 1 }
    /^[ \t]*#/ { next }
    /^[ \t]*FAIL-TEST-CONFIG[ \t]*$/ { fail("unknown directive FAIL-TEST-CONFIG") }
    /^[ \t]*<\/[A-Za-z-]+>/ {
      tag = $0; sub(/^[ \t]*<\//, "", tag); sub(/>.*/, "", tag)
      if (depth == 0) fail("closing tag </" tag "> without an open block")
      if (stack[depth] != tag) fail("closing tag </" tag "> does not match <" stack[depth] ">")
      depth--; next
    }
    /^[ \t]*<[A-Za-z-]+/ {
      tag = $0; sub(/^[ \t]*</, "", tag); sub(/[ \t>].*/, "", tag)
      stack[++depth] = tag; next
    }
    END { if (!bad && depth > 0) { fail("block <" stack[depth] "> is not closed") } }
  ' "$1"
}

vmtas() {
  [ -r "$PMTA_STATE/running-config" ] || return 0
  sed -n 's/^[[:space:]]*<virtual-mta[[:space:]][[:space:]]*\([^>[:space:]]*\).*/\1/p' "$PMTA_STATE/running-config"
}

dom_status() {
  cat <<'EOF'
status.product="PowerMTA v5.0r3 (fixture)"
status.version="5.0r3"
status.status="running"
status.conn.smtpIn.cur="2"
status.conn.smtpIn.max="100"
status.conn.smtpIn.top="14"
status.conn.smtpOut.cur="7"
status.conn.smtpOut.max="1000"
status.conn.smtpOut.top="55"
status.traffic.total.in.rcp="1520"
status.traffic.total.in.msg="1400"
status.traffic.total.in.kb="30210"
status.traffic.total.out.rcp="1488"
status.traffic.total.out.msg="1370"
status.traffic.total.out.kb="29874"
status.traffic.lastHr.in.rcp="120"
status.traffic.lastHr.in.msg="110"
status.traffic.lastHr.out.rcp="118"
status.traffic.lastHr.out.msg="109"
status.traffic.lastMin.in.rcp="3"
status.traffic.lastMin.out.rcp="2"
status.queue.smtp.rcp="655"
status.queue.smtp.dom="42"
status.queue.smtp.kb="13100"
status.spool.files="700"
status.spool.initPct="100"
EOF
}

case "$*" in
"test config")
  fault test-config
  check_config "$PMTA_CONFIG" || exit 1
  echo "Configuration file $PMTA_CONFIG is OK."
  ;;
"reload")
  fault reload
  check_config "$PMTA_CONFIG" || exit 1
  cp "$PMTA_CONFIG" "$PMTA_STATE/running-config"
  echo "Configuration reloaded."
  ;;
"--dom show status")
  fault show-status
  dom_status
  ;;
"show status")
  fault show-status
  echo "PowerMTA v5.0r3 (fixture), status: running"
  echo "Traffic  ------------inbound------------   ------------outbound-----------"
  echo "            rcpts     msgs      kbytes       rcpts     msgs      kbytes"
  echo "Total        1520     1400       30210        1488     1370       29874"
  echo "SMTP queue: 655 rcpts, 42 domains, 13100 kbytes"
  ;;
"--dom show vmtas")
  fault show-vmtas
  vmtas | while IFS= read -r name; do
    printf 'vmtas.vmta.name="%s"\nvmtas.vmta.rcp="0"\n' "$name"
  done
  ;;
"show vmtas")
  fault show-vmtas
  echo "VirtualMTA            rcpts   domains"
  vmtas | while IFS= read -r name; do printf '%-20s      0         0\n' "$name"; done
  ;;
*)
  echo "pmta: unknown command: $*" >&2
  exit 2
  ;;
esac
