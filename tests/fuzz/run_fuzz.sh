#!/usr/bin/env bash
# Builds a fuzz target with clang (libFuzzer + ASan + UBSan) and runs it for a bounded time
# on its corpus. Usage: run_fuzz.sh SOURCE_DIR BUILD_DIR SECONDS [TARGET]
#   fuzz_request   HTTP parsing, JSON bodies, field readers, %-decoding (CI runs it)
#   fuzz_numbers   amounts, dates, periods and rates: each parser against its writer
#   fuzz_schedule  loan schedules from terms inside and outside every bound
#   fuzz_loan_terms  JSON loan terms through the one reader the preview and awards share
#   fuzz_mpesa_csv   the M-Pesa statement reader on any bytes (reports/mpesa_statement.cpp)
#   fuzz_mpesa_xlsx  the same for XLSX: whole zips, or parts zipped by the target
#   fuzz_mpesa_b2c   the M-Pesa B2C result reader on any bytes (reports/mpesa_b2c.cpp)
# The corpus kept in tests/fuzz/corpus/TARGET seeds the run; what the run finds stays in
# BUILD_DIR/fuzz/TARGET (merge it back with -merge=1 when it is worth keeping).
set -euo pipefail
src="$1"; seconds="$3"; target="${4:-fuzz_request}"
out="$2/fuzz/$target"
ledger_sources=("$src"/ledger/*.cpp)
libraries=()
case "$target" in
    fuzz_request) sources=("$src/api/body.cpp" "$src/api/problem.cpp" "${ledger_sources[@]}") ;;
    fuzz_numbers | fuzz_schedule) sources=("${ledger_sources[@]}") ;;
    fuzz_loan_terms) sources=("$src/api/body.cpp" "$src/api/problem.cpp" "$src/api/loan_terms.cpp"
                              "${ledger_sources[@]}") ;;
    fuzz_mpesa_csv) sources=("$src/reports/mpesa_statement.cpp" "${ledger_sources[@]}") ;;
    fuzz_mpesa_xlsx) sources=("$src/reports/mpesa_statement.cpp" "$src/reports/mpesa_statement_xlsx.cpp"
                              "${ledger_sources[@]}")
                     libraries=(-lzip -lexpat) ;;
    fuzz_mpesa_b2c) sources=("$src/reports/mpesa_b2c.cpp" "$src/reports/mpesa_statement.cpp"
                             "${ledger_sources[@]}") ;;
    *) echo "run_fuzz.sh: unknown target $target" >&2; exit 2 ;;
esac
mkdir -p "$out/corpus"
cp -n "$src/tests/fuzz/corpus/$target"/* "$out/corpus/" 2>/dev/null || true
flags=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -I"$src" -DBOOST_ALL_NO_LIB)
if [ ! -x "$out/$target" ] || [ -n "$(find "$src/api" "$src/ledger" "$src/reports" "$src/tests/fuzz" \
        "$src/tests/support" -newer "$out/$target" -name '*.[ch]pp' | head -1)" ]; then
    # libsodium: the API's readers use its base64 for keyset cursors (api/body.cpp).
    clang++ "${flags[@]}" -o "$out/$target" "$src/tests/fuzz/$target.cpp" "${sources[@]}" \
        -lsodium "${libraries[@]}"
fi
cd "$out"
exec "./$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 corpus
