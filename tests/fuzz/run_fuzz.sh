#!/usr/bin/env bash
# Builds the request-parsing fuzz target with clang (libFuzzer + ASan + UBSan) and runs
# it for a bounded time. Usage: run_fuzz.sh SOURCE_DIR BUILD_DIR SECONDS
set -euo pipefail
src="$1"; out="$2/fuzz"; seconds="$3"
mkdir -p "$out/corpus"
cp -n "$src"/tests/fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$src" -DBOOST_ALL_NO_LIB)
if [ ! -x "$out/fuzz_request" ] || [ -n "$(find "$src/api" "$src/ledger" "$src/tests/fuzz" \
        -newer "$out/fuzz_request" -name '*.[ch]pp' | head -1)" ]; then
    clang++ "${flags[@]}" -o "$out/fuzz_request" "$src/tests/fuzz/fuzz_request.cpp" \
        "$src/api/body.cpp" "$src/api/problem.cpp" "$src"/ledger/*.cpp
fi
cd "$out"
exec ./fuzz_request -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 corpus
