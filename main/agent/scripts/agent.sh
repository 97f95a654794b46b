#!/bin/sh
# PrepStation agent for Linux: POSIX sh (dash, busybox sh), curl or wget (busybox too).
#
# It runs the machine's plan from the station (apps, configuration, checks), step by step,
# and reports every step (docs/agent-protocol.md). Everything it must not forget lives in
# its state dir, so a reboot, a power cut or a station that is down for a while loses
# nothing: reports wait in a queue on disk and are resent in order; a step that was
# running when the machine went down runs again; finished steps never run twice.
#
#   agent.sh install --station URL --token TOKEN   copy itself, enable a boot service, start
#   agent.sh run [--station URL --token TOKEN]     run now (what the service runs)
#
# Options (or env): --state-dir (PREPSTATION_STATE, /var/lib/prepstation-agent),
# --reboot-cmd (PREPSTATION_REBOOT_CMD, "reboot"), PREPSTATION_CHPASSWD_CMD ("chpasswd").
# Tests also set PREPSTATION_POLL,
# PREPSTATION_RETRY_DELAY, PREPSTATION_HEARTBEAT and PREPSTATION_HTTP (curl|wget).
# The Windows agent (agent.ps1) mirrors this file function for function.

AGENT_VERSION=1.0.0
# Filled in by the station when it serves this file to one machine (/t/<token>/agent.sh),
# so the answer file only has to fetch and start it. Options and the state dir win.
EMBEDDED_STATION=
EMBEDDED_TOKEN=
STATE=${PREPSTATION_STATE:-/var/lib/prepstation-agent}
REBOOT_CMD=${PREPSTATION_REBOOT_CMD:-reboot}
# Reads "user:password" lines on stdin (tests point it at a file, never at the host's users).
CHPASSWD_CMD=${PREPSTATION_CHPASSWD_CMD:-chpasswd}
POLL=${PREPSTATION_POLL:-1}
RETRY_DELAY=${PREPSTATION_RETRY_DELAY:-10}
HEARTBEAT=${PREPSTATION_HEARTBEAT:-}
# How long a download waits for an unreachable station before the step fails.
STATION_WAIT=${PREPSTATION_STATION_WAIT:-1800}
STATION=
TOKEN=
LC_ALL=C
export LC_ALL

# ---- small helpers -------------------------------------------------------------------

log() {
  printf '%s %s\n' "$(date '+%Y-%m-%dT%H:%M:%S' 2>/dev/null)" "$*" >>"$STATE/agent.log" 2>/dev/null
  printf 'prepstation-agent: %s\n' "$*" >&2
}

pause() { sleep "$1" 2>/dev/null || sleep 1; }

now_s() { date +%s; }

have() { command -v "$1" >/dev/null 2>&1; }

# Every line of stdin as a JSON string literal, comma separated (no [ ]). Control
# characters become spaces; lines are cut at 1900 bytes (the station takes 2000 chars).
json_lines() {
  awk 'BEGIN { for (i = 1; i < 32; i++) ctl = ctl sprintf("%c", i); first = 1 }
  {
    s = substr($0, 1, 1900); out = ""
    n = length(s)
    for (i = 1; i <= n; i++) {
      c = substr(s, i, 1)
      if (c == "\\") out = out "\\\\"
      else if (c == "\"") out = out "\\\""
      else if (c == "\t") out = out "\\t"
      else if (index(ctl, c) > 0 || c == "\177") out = out " "
      else out = out c
    }
    printf "%s\"%s\"", (first ? "" : ","), out; first = 0
  }'
}

# One string as a JSON string literal.
jstr() { printf '%s\n' "$1" | head -n 1 | json_lines; }

# JSON text on stdin to one line per leaf: "path<TAB>token" (steps.0.id	"inventory"),
# plus "path#<TAB>length" for arrays. The tokenizer is grep -o, as in JSON.sh.
jflat() {
  grep -E -o '"([^"\\]|\\.)*"|[][{}:,]|-?[0-9][0-9.eE+-]*|true|false|null' | awk '
  function here(   p) {
    if (d == 0) return ""
    if (typ[d] == "a") { seen[d] = 1; p = idx[d] } else p = key[d]
    return (pth[d] == "" ? "" : pth[d] ".") p
  }
  {
    t = $0
    if (t == ":") next
    if (t == ",") { if (typ[d] == "a") idx[d]++; else want[d] = 1; next }
    if (t == "{" || t == "[") {
      p = here(); d++; typ[d] = (t == "{" ? "o" : "a"); pth[d] = p; idx[d] = 0; want[d] = 1; seen[d] = 0
      next
    }
    if (t == "}" || t == "]") {
      if (typ[d] == "a") print pth[d] "#\t" (seen[d] ? idx[d] + 1 : 0)
      d--; next
    }
    if (d > 0 && typ[d] == "o" && want[d]) { key[d] = substr(t, 2, length(t) - 2); want[d] = 0; next }
    print here() "\t" t
  }'
}

# jget FLATFILE PATH: the decoded value (strings unescaped, null empty); 1 if absent.
jget() {
  awk -v want="$2" -F '\t' '
  function hex(h,   i, v) { v = 0; h = tolower(h)
    for (i = 1; i <= 4; i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return v }
  function utf8(v) {
    if (v < 128) return sprintf("%c", v)
    if (v < 2048) return sprintf("%c%c", 192 + int(v / 64), 128 + v % 64)
    return sprintf("%c%c%c", 224 + int(v / 4096), 128 + int(v / 64) % 64, 128 + v % 64) }
  $1 == want {
    t = substr($0, length($1) + 2); found = 1
    if (t == "null") exit
    if (substr(t, 1, 1) != "\"") { printf "%s", t; exit }
    n = length(t) - 1; out = ""
    for (i = 2; i <= n; i++) {
      c = substr(t, i, 1)
      if (c != "\\") { out = out c; continue }
      i++; c = substr(t, i, 1)
      if (c == "n") out = out "\n"; else if (c == "t") out = out "\t"
      else if (c == "r") out = out "\r"; else if (c == "b" || c == "f") out = out " "
      else if (c == "u") { out = out utf8(hex(substr(t, i + 1, 4))); i += 4 }
      else out = out c
    }
    printf "%s", out; exit
  }
  END { exit found ? 0 : 1 }' "$1"
}

# load_step N: every field of plan step N as a shell variable, in one awk run (process
# starts are what an agent on a slow or busy machine pays for): S_id, S_kind,
# S_download_url, S_params_detect_type, ... (null fields stay unset); S_successCodes and
# S_rebootCodes as space-separated lists. Values are single-quoted for eval.
load_step() {
  for _v in $LOADED; do unset "$_v"; done
  eval "$(awk -v pre="value.steps.$1." -F '\t' '
  function hex(h,   i, v) { v = 0; h = tolower(h)
    for (i = 1; i <= 4; i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return v }
  function utf8(v) {
    if (v < 128) return sprintf("%c", v)
    if (v < 2048) return sprintf("%c%c", 192 + int(v / 64), 128 + v % 64)
    return sprintf("%c%c%c", 224 + int(v / 4096), 128 + int(v / 64) % 64, 128 + v % 64) }
  function decode(t,   n, i, c, out) {
    if (substr(t, 1, 1) != "\"") return t
    n = length(t) - 1; out = ""
    for (i = 2; i <= n; i++) {
      c = substr(t, i, 1)
      if (c != "\\") { out = out c; continue }
      i++; c = substr(t, i, 1)
      if (c == "n") out = out "\n"; else if (c == "t") out = out "\t"
      else if (c == "r") out = out "\r"; else if (c == "b" || c == "f") out = out " "
      else if (c == "u") { out = out utf8(hex(substr(t, i + 1, 4))); i += 4 }
      else out = out c
    }
    return out }
  function quote(v,   out, i, c) {
    out = ""
    for (i = 1; i <= length(v); i++) { c = substr(v, i, 1); out = out (c == "\047" ? "\047\\\047\047" : c) }
    return "\047" out "\047" }
  index($1, pre) == 1 {
    k = substr($1, length(pre) + 1)
    if (k ~ /#$/) next
    t = substr($0, length($1) + 2)
    if (t == "null") next
    if (k ~ /^(successCodes|rebootCodes)\.[0-9]+$/) { sub(/\..*/, "", k); lists[k] = lists[k] " " t; next }
    gsub(/[^A-Za-z0-9_]/, "_", k)
    print "S_" k "=" quote(decode(t)); names = names " S_" k
  }
  END {
    for (k in lists) { print "S_" k "=" quote(lists[k]); names = names " S_" k }
    print "LOADED=\047" names "\047"
  }' "$STATE/plan.flat")"
}

in_list() { for _x in $2; do [ "$_x" = "$1" ] && return 0; done; return 1; }

# check_result EXPECTED ACTUAL: the evidence a check reports (docs/agent-protocol.md,
# "Checks"); a mismatch fails the step with both values. PASS when they are equal (case
# folded when CHECK_FOLD=1: host and domain names).
check_result() {
  CHECK_EXPECTED=$1; CHECK_ACTUAL=$2; CHECK_PASS=false
  _e=$1; _a=$2
  if [ "${CHECK_FOLD:-0}" = 1 ]; then
    _e=$(printf '%s' "$_e" | tr 'A-Z' 'a-z'); _a=$(printf '%s' "$_a" | tr 'A-Z' 'a-z')
  fi
  [ "$_e" = "$_a" ] && CHECK_PASS=true
  printf 'expected: %s\nactual: %s\n%s\n' "$1" "$2" "$([ "$CHECK_PASS" = true ] && echo PASS || echo FAIL)" >>"$LOG"
  if [ "$CHECK_PASS" != true ]; then
    [ "$RC" = 0 ] && RC=1
    REASON="expected $1, found $2"
  fi
  CHECK_FOLD=0
}

# The evidence as a JSON member (empty when the step is no check): ,"check":{...}
check_json() {
  [ -n "${CHECK_EXPECTED+set}" ] || return 0
  printf ',"check":{"expected":%s,"actual":%s,"pass":%s}' \
    "$(printf '%s\n' "$CHECK_EXPECTED" | head -n 1 | cut -c 1-500 | json_lines)" \
    "$(printf '%s\n' "$CHECK_ACTUAL" | head -n 1 | cut -c 1-500 | json_lines)" "$CHECK_PASS"
}

# ---- HTTP ----------------------------------------------------------------------------

# http METHOD PATH_OR_URL BODYFILE OUTFILE: sets HTTP_STATUS (000 when unreachable).
http() {
  _url=$2
  case "$_url" in http://* | https://*) ;; *) _url="$STATION$_url" ;; esac
  : >"$4"
  if [ "$HTTP_TOOL" = curl ]; then
    if [ "$1" = POST ]; then
      HTTP_STATUS=$(curl -s -m 60 --connect-timeout 10 -o "$4" -w '%{http_code}' \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data-binary "@$3" "$_url" 2>/dev/null)
    else
      HTTP_STATUS=$(curl -s -m 60 --connect-timeout 10 -o "$4" -w '%{http_code}' \
        -H "Authorization: Bearer $TOKEN" "$_url" 2>/dev/null)
    fi
    [ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
  else
    # busybox wget has no body on errors: the status comes from its message.
    if [ "$1" = POST ]; then
      wget -q -S -O "$4" --header "Authorization: Bearer $TOKEN" --post-file "$3" "$_url" \
        2>"$STATE/wget.err"
    else
      wget -q -S -O "$4" --header "Authorization: Bearer $TOKEN" "$_url" 2>"$STATE/wget.err"
    fi
    if [ $? -eq 0 ]; then HTTP_STATUS=200; else
      HTTP_STATUS=$(grep -o 'HTTP/1\.[01] [0-9][0-9][0-9]' "$STATE/wget.err" | tail -n 1 | cut -d ' ' -f 2)
      [ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
    fi
  fi
}

# download URL FILE: resumes a partial FILE with a Range request; 0 when complete.
download() {
  if [ "$HTTP_TOOL" = curl ]; then
    if [ -s "$2" ]; then
      curl -s -f -m 3600 --connect-timeout 10 -C - -o "$2" "$1" 2>/dev/null
    else
      curl -s -f -m 3600 --connect-timeout 10 -o "$2" "$1" 2>/dev/null
    fi
  else
    wget -q -c -O "$2" "$1" 2>/dev/null
  fi
}

sha256_of() {
  if have sha256sum; then sha256sum "$1" | cut -d ' ' -f 1; else busybox sha256sum "$1" | cut -d ' ' -f 1; fi
}

size_of() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }

# ---- the report queue ------------------------------------------------------------------

# queue JSON_WITHOUT_SEQ_PREFIX: numbers the report, writes it to the queue, sends.
# Example: queue '"type":"step-started","stepId":"x","attempt":1'
queue() {
  SEQ=$((SEQ + 1))
  echo "$SEQ" >"$STATE/seq.tmp" && mv "$STATE/seq.tmp" "$STATE/seq"
  _f=$(printf '%s/queue/%010d.json' "$STATE" "$SEQ")
  printf '{"seq":%d,%s}' "$SEQ" "$1" >"$_f.tmp" && mv "$_f.tmp" "$_f"
}

# Renumbers the queued reports from FIRST on (after the station said a report is missing
# or another one holds its number: the station's count is the truth).
renumber_queue() {
  _next=$1
  for _f in $(ls "$STATE/queue" 2>/dev/null | grep '\.json$'); do
    _new=$(printf '%010d.json' "$_next")
    sed "s/^{\"seq\":[0-9]*,/{\"seq\":$_next,/" "$STATE/queue/$_f" >"$STATE/queue/$_new.tmp"
    rm -f "$STATE/queue/$_f"
    mv "$STATE/queue/$_new.tmp" "$STATE/queue/$_new"
    _next=$((_next + 1))
  done
  SEQ=$((_next - 1))
  echo "$SEQ" >"$STATE/seq"
  log "queue renumbered from $1"
}

# Sends the queue in order, in batches under the station's body limit. 0: queue empty;
# 1: station unreachable or refusing (kept for later); 2: deployment over (stop).
flush() {
  while :; do
    _files=$(ls "$STATE/queue" 2>/dev/null | grep '\.json$' | head -n 100)
    [ -n "$_files" ] || return 0
    _body=$STATE/body.json; _sent=; _bytes=0
    printf '{"reports":[' >"$_body"
    for _f in $_files; do
      _s=$(size_of "$STATE/queue/$_f")
      [ -n "$_sent" ] && [ $((_bytes + _s)) -gt 200000 ] && break
      [ -n "$_sent" ] && printf ',' >>"$_body"
      cat "$STATE/queue/$_f" >>"$_body"
      _sent="$_sent $_f"; _bytes=$((_bytes + _s))
    done
    printf ']}' >>"$_body"
    http POST /agent/v1/reports "$_body" "$STATE/resp.json"
    case "$HTTP_STATUS" in
      200)
        jflat <"$STATE/resp.json" >"$STATE/resp.flat"
        _last=$(jget "$STATE/resp.flat" value.lastSeq) || _last=0
        for _f in $_sent; do
          _n=${_f%.json}; _n=${_n#"${_n%%[!0]*}"}
          [ "${_n:-0}" -le "$_last" ] && rm -f "$STATE/queue/$_f"
        done
        [ "$(jget "$STATE/resp.flat" value.stop)" = true ] && STOP=1
        REVISION_SEEN=$(jget "$STATE/resp.flat" value.planRevision)
        ;;
      409)
        # A gap or a clash: ask the station where it is, continue from there.
        log "station refused the reports in order (409); renumbering from its count"
        fetch_plan quiet || return 1
        renumber_queue $(($(jget "$STATE/plan.flat" value.lastSeq) + 1))
        ;;
      410 | 401)
        log "station says this deployment is over ($HTTP_STATUS): dropping the queue"
        rm -f "$STATE"/queue/*.json
        STOP=1
        return 2
        ;;
      *)
        [ "$HTTP_STATUS" = 000 ] || log "reports not taken (HTTP $HTTP_STATUS); kept for later"
        return 1
        ;;
    esac
  done
}

heartbeat_loop() {
  while :; do
    pause "$1"
    # A killed agent (power cut in a test) must not leave its heartbeat behind.
    kill -0 "$AGENT_PID" 2>/dev/null || exit 0
    printf '{}' >"$STATE/hb.json"
    http POST /agent/v1/heartbeat "$STATE/hb.json" "$STATE/hb.out"
  done
}

# ---- the plan ------------------------------------------------------------------------

# Fetches the plan into plan.json/plan.flat; falls back to the last copy while the
# station cannot be reached (the agent keeps working and queues its reports).
fetch_plan() {
  http GET /agent/v1/plan "" "$STATE/plan.new"
  case "$HTTP_STATUS" in
    200)
      mv "$STATE/plan.new" "$STATE/plan.json"
      jflat <"$STATE/plan.json" >"$STATE/plan.flat"
      return 0
      ;;
    410 | 401)
      [ "$1" = quiet ] || log "station refuses this token ($HTTP_STATUS): deployment over"
      STOP=1
      return 2
      ;;
  esac
  [ "$1" = quiet ] || log "plan not fetched (HTTP $HTTP_STATUS)"
  return 1
}

plan() { jget "$STATE/plan.flat" "value.$1"; }

# ---- running one step ----------------------------------------------------------------

# Kills a process and everything it started (found by parent pid in /proc).
kill_tree() {
  for _c in $(grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d / -f 3); do
    kill_tree "$_c"
  done
  kill -TERM "$1" 2>/dev/null
}

# Sends the step's new log lines (from line LOGSENT+1 on) as step-log reports.
send_log() {
  _total=$(wc -l <"$LOG" | tr -d ' ')
  while [ "$LOGSENT" -lt "$_total" ]; do
    _to=$((LOGSENT + 100)); [ "$_to" -gt "$_total" ] && _to=$_total
    _lines=$(sed -n "$((LOGSENT + 1)),${_to}p" "$LOG" | json_lines)
    [ -n "$_lines" ] && queue "\"type\":\"step-log\",\"stepId\":\"$ID\",\"attempt\":$ATTEMPT,\"lines\":[$_lines]"
    LOGSENT=$_to
  done
}

# run_command SHELL COMMAND: runs it with the step's timeout, streaming its log; sets RC
# (and TIMED_OUT=1 when it was killed for taking too long).
run_command() {
  case "$1" in
    sh | '') _sh=sh ;;
    bash) _sh=bash; have bash || _sh=sh ;;
    *) echo "this step needs $1, which only exists on Windows" >>"$LOG"; RC=127; return ;;
  esac
  printf '%s\n' "$2" >"$STATE/step.cmd"
  "$_sh" "$STATE/step.cmd" >>"$LOG" 2>&1 </dev/null &
  _pid=$!
  _start=$(now_s); _tick=$_start; TIMED_OUT=0
  while kill -0 "$_pid" 2>/dev/null; do
    pause "$POLL"
    if [ $(($(now_s) - _start)) -ge "$TIMEOUT" ]; then
      echo "timed out after $TIMEOUT s; stopping it" >>"$LOG"
      TIMED_OUT=1; kill_tree "$_pid"; pause 2; kill -KILL "$_pid" 2>/dev/null
      break
    fi
    if [ $(($(now_s) - _tick)) -ge 5 ]; then _tick=$(now_s); send_log; flush >/dev/null; fi
  done
  wait "$_pid"; RC=$?
  [ "$TIMED_OUT" = 1 ] && RC=124
}

# fetch_download: the step's download into $FILE, resumed and checked; sets REASON on error.
fetch_download() {
  _url=${S_download_url:-}
  [ -n "$_url" ] || return 0
  _name=$(printf '%s' "$S_download_name" | tr -c 'A-Za-z0-9._-' '_')
  _want_sha=${S_download_sha256:-}; _want_size=${S_download_size:-}
  mkdir -p "$STATE/downloads"
  FILE="$STATE/downloads/$ID-$_name"
  _waited=0
  while :; do
    _have=0; [ -f "$FILE" ] && _have=$(size_of "$FILE")
    if [ -n "$_want_size" ] && [ "$_have" -ge "$_want_size" ] && [ "$_have" -gt 0 ]; then break; fi
    [ "$_have" -gt 0 ] && echo "resuming download at byte $_have" >>"$LOG"
    download "$_url" "$FILE" &
    _dl=$!
    _tick=$(now_s)
    while kill -0 "$_dl" 2>/dev/null; do
      pause "$POLL"
      if [ $(($(now_s) - _tick)) -ge 5 ] && [ -n "$_want_size" ]; then
        _tick=$(now_s)
        queue "\"type\":\"step-progress\",\"stepId\":\"$ID\",\"attempt\":$ATTEMPT,\"bytes\":$(size_of "$FILE"),\"totalBytes\":$_want_size,\"message\":\"downloading\""
        flush >/dev/null
      fi
    done
    wait "$_dl" && break
    # Unreachable station (or a 5xx): wait for it; a 404 or a bad size fails the step.
    if [ "$HTTP_TOOL" = curl ]; then
      _code=$(curl -s -o /dev/null -I -w '%{http_code}' "$_url" 2>/dev/null)
    else
      wget -q --spider "$_url" 2>/dev/null && _code=200 || _code=000
    fi
    case "$_code" in
      000 | 5*) ;;
      200)
        # Complete but longer than promised, or the server cannot resume: start over once.
        if [ -n "$_want_size" ] && [ "$(size_of "$FILE")" -gt "$_want_size" ]; then
          REASON="download is larger than the $_want_size bytes the plan says"; rm -f "$FILE"; return 1
        fi
        ;;
      *) REASON="download failed: HTTP $_code for $_url"; rm -f "$FILE"; return 1 ;;
    esac
    _waited=$((_waited + 5))
    if [ "$_waited" -ge "$STATION_WAIT" ]; then REASON="station unreachable for $STATION_WAIT s"; return 1; fi
    pause 5
  done
  _size=$(size_of "$FILE")
  if [ -n "$_want_size" ] && [ "$_size" != "$_want_size" ]; then
    REASON="download has $_size bytes, expected $_want_size"; rm -f "$FILE"; return 1
  fi
  if [ -n "$_want_sha" ]; then
    _sha=$(sha256_of "$FILE")
    if [ "$_sha" != "$(echo "$_want_sha" | tr 'A-F' 'a-f')" ]; then
      echo "sha256 $_sha does not match the plan's $_want_sha; deleted" >>"$LOG"
      REASON="checksum mismatch: the download's SHA-256 is not the plan's"; rm -f "$FILE"; return 1
    fi
    echo "downloaded $_size bytes, sha256 verified" >>"$LOG"
  fi
  queue "\"type\":\"step-progress\",\"stepId\":\"$ID\",\"attempt\":$ATTEMPT,\"percent\":100,\"bytes\":$_size,\"message\":\"downloaded\""
  return 0
}

# detect: 0 when the app/check detection rule (params.detect) says installed,
# 1 when not, 2 when the rule cannot be checked on Linux.
detect() {
  case "${S_params_detect_type:-}" in
    command) sh -c "$S_params_detect_command" >>"$LOG" 2>&1 </dev/null ;;
    file) [ -e "$S_params_detect_path" ] ;;
    *) return 2 ;;
  esac
}

inventory_json() {
  _dmi=/sys/class/dmi/id
  _rd() { [ -r "$_dmi/$1" ] && tr -d '\n' <"$_dmi/$1" 2>/dev/null; }
  _cpu=$(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
  _cores=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)
  _ram=$(awk '/^MemTotal:/ { printf "%.0f", $2 * 1024 }' /proc/meminfo 2>/dev/null)
  _os=; [ -r /etc/os-release ] && _os=$(. /etc/os-release && echo "$PRETTY_NAME")
  _macs=
  for _n in /sys/class/net/*; do
    # Physical NICs only (they have a device): not lo, bridges, veth or VPN tunnels.
    [ -e "$_n/device" ] || continue
    _m=$(cat "$_n/address" 2>/dev/null)
    case "$_m" in ??:??:??:??:??:?? ) [ "$_m" = 00:00:00:00:00:00 ] || _macs="$_macs${_macs:+,}\"$_m\"" ;; esac
  done
  _disks=
  for _b in /sys/block/*; do
    case "${_b##*/}" in loop* | ram* | zram* | sr* | fd*) continue ;; esac
    _sz=$(($(cat "$_b/size" 2>/dev/null || echo 0) * 512))
    [ "$_sz" -gt 0 ] || continue
    _model=; [ -r "$_b/device/model" ] && _model=$(sed 's/ *$//' "$_b/device/model")
    _disks="$_disks${_disks:+,}{\"name\":$(jstr "${_b##*/}"),\"model\":$(jstr "$_model"),\"sizeBytes\":$_sz}"
  done
  # The text fields, escaped in one awk run: "key<TAB>value" lines to "key":"value",...
  {
    printf 'vendor\t%s\nmodel\t%s\nserial\t%s\n' "$(_rd sys_vendor)" "$(_rd product_name)" "$(_rd product_serial)"
    printf 'uuid\t%s\nbios\t%s\ncpu\t%s\n' "$(_rd product_uuid | tr 'A-F' 'a-f')" "$(_rd bios_version)" "$_cpu"
    printf 'os\t%s\nosVersion\t%s\nhostname\t%s\n' "$_os" "$(uname -r)" "$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
  } | awk -F '\t' '$2 != "" { v = substr($0, length($1) + 2); gsub(/[^ -~]/, "?", v); out = ""
      for (i = 1; i <= length(v); i++) { c = substr(v, i, 1); out = out ((c == "\\" || c == "\"") ? "\\" c : c) }
      printf "\"%s\":\"%s\",", $1, out }'
  printf '"cores":%d,"ramBytes":%d,"agentVersion":"%s","macs":[%s],"disks":[%s]' \
    "${_cores:-0}" "${_ram:-0}" "$AGENT_VERSION" "$_macs" "$_disks"
}

# set_local_admin: the answer file set a one-time password; this sets the real one. The
# value comes from the station with this machine's token (GET /agent/v1/secrets/NAME), goes
# to chpasswd on stdin (printf is a builtin: no command line shows it) and is never logged:
# the response file is private and removed at once, and only "set" reaches the log.
set_local_admin() {
  _user=${S_params_user:-}
  _name=${S_params_secret:-${S_params_secret_secret:-}}
  if [ -z "$_user" ] || [ -z "$_name" ]; then
    RC=1; REASON="the step names no user or no secret"; return
  fi
  _resp="$STATE/secret.resp"
  (umask 077; : >"$_resp"; : >"$_resp.flat")
  http GET "/agent/v1/secrets/$_name" /dev/null "$_resp"
  if [ "$HTTP_STATUS" != 200 ]; then
    rm -f "$_resp" "$_resp.flat"
    RC=1; REASON="the station did not hand out secret $_name (HTTP $HTTP_STATUS)"; return
  fi
  jflat <"$_resp" >"$_resp.flat"
  _pw=$(jget "$_resp.flat" value.value)
  rm -f "$_resp" "$_resp.flat"
  if [ -z "$_pw" ]; then RC=1; REASON="secret $_name is empty"; return; fi
  # chpasswd's own complaint (never the input line) goes into the reason; the station
  # masks secret values in agent text anyway.
  if _err=$(printf '%s:%s\n' "$_user" "$_pw" | sh -c "$CHPASSWD_CMD" 2>&1 >/dev/null); then
    echo "password of $_user set" >>"$LOG"
  else
    _err=$(printf '%s' "$_err" | head -n 1 | cut -c1-200)
    RC=1; REASON="chpasswd could not set the password of $_user (does the user exist?)${_err:+: $_err}"
  fi
  _pw=
}

# execute: runs step $I (kind/type), sets RC, REASON, REBOOT, SKIP (a reason to skip).
execute() {
  RC=0; REASON=; REBOOT=0; SKIP=; FILE=; CHECK_FOLD=0
  unset CHECK_EXPECTED CHECK_ACTUAL CHECK_PASS
  _kind=$S_kind; _type=$S_type
  TIMEOUT=${S_timeoutSeconds:-1800}
  _ok=${S_successCodes:-0}
  _boot=${S_rebootCodes:-}
  case "$_kind:$_type" in
    inventory:*)
      queue "\"type\":\"inventory\",\"inventory\":{$(inventory_json)}"
      return
      ;;
    app:* | config:script | config:file | check:command)
      if [ "$_kind" = app ]; then
        detect; _d=$?
        [ "$_d" = 0 ] && { SKIP="already installed (detection rule matched)"; return; }
      fi
      fetch_download || { RC=1; return; }
      if [ "$_kind:$_type" = config:file ]; then
        _path=$S_params_path
        mkdir -p "$(dirname "$_path")"
        if [ -n "$FILE" ]; then cp "$FILE" "$_path.tmp"; else printf '%s' "${S_params_content:-}" >"$_path.tmp"; fi
        [ -n "${S_params_mode:-}" ] && chmod "$S_params_mode" "$_path.tmp"
        mv "$_path.tmp" "$_path" || { RC=1; REASON="cannot write $_path"; }
        echo "wrote $_path" >>"$LOG"
        return
      fi
      _cmd=$(printf '%s\n' "$S_command" | sed "s|{file}|$FILE|g")
      run_command "${S_shell:-sh}" "$_cmd"
      if [ "$_kind" = check ]; then
        # Expected: the exit code(s) and, when the profile says, the last line of output.
        _want="exit code $(echo $_ok | sed 's/ / or /g')"
        if [ "$TIMED_OUT" = 1 ]; then _have="timed out after $TIMEOUT s"; else _have="exit code $RC"; fi
        in_list "$RC" "$_ok" && [ "$TIMED_OUT" != 1 ] && _have=$_want
        if [ -n "${S_params_expectedOutput+set}" ]; then
          _got=$(grep -v '^[[:space:]]*$' "$LOG" | tail -n 1 | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
          _want="$_want, output \"$S_params_expectedOutput\""; _have="$_have, output \"$_got\""
        fi
        in_list "$RC" "$_ok" && [ "$TIMED_OUT" != 1 ] && RC=0
        check_result "$_want" "$_have"
        return
      fi
      if in_list "$RC" "$_boot"; then REBOOT=1; return; fi
      if in_list "$RC" "$_ok"; then
        RC=0
        if [ "$_kind" = app ]; then
          detect; [ $? = 1 ] && { REASON="installed, but the detection rule does not find it"; RC=1; }
        fi
        return
      fi
      [ "$TIMED_OUT" = 1 ] && REASON="timed out after $TIMEOUT s" || REASON="exit code $RC"
      ;;
    check:file-exists)
      if [ -e "$S_params_path" ]; then check_result exists exists
      else check_result exists "missing ($S_params_path)"; fi
      ;;
    check:app-installed)
      detect; _d=$?
      case $_d in
        0) check_result installed installed ;;
        1) check_result installed "not installed" ;;
        *) SKIP="no Linux detection rule" ;;
      esac
      ;;
    check:service)
      _svc=$S_params_service; _exp=${S_params_expected:-}
      _st=stopped
      if have systemctl; then systemctl is-active --quiet "$_svc" && _st=running
      elif have service; then service "$_svc" status >/dev/null 2>&1 && _st=running; fi
      check_result "${_exp:-running}" "$_st"
      ;;
    check:hostname)
      # The name the profile gives this machine, sent by the station; DNS names ignore case.
      _have=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)
      CHECK_FOLD=1
      check_result "${S_params_expected:-(the station sent no expected hostname)}" "$_have"
      ;;
    check:joined)
      # Linux profiles cannot ask for a domain join (schema); a domain in the plan is still
      # compared with what realmd says this machine is joined to.
      if [ "${S_params_expected_type:-}" = domain ]; then
        _have="not joined to a domain"
        if have realm; then
          _r=$(realm list --name-only 2>/dev/null | head -n 1)
          [ -n "$_r" ] && _have="domain $_r"
        fi
        CHECK_FOLD=1
        check_result "domain $S_params_expected_domain" "$_have"
      elif [ -n "${S_params_expected_type:-}" ]; then
        SKIP="a workgroup is a Windows setting"
      else
        check_result "(the station sent no expected domain or workgroup)" ""
      fi
      ;;
    config:local-admin-password)
      set_local_admin
      ;;
    *)
      SKIP="$_kind $_type applies to Windows only"
      ;;
  esac
}

# run_step: one attempt of step $I; returns 0 done, 1 failed (retry), 2 failed for good.
run_step() {
  mkdir -p "$STATE/logs"
  LOG="$STATE/logs/$ID.$ATTEMPT.log"; LOGSENT=0
  if [ -f "$LOG" ]; then LOGSENT=$(wc -l <"$LOG" | tr -d ' '); else : >"$LOG"; fi
  echo "running $ATTEMPT" >"$STATE/steps/$ID"
  queue "\"type\":\"step-started\",\"stepId\":\"$ID\",\"attempt\":$ATTEMPT"
  flush >/dev/null
  execute
  send_log
  _tail=$(tail -n 50 "$LOG" 2>/dev/null | json_lines)
  if [ -n "$SKIP" ]; then
    queue "\"type\":\"step-skipped\",\"stepId\":\"$ID\",\"attempt\":$ATTEMPT,\"reason\":$(jstr "$SKIP")"
    echo done >"$STATE/steps/$ID"
  elif [ "$RC" = 0 ] || [ "$REBOOT" = 1 ]; then
    _rb=; [ "$REBOOT" = 1 ] && _rb=',"reboot":true'
    queue "\"type\":\"step-succeeded\",\"stepId\":\"$ID\",\"attempt\":$ATTEMPT,\"exitCode\":$RC$_rb,\"logTail\":[$_tail]$(check_json)"
    echo done >"$STATE/steps/$ID"
    [ -n "$FILE" ] && rm -f "$FILE"
  else
    _retries=${S_retries:-0}
    queue "\"type\":\"step-failed\",\"stepId\":\"$ID\",\"attempt\":$ATTEMPT,\"exitCode\":$RC,\"reason\":$(jstr "${REASON:-failed}"),\"logTail\":[$_tail]$(check_json)"
    echo "failed $ATTEMPT" >"$STATE/steps/$ID"
    flush >/dev/null
    [ "$ATTEMPT" -lt $((_retries + 1)) ] && return 1
    return 2
  fi
  flush >/dev/null
  if [ "$REBOOT" = 1 ]; then
    log "step $ID asks for a reboot (exit $RC)"
    until flush >/dev/null; [ $? -ne 1 ]; do pause 5; done
    : >"$STATE/rebooting"
    sh -c "$REBOOT_CMD"
    # The machine is going down; never start the next step before it does.
    cleanup_and_exit
  fi
  return 0
}

# Runs every step that is not finished, in order. 0: all done; 2: a step failed for good.
run_plan() {
  _count=$(jget "$STATE/plan.flat" 'value.steps#') || _count=0
  I=0
  while [ "$I" -lt "$_count" ]; do
    load_step "$I"
    ID=$S_id
    _st=$(plan "status.$ID.status"); _sa=$(plan "status.$ID.attempt"); : "${_sa:=0}"
    _local=$(cat "$STATE/steps/$ID" 2>/dev/null)
    case "$_st:$_local" in
      succeeded:* | skipped:* | *:done) I=$((I + 1)); continue ;;
    esac
    case "$_local" in
      "running "*) ATTEMPT=${_local#running } ;; # it was interrupted: same attempt again
      "failed "*) _la=${_local#failed }; [ "$_la" -gt "$_sa" ] && _sa=$_la; ATTEMPT=$((_sa + 1)) ;;
      *) ATTEMPT=$((_sa + 1)) ;;
    esac
    while :; do
      log "step $ID ($S_label) attempt $ATTEMPT"
      run_step; _r=$?
      [ "$_r" = 0 ] && break
      [ "$_r" = 2 ] && { log "step $ID failed for good"; return 2; }
      pause "$RETRY_DELAY"
      ATTEMPT=$((ATTEMPT + 1))
    done
    I=$((I + 1))
  done
  return 0
}

# ---- main ----------------------------------------------------------------------------

cleanup_and_exit() {
  [ -n "$HB_PID" ] && kill "$HB_PID" 2>/dev/null
  if [ "$1" = finished ]; then
    log "deployment finished; agent off"
    if [ -f /etc/systemd/system/prepstation-agent.service ] && have systemctl; then
      systemctl disable prepstation-agent.service >/dev/null 2>&1
    fi
    rm -rf "$STATE/queue" "$STATE/downloads" "$STATE/config"
    # This copy carries the (now expired) token: do not leave it on a customer's PC.
    [ -n "$EMBEDDED_TOKEN" ] && [ -f "$0" ] && rm -f "$0"
    : >"$STATE/finished"
  fi
  exit 0
}

agent_run() {
  mkdir -p "$STATE/queue" "$STATE/steps" && chmod 700 "$STATE"
  if [ -z "$STATION" ] && [ -r "$STATE/config" ]; then . "$STATE/config"; fi
  : "${STATION:=$EMBEDDED_STATION}" "${TOKEN:=$EMBEDDED_TOKEN}"
  if [ -z "$STATION" ] || [ -z "$TOKEN" ]; then
    echo "usage: agent.sh run --station URL --token TOKEN (or a config in $STATE)" >&2
    exit 2
  fi
  [ -f "$STATE/finished" ] && { log "deployment already finished"; exit 0; }
  STATION=${STATION%/}
  if [ "${PREPSTATION_HTTP:-}" = wget ] || ! have curl; then HTTP_TOOL=wget; else HTTP_TOOL=curl; fi
  SEQ=$(cat "$STATE/seq" 2>/dev/null); : "${SEQ:=0}"
  STOP=0; HB_PID=; AGENT_PID=$$
  trap 'cleanup_and_exit' INT TERM
  [ -f "$STATE/rebooting" ] && { rm -f "$STATE/rebooting"; log "back after a reboot"; }
  log "agent $AGENT_VERSION for $STATION (state $STATE, $HTTP_TOOL)"

  # The plan, from the station or (when it is down) the last copy.
  _wait=5
  until fetch_plan; do
    [ "$STOP" = 1 ] && cleanup_and_exit finished
    [ -s "$STATE/plan.flat" ] && { log "using the last plan until the station answers"; break; }
    pause "$_wait"; [ "$_wait" -lt 60 ] && _wait=$((_wait * 2))
  done
  _last=$(plan lastSeq); [ "${_last:-0}" -gt "$SEQ" ] && [ -z "$(ls "$STATE/queue")" ] && SEQ=$_last
  [ "$(plan state)" = done ] && cleanup_and_exit finished
  : "${HEARTBEAT:=$(plan heartbeatSeconds)}"; : "${HEARTBEAT:=30}"
  heartbeat_loop "$HEARTBEAT" &
  HB_PID=$!
  flush >/dev/null

  while :; do
    REVISION=$(plan planRevision)
    run_plan; _r=$?
    # Everything run (or a step failed for good): deliver every report, then hear the verdict.
    _wait=2
    while :; do
      flush; _f=$?
      [ "$STOP" = 1 ] && cleanup_and_exit finished
      if [ "$_f" = 0 ]; then
        fetch_plan quiet
        [ "$STOP" = 1 ] || [ "$(plan state)" = done ] && cleanup_and_exit finished
        # The technician retried or skipped a step: the plan changed; run what is open.
        if [ "$(plan planRevision)" != "$REVISION" ]; then
          log "plan revision $(plan planRevision): continuing"
          for _f in "$STATE"/steps/*; do
            grep -q '^failed' "$_f" 2>/dev/null && rm -f "$_f"
          done
          break
        fi
      fi
      pause "$_wait"; [ "$_wait" -lt 30 ] && _wait=$((_wait * 2))
    done
  done
}

agent_install() {
  [ -n "$STATION" ] && [ -n "$TOKEN" ] || { echo "install needs --station and --token" >&2; exit 2; }
  mkdir -p "$STATE" && chmod 700 "$STATE"
  umask 077
  printf "STATION='%s'\nTOKEN='%s'\n" "$STATION" "$TOKEN" >"$STATE/config"
  cp "$0" /usr/local/sbin/prepstation-agent 2>/dev/null || cp "$0" "$STATE/agent.sh"
  _bin=/usr/local/sbin/prepstation-agent; [ -f "$_bin" ] || _bin="$STATE/agent.sh"
  chmod 755 "$_bin"
  if have systemctl && [ -d /etc/systemd/system ]; then
    cat >/etc/systemd/system/prepstation-agent.service <<EOF
[Unit]
Description=PrepStation agent (installs apps and configuration, reports to the station)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
Environment=PREPSTATION_STATE=$STATE
ExecStart=/bin/sh $_bin run
Restart=on-failure
RestartSec=10

[Install]
WantedBy=multi-user.target
EOF
    systemctl daemon-reload >/dev/null 2>&1
    systemctl enable prepstation-agent.service >/dev/null 2>&1
    # In an installer chroot systemd is not running: the service starts at first boot.
    systemctl start --no-block prepstation-agent.service >/dev/null 2>&1 || true
    echo "prepstation-agent: installed as a systemd service"
  else
    echo "PREPSTATION_STATE=$STATE /bin/sh $_bin run &" >>/etc/rc.local
    chmod 755 /etc/rc.local 2>/dev/null
    echo "prepstation-agent: started from /etc/rc.local"
  fi
}

# Sourced by the tests for its helpers (jflat, jget, json_lines): stop here.
[ "${PREPSTATION_AGENT_LIB:-}" = 1 ] && return 0

CMD=${1:-run}
[ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --station) STATION=$2; shift 2 ;;
    --token) TOKEN=$2; shift 2 ;;
    --state-dir) STATE=$2; shift 2 ;;
    --reboot-cmd) REBOOT_CMD=$2; shift 2 ;;
    *) echo "prepstation-agent: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$CMD" in
  run) agent_run ;;
  install) agent_install ;;
  version) echo "$AGENT_VERSION" ;;
  *) echo "usage: agent.sh install|run|version [--station URL --token TOKEN] [--state-dir DIR]" >&2; exit 2 ;;
esac
