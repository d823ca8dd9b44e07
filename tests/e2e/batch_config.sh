#!/bin/bash
# The configuration file in batch mode: a bad alarm rule among good ones is
# reported on stderr as FILE:LINE: reason, the good ones (in both the
# "alarm NAME: RULE" and "alarm = NAME: RULE" forms) and --alarm's fire,
# the screen's settings are accepted, vigil exits 0. $XDG_CONFIG_HOME
# comes first, then ~/.config.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

out=$TMP/out
err=$TMP/err
log=$TMP/app.log
rc=$XDG_CONFIG_HOME/vigil/vigilrc
: > "$log"
mkdir -p "$XDG_CONFIG_HOME/vigil"

start_fixture rss "$FIXTURES/alarmer" rss 48 t$$
wait_for 5 exec_done "$rss" alarmer
wait_for 10 sh -c "[ \$(awk '/VmRSS/ { print \$2 }' /proc/$rss/status) -gt 45000 ]"

cat > "$rc" <<RC
# alarms for the batch test
alarm big: proc.rss > 32M where cmdline ~ /[a]larmer rss 48 t$$/

alarm broken: proc.rss >> 32M
alarm = panic: log ~ /FATAL/ in $log
alarm stuck: proc.state = D for 30s
log = $TMP/other.log
log_lines = 100
sort = pid:asc
tree = on
delay = 7
alarm worse: proc.cpu > 1OO%
RC

"$VIGIL" --batch -d 5 -n 40 --format json -p "$rss" \
    --alarm "cli: proc.rss > 16M where cmdline ~ /[a]larmer rss 48 t$$/" \
    > "$out" 2> "$err" &
vpid=$!
FIXTURE_PIDS="$FIXTURE_PIDS $vpid"
echo "FATAL: out of cheese" >> "$log"
fired() { json_q "$out" "any(a['rule'] == '$1' and a['event'] == 'fired' for x in snaps for a in x['alarms'])"; }
check "a good rule of the file fires" wait_for 20 fired big
check "the '=' form fires on its log line" wait_for 20 fired panic
check "--alarm adds to the file's rules" wait_for 20 fired cli
check "the bad rule does not fire" \
    json_q "$out" "not any(a['rule'] in ('broken', 'worse') for x in snaps for a in x['alarms'])"
wait "$vpid"
status=$?
check "vigil exits 0 despite the bad lines" [ "$status" -eq 0 ]
check "the bad rule is reported with file and line" \
    grep -qx "vigil: $rc:4: expected a number after the comparison, got '>'.*" "$err"
check "so is the second bad rule, with its own line" \
    grep -q "^vigil: $rc:12: unit 'OO%' does not fit proc.cpu" "$err"
check "and nothing else" [ "$(wc -l < "$err")" -eq 2 ]
diag "stderr:" "$(cat "$err")"

# Without XDG_CONFIG_HOME, the file is ~/.config/vigil/vigilrc.
mkdir -p "$TMP/home/.config/vigil"
echo "alarm home: proc.rss > 32M where cmdline ~ /[a]larmer rss 48 t$$/" \
    > "$TMP/home/.config/vigil/vigilrc"
env -u XDG_CONFIG_HOME HOME="$TMP/home" "$VIGIL" --batch -d 5 -n 3 \
    --format json -p "$rss" > "$out" 2> "$err"
check "~/.config/vigil/vigilrc is read when XDG_CONFIG_HOME is unset" fired home

# The example in doc/ parses, every line of it uncommented.
sed -E 's/^#(columns|sort|tree|delay|log|alarm)/\1/' \
    "$SRCDIR/doc/vigilrc.example" > "$rc"
check "the example has settings and rules" [ "$(grep -c '^alarm ' "$rc")" -ge 10 ]
"$VIGIL" --batch -d 2 -n 1 > "$out" 2> "$err"
# Its log rules name files of a machine that has them: that one is missing
# here is a warning, not a complaint about the file.
check "doc/vigilrc.example parses without a complaint" \
    sh -c "! grep -v ': not found: waiting for it to appear\$' '$err' | grep -q ."
diag "$(cat "$err")"

# A rule that does not parse on the command line is still fatal.
"$VIGIL" --batch -n 1 --alarm "bad: proc.cpus > 5" > "$out" 2> "$err"
check "a bad --alarm still exits 2" [ $? -eq 2 ]

done_testing
