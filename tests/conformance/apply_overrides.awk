# Applies overrides.txt to one Wine transcript:
#   awk -v scenario=NAME -f apply_overrides.awk overrides.txt NAME.wine
# Each override of the scenario replaces its "wine:" line, which must occur
# exactly once in the transcript, with its "windows:" line; every override
# must name a source.  Errors go to standard error and the exit status is 1.
function fail(msg) {
    print "overrides.txt: " msg > "/dev/stderr"
    bad = 1
}
FNR == NR {
    if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/)
        next
    if (index($0, "scenario: ") == 1) {
        current = substr($0, 11)
        next
    }
    if (index($0, "wine: ") == 1) {
        if (current == scenario) {
            n++
            wine[n] = substr($0, 7)
            at[n] = FNR
        }
        next
    }
    if (index($0, "windows: ") == 1) {
        if (current == scenario)
            windows[n] = substr($0, 10)
        next
    }
    if (index($0, "source: ") == 1) {
        if (current == scenario)
            source[n] = substr($0, 9)
        next
    }
    fail("line " FNR ": not 'scenario:', 'wine:', 'windows:' or 'source:'")
    next
}
{
    lines[++m] = $0
}
END {
    for (i = 1; i <= n; i++) {
        if (windows[i] == "" || source[i] == "")
            fail("line " at[i] ": an override needs 'windows:' and 'source:'")
        found = 0
        for (j = 1; j <= m; j++)
            if (lines[j] == wine[i]) {
                found++
                where = j
            }
        if (found != 1) {
            fail("line " at[i] ": the 'wine:' line occurs " found \
                 " times in the transcript of " scenario ", not once")
            continue
        }
        lines[where] = windows[i]
    }
    if (bad)
        exit 1
    for (j = 1; j <= m; j++)
        print lines[j]
}
