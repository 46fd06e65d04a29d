#!/usr/bin/env bash
# What each run.sh command builds and runs (issue 16 item 5): the demo and serve commands
# build only the server, test builds everything, bench only its two programs. run.sh is
# copied into a scratch directory and run against stand-ins for cmake, ctest and dpkg-query
# that record their arguments, so nothing is installed, built or served.
# Usage: test_run_sh.sh SOURCE_DIR
set -euo pipefail
source_dir="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin" "$scratch/project"
cp "$source_dir/run.sh" "$scratch/project/run.sh"
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
for program in build/riziki build/tests/bench/bench_journal build/tests/bench/bench_api; do
    printf '#!/bin/sh\necho "ran %s \$*\${RIZIKI_PII_KEY_FILE:+ key=\$RIZIKI_PII_KEY_FILE}" >>"%s"\n' \
        "\$program" "$log" >"\$program"
    chmod +x "\$program"
done
STUB
cat >"$scratch/bin/ctest" <<STUB
#!/bin/sh
echo "ctest \$*" >>"$log"
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
    got_run="$(grep -v '^cmake' "$log" || true)"
    if [ "$got_build" != "$want_build" ] || [ "$got_run" != "$want_run" ]; then
        echo "FAIL run.sh $command"
        echo "  built: '$got_build' (want '$want_build')"
        echo "  ran:   '$got_run' (want '$want_run')"
        failures=$((failures + 1))
    else
        echo "ok   run.sh $command: $got_build"
    fi
}

jobs="$(nproc)"
expect demo "cmake --build build --parallel $jobs --target riziki" "ran build/riziki demo"
# serve keeps the PII key outside ./var (issue 17 item 6); demo keeps it in ./var.
expect serve "cmake --build build --parallel $jobs --target riziki" \
    "ran build/riziki serve key=$scratch/home/.config/riziki/pii.key"
expect test "cmake --build build --parallel $jobs" \
    "ctest --output-on-failure --timeout 900"
expect bench "cmake --build build --parallel $jobs --target bench_journal bench_api" \
    "$(printf 'ran build/tests/bench/bench_journal \nran build/tests/bench/bench_api ')"
[ "$failures" -eq 0 ]
