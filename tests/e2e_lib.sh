# tests/e2e_lib.sh - what every end-to-end test script shares (layer: tests).
#
# Sourced first by tests/e2e*.sh: it moves into a fresh temporary directory
# (removed at exit, so no run leaves pssim.db or plots in the tree), makes
# $srcdir and $PSSIM absolute, and defines the reporting helpers.  Each check
# prints "ok - ..." or "FAIL - ..."; a script ends with `exit $failed`.
set -u
srcdir=${srcdir:-.}
PSSIM=${PSSIM:-./pssim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
case $srcdir in /*) ;; *) srcdir=$OLDPWD/$srcdir ;; esac
case $PSSIM in /*) ;; *) PSSIM=$OLDPWD/$PSSIM ;; esac
failed=0

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; failed=1; }

# check DESCRIPTION COMMAND...: ok when the command succeeds; else its
# first lines of output are shown
check() {
    desc=$1
    shift
    if "$@" >check.out 2>&1; then ok "$desc"; else
        fail "$desc"
        sed 's/^/    /' check.out | head -5
    fi
}

# expect_exit CODE DESCRIPTION COMMAND...: ok when the command exits with CODE
expect_exit() {
    want=$1 desc=$2
    shift 2
    "$@" >out.txt 2>err.txt
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$desc"; else
        fail "$desc: exit $got, expected $want"
        sed 's/^/    /' err.txt | head -5
    fi
}
