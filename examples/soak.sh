#!/bin/sh
# Soak test of the article's rolling deploy under the sandbox (not run in
# CI): runs `goplay --sandbox PLAYBOOK` RUNS times and prints how many runs
# had failed requests (the goal is 0 of 50) and the distribution of deploy
# times.
#
#   examples/soak.sh                          # 50 runs of examples/app-deploy.yaml
#   RUNS=10 examples/soak.sh examples/app-deploy-real.yaml [goplay options…]
#
# GOPLAY names a goplay binary to use instead of building one. The output of
# every run that failed is kept in $SOAK_DIR (default: a temporary directory).
set -u

cd "$(dirname "$0")/.." || exit 1
RUNS=${RUNS:-50}
PLAYBOOK=${1:-examples/app-deploy.yaml}
[ $# -gt 0 ] && shift
SOAK_DIR=${SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/goplay-soak.XXXXXX")}
mkdir -p "$SOAK_DIR" || exit 1

if [ -z "${GOPLAY:-}" ]; then
	GOPLAY=$SOAK_DIR/goplay
	echo "building goplay..."
	CGO_ENABLED=0 go build -o "$GOPLAY" . || exit 1
fi

results=$SOAK_DIR/results   # one line per run: rc failed wall_seconds rollout_seconds
: > "$results"
i=1
while [ "$i" -le "$RUNS" ]; do
	log=$SOAK_DIR/run-$i.log
	start=$(date +%s.%N)
	"$GOPLAY" --sandbox "$PLAYBOOK" "$@" > "$log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	# "failed    : 0" or "failed    : 5 of 3848 (reset 5)"
	failed=$(sed -n 's/^failed *: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	# "rollout   : 18.2s from ..."
	rollout=$(sed -n 's/^rollout *: \([0-9.]*\)s .*/\1/p' "$log" | tail -n 1)
	wall=$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')
	echo "$rc ${failed:--} $wall ${rollout:--}" >> "$results"
	printf 'run %3d/%d: rc=%s failed=%s wall=%ss rollout=%ss\n' "$i" "$RUNS" "$rc" "${failed:--}" "$wall" "${rollout:--}"
	if [ "$rc" -eq 0 ] && [ "${failed:-x}" = 0 ]; then
		rm -f "$log"
	fi
	i=$((i + 1))
done

echo
awk -v runs="$RUNS" -v dir="$SOAK_DIR" '
function pct(a, n, p,   k) { k = int((n - 1) * p / 100 + 0.5) + 1; return a[k] }
function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t } }
function dist(name, a, n) {
	if (n == 0) { printf "%-18s: none\n", name; return }
	sort(a, n)
	printf "%-18s: min %.1fs  p50 %.1fs  p90 %.1fs  max %.1fs  (n=%d)\n", name, a[1], pct(a, n, 50), pct(a, n, 90), a[n], n
}
{
	if ($1 != 0) nonzero++
	if ($2 == "-") noreport++
	else if ($2 > 0) { withfail++; reqfail += $2 }
	wall[++nw] = $3
	if ($4 != "-") roll[++nr] = $4
}
END {
	printf "runs with failed requests: %d of %d (%d requests in all)\n", withfail, runs, reqfail
	printf "runs with a non-zero exit: %d of %d\n", nonzero, runs
	if (noreport) printf "runs without a report   : %d\n", noreport
	dist("deploy time (wall)", wall, nw)
	dist("rollout (LB events)", roll, nr)
	if (nonzero || withfail || noreport) printf "logs of the bad runs in %s\n", dir
}' "$results"
