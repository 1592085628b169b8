#!/usr/bin/env bash
# deploy/run.sh [safeguardd flags]: installs what is missing, builds, and runs
# safeguardd on its development defaults: gRPC on 127.0.0.1:50051 and HTTPS
# (Connect, and the console) on 127.0.0.1:8443, both mutual TLS with the
# certificates from certs/make-dev-certs.sh, an encrypted database in data/
# keyed from data/db.key, audit checkpoints signed with
# data/audit-signing.key (both created, mode 0600, on first run), and the
# access policy policy/partnership.textproto; the web console is built into
# console/dist and served at https://127.0.0.1:8443/. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSAFEGUARD_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)"
# The web console, from its locked packages.
(cd console && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build) >/dev/null
certs/make-dev-certs.sh certs/dev >/dev/null
mkdir -p -m 700 data
[ -f data/db.key ] || build/release/server/safeguardd genkey --key_file=data/db.key
[ -f data/audit-signing.key ] || build/release/server/safeguardd genkey \
  --audit_signing_key_file=data/audit-signing.key
client=certs/dev/clients/suffolk-police.system.athena
cat <<MSG
safeguardd is starting: gRPC on 127.0.0.1:50051, HTTPS on https://127.0.0.1:8443/
(mutual TLS on both; CA certs/dev/ca.crt). Reach it from another terminal, with any
client certificate in certs/dev/clients/:
  build/release/client/safeguardctl whoami --cert=$client.crt --key=$client.key
  build/release/client/safeguardctl health --cert=$client.crt --key=$client.key
  curl --cacert certs/dev/ca.crt --cert $client.crt --key $client.key \\
    -H 'Connect-Protocol-Version: 1' -H 'Content-Type: application/json' -d '{}' \\
    https://127.0.0.1:8443/safeguard.v1.ServerInfo/GetServerInfo
The web console: https://127.0.0.1:8443/ in a browser holding a person's client
certificate: import certs/dev/clients/<agency>.person.<name>.p12 (empty password)
and trust certs/dev/ca.crt, e.g. west-suffolk-council.person.safeguarding-lead.p12
(README: "The web console").
MSG
exec build/release/server/safeguardd --console_dir=console/dist "$@"
