#!/usr/bin/env bash
# Load test of the attestation service on loopback: starts `parasol attest serve` (policy.json
# here, --allow-no-nonce for the real-hardware vectors, whose TPM quotes carry their own nonces),
# then AttestLoadBench (host-tools test sources) runs CLIENTS concurrent clients for TOTAL
# verifications of a mixed workload (real SNP and TDX vectors, tampered copies, plain-KVM Parasol
# evidence over service-issued nonces), checks every verdict against its label and prints
# verifications per second, and the ratio to the library's rate on one thread in-process.
#
#   bench/attest/run.sh [CLIENTS [TOTAL]]      (default 32 clients, 5000 verifications)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

CLIENTS="${1:-32}"
TOTAL="${2:-5000}"
find_jdk25 || exit 1
cd "$parasol_root"
"$parasol_root/parasol" --help >/dev/null # builds Parasol first if needed
mvn -B -q -pl host-tools -am test-compile -Dspotless.check.skip=true >/dev/null 2>&1
# The launcher's build leaves host-tools' runtime class path (sibling modules included) in target/lib.
classpath="host-tools/target/test-classes:host-tools/target/classes:host-tools/target/lib/*"

log=$(mktemp)
"$parasol_root/parasol" attest serve --port 0 --policy bench/attest/policy.json --allow-no-nonce >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log")
  [ -n "$url" ] && break
  sleep 0.2
done
[ -n "$url" ] || { echo "the service did not start:" >&2; cat "$log" >&2; exit 1; }
echo "service: $url"
"$JAVA_HOME/bin/java" -cp "$classpath" io.parasol.tools.attest.AttestLoadBench "$url" "$CLIENTS" "$TOTAL"
