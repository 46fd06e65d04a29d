#!/usr/bin/env bash
# Riziki's one setup/run script. On a fresh Debian 12 machine it installs the Debian
# packages that are missing and the web app's npm packages (web/, from its lock), configures
# and builds (the web app is built into the binary), then runs what you asked for:
#   ./run.sh demo    build, then serve the demo on the embedded database
#   ./run.sh test    build, then run every test (what CI runs)
#   ./run.sh serve   build, then serve (RIZIKI_DATABASE_URL for an external database)
#   ./run.sh bench   build, then run the benchmarks and print their figures
#                    (RIZIKI_BENCH_CLUSTER: a kept 100,000-survivor cluster to reuse)
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
    libzip-dev libexpat1-dev                # the M-Pesa statement as XLSX: unzip, stream the XML
    poppler-utils unzip                     # the PDF and XLSX tests read the documents back
    libxml2-utils                           # xmllint: the IATI export test validates with it
    chromium                                # the HTML report test and the web app's e2e tests
    nodejs                                  # Node.js 20.19+ with npm: builds the web app (web/)
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

# The web app's packages (web/node_modules), from the committed lock: installed when missing
# or older than the lock, so an unchanged checkout starts without waiting for npm. Vite needs
# Node.js 20.19 or later.
web_packages() {
    local version
    version="$(node --version 2>/dev/null || true)"
    if ! [[ "$version" =~ ^v([0-9]+)\.([0-9]+) ]] || [ "${BASH_REMATCH[1]}" -lt 20 ] ||
        { [ "${BASH_REMATCH[1]}" -eq 20 ] && [ "${BASH_REMATCH[2]}" -lt 19 ]; }; then
        echo "run.sh: the web app needs Node.js 20.19 or later with npm; found" \
            "'${version:-no node}'. Install a newer nodejs package and run again." >&2
        exit 1
    fi
    if [ ! -f web/node_modules/.package-lock.json ] ||
        [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
        echo "run.sh: installing the web app's packages (npm ci in web/)" >&2
        (cd web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
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
    demo | serve | test | bench | build) install_missing; web_packages ;;
esac
case "$command" in
    demo)  build riziki; exec ./build/riziki demo "$@" ;;
    serve) build riziki; key_outside_home "$@"; exec ./build/riziki serve "$@" ;;
    test)  build; cd build && exec ctest --output-on-failure --timeout 900 "$@" ;;
    # bench_mpesa_import seeds a programme of 100,000 survivors (about 25 minutes) unless
    # RIZIKI_BENCH_CLUSTER names a cluster kept by bench_lists --keep-cluster to reuse.
    bench) build bench_journal bench_api bench_mpesa bench_mpesa_import
           ./build/tests/bench/bench_journal "$@"; ./build/tests/bench/bench_mpesa
           ./build/tests/bench/bench_mpesa_import \
               ${RIZIKI_BENCH_CLUSTER:+--reuse-cluster "$RIZIKI_BENCH_CLUSTER"}
           exec ./build/tests/bench/bench_api ;;
    build) build ;;
    *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
