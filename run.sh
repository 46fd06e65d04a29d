#!/usr/bin/env bash
# Riziki's one setup/run script. On a fresh Debian 12 machine it installs the Debian
# packages that are missing, configures and builds, then runs what you asked for:
#   ./run.sh demo    build, then serve the demo on the embedded database
#   ./run.sh test    build, then run every test (what CI runs)
#   ./run.sh serve   build, then serve (RIZIKI_DATABASE_URL for an external database)
#   ./run.sh bench   build, then run the benchmarks and print their figures
#   ./run.sh build   install and build only
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
    build-essential cmake ninja-build pkg-config git ca-certificates
    libboost-dev libboost-test-dev          # Multiprecision, Beast/Asio, Boost.Test
    libsoci-dev libpq-dev                   # SOCI 4 with its PostgreSQL backend
    libssl-dev                              # OpenSSL: SHA-256 for the hash chains
    postgresql-15                           # initdb, pg_ctl, postgres for the embedded store
    libspdlog-dev nlohmann-json3-dev libsodium-dev
    curl                                    # used by the API tests
    clang libclang-rt-14-dev                # libFuzzer + sanitizers for the fuzz target
    hledger ledger beancount                # auditors' tools the export tests run
    libcairo2-dev libpango1.0-dev           # the donor report as PDF: cairo draws, pango sets text
    fonts-dejavu-core                       # DejaVu Sans, the PDF's font
    libxlsxwriter-dev zlib1g-dev            # the donor report as XLSX (its .pc file links -lz)
    poppler-utils unzip                     # the PDF and XLSX tests read the documents back
    libxml2-utils                           # xmllint: the IATI export test validates with it
    chromium                                # the HTML report test renders the page headless
)

install_missing() {
    local missing=()
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "run.sh: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# build [TARGET...]: configure, then build the targets named (everything when none is).
# The demo and serve commands build only the server, so a new user does not wait for the
# test programs; the test command builds the rest.
build() {
    local werror=OFF
    [ -n "${CI:-}" ] && werror=ON
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRIZIKI_WERROR="$werror" \
        >/dev/null
    local targets=()
    [ $# -gt 0 ] && targets=(--target "$@")
    cmake --build build --parallel "$(nproc)" "${targets[@]}"
}

# serve refuses a PII key file inside RIZIKI_HOME or the database's data directory, where a
# backup would hold the encrypted PII and its key together (docs/operations.md#pii-key).
# Unless RIZIKI_PII_KEY_FILE or --pii-key-file says where the key is, it is kept in the
# user's configuration directory, outside ./var, and run.sh says so.
key_outside_home() {
    local arg
    for arg in "$@"; do [ "$arg" = "--pii-key-file" ] && return 0; done
    [ -n "${RIZIKI_PII_KEY_FILE:-}" ] && return 0
    export RIZIKI_PII_KEY_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/riziki/pii.key"
    echo "run.sh: the PII key file is $RIZIKI_PII_KEY_FILE (set RIZIKI_PII_KEY_FILE to" \
        "choose); back it up apart from the database" >&2
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
    demo)  install_missing; build riziki; exec ./build/riziki demo "$@" ;;
    serve) install_missing; build riziki; key_outside_home "$@"; exec ./build/riziki serve "$@" ;;
    test)  install_missing; build; cd build && exec ctest --output-on-failure --timeout 900 "$@" ;;
    bench) install_missing; build bench_journal bench_api
           ./build/tests/bench/bench_journal "$@"; exec ./build/tests/bench/bench_api ;;
    build) install_missing; build ;;
    *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
