#!/usr/bin/env bash
# What each run.sh command builds and runs (issue 16 item 5): the demo and serve commands
# build only the server, test builds everything, bench only its four programs; and when it
# installs the web app's packages (issue 19): only when web/node_modules is missing or older
# than the lock, and never with a Node.js older than Vite needs. run.sh is copied into a
# scratch directory and run against stand-ins for cmake, ctest, dpkg-query, node and npm
# that record their arguments, so nothing is installed, built or served.
# Usage: test_run_sh.sh SOURCE_DIR
set -euo pipefail
source_dir="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin" "$scratch/project/web"
cp "$source_dir/run.sh" "$scratch/project/run.sh"
echo '{}' >"$scratch/project/web/package-lock.json"
log="$scratch/log"

# Every package reads as installed; cmake and ctest write what they were asked to a log.
cat >"$scratch/bin/dpkg-query" <<'STUB'
#!/bin/sh
printf 'install ok installed'
STUB
cat >"$scratch/bin/cmake" <<STUB
#!/bin/sh
echo "cmake \$*" >>"$log"
# A build leaves stand-in programs where run.sh will run them.
mkdir -p build/tests/bench
for program in build/riziki build/tests/bench/bench_journal build/tests/bench/bench_mpesa \
    build/tests/bench/bench_mpesa_import build/tests/bench/bench_api; do
    printf '#!/bin/sh\necho "ran %s \$*\${RIZIKI_PII_KEY_FILE:+ key=\$RIZIKI_PII_KEY_FILE}" >>"%s"\n' \
        "\$program" "$log" >"\$program"
    chmod +x "\$program"
done
STUB
cat >"$scratch/bin/ctest" <<STUB
#!/bin/sh
echo "ctest \$*" >>"$log"
STUB
# node says the version in STUB_NODE_VERSION ("none": as if not installed); npm ci leaves
# the lock npm keeps in node_modules.
cat >"$scratch/bin/node" <<'STUB'
#!/bin/sh
[ "${STUB_NODE_VERSION:-}" = none ] && exit 127
echo "${STUB_NODE_VERSION:-v20.20.2}"
STUB
cat >"$scratch/bin/npm" <<STUB
#!/bin/sh
echo "npm \$* in \$(basename "\$PWD")" >>"$log"
mkdir -p node_modules && echo '{}' >node_modules/.package-lock.json
STUB
chmod +x "$scratch/bin"/*

failures=0
# expect COMMAND EXPECTED_BUILD_LINE EXPECTED_RUN_LINE
expect() {
    local command="$1" want_build="$2" want_run="$3"
    : >"$log"
    (cd "$scratch/project" && PATH="$scratch/bin:$PATH" CI= HOME="$scratch/home" \
        XDG_CONFIG_HOME= RIZIKI_PII_KEY_FILE= ./run.sh "$command" </dev/null >/dev/null 2>&1)
    local got_build got_run
    got_build="$(grep '^cmake --build' "$log" || true)"
    got_run="$(grep -v '^cmake\|^npm' "$log" || true)"
    if [ "$got_build" != "$want_build" ] || [ "$got_run" != "$want_run" ]; then
        echo "FAIL run.sh $command"
        echo "  built: '$got_build' (want '$want_build')"
        echo "  ran:   '$got_run' (want '$want_run')"
        failures=$((failures + 1))
    else
        echo "ok   run.sh $command: $got_build"
    fi
}

# installs WANT_NPM_LINE [NODE_VERSION]: what `run.sh build` asked npm, and its exit status.
installs() {
    local want="$1" version="${2:-v20.20.2}" status=0
    : >"$log"
    (cd "$scratch/project" && PATH="$scratch/bin:$PATH" STUB_NODE_VERSION="$version" \
        ./run.sh build </dev/null >/dev/null 2>"$scratch/stderr") || status=$?
    local got
    got="$(grep '^npm' "$log" || true)"
    if [ "$got" != "$want" ]; then
        echo "FAIL run.sh build with node $version: npm '$got' (want '$want')"
        failures=$((failures + 1))
    else
        echo "ok   run.sh build with node $version: npm '$got', exit $status"
    fi
    return "$status"
}

jobs="$(nproc)"
# The first build installs the packages; the next ones do not, until the lock changes.
installs "npm ci --no-audit --no-fund --loglevel=error in web"
installs ""
touch -d '2000-01-01' "$scratch/project/web/node_modules/.package-lock.json"
installs "npm ci --no-audit --no-fund --loglevel=error in web"
installs ""
# Node.js older than 20.19 (Debian 12's own is 18): refused before anything is built.
for old in v18.20.4 v20.18.3 none; do
    if installs "" "$old"; then
        echo "FAIL run.sh build went on with node '$old'"
        failures=$((failures + 1))
    elif ! grep -q "the web app needs Node.js 20.19 or later" "$scratch/stderr" ||
        grep -q '^cmake' "$log"; then
        echo "FAIL run.sh build with node '$old': $(cat "$scratch/stderr")"
        failures=$((failures + 1))
    fi
done
installs "" v22.1.0
expect demo "cmake --build build --parallel $jobs --target riziki" "ran build/riziki demo"
# serve keeps the PII key outside ./var (issue 17 item 6); demo keeps it in ./var.
expect serve "cmake --build build --parallel $jobs --target riziki" \
    "ran build/riziki serve key=$scratch/home/.config/riziki/pii.key"
expect test "cmake --build build --parallel $jobs" \
    "ctest --output-on-failure --timeout 900"
bench_build="cmake --build build --parallel $jobs --target bench_journal bench_api bench_mpesa"
bench_build+=" bench_mpesa_import"
bench_run="$(printf '%s\n' 'ran build/tests/bench/bench_journal ' \
    'ran build/tests/bench/bench_mpesa ' 'ran build/tests/bench/bench_mpesa_import ' \
    'ran build/tests/bench/bench_api ')"
RIZIKI_BENCH_CLUSTER= expect bench "$bench_build" "$bench_run"
# Given a kept cluster, bench_mpesa_import reuses it instead of seeding one.
RIZIKI_BENCH_CLUSTER=/kept expect bench "$bench_build" \
    "${bench_run/bench_mpesa_import /bench_mpesa_import --reuse-cluster /kept}"
[ "$failures" -eq 0 ]
