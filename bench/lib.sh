# Shared by the bench scripts (source it). Needs ROOT, CONNECTIONS and DURATION.

# wrk_row NAME URL LUA-SCRIPT WARMUP-SECONDS: a warm-up run, then one measured run printed as
# one row (report.lua's RESULT line).
wrk_row() {
  local script line
  script=$(mktemp --suffix=.lua)
  cat "$ROOT/bench/$3" "$ROOT/bench/report.lua" >"$script"
  wrk -t2 -c"$CONNECTIONS" -d"$4s" -s "$script" "$2" >/dev/null 2>&1
  line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$script" "$2" | grep '^RESULT')
  rm -f "$script"
  printf '%-44s %s\n' "$1" "${line#RESULT }"
}
