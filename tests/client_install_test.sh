#!/usr/bin/env bash
# The example partner integration (client/examples), built as a partner
# builds it, against the installed safeguard_client package, and run against
# a real safeguardd.
#   client_install_test.sh BUILD_DIR SOURCE_DIR SAFEGUARDD SANITIZE
set -euo pipefail
build=$1 src=$2 safeguardd=$3 sanitize=$4
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --component safeguard_client --prefix "$work/prefix" >/dev/null
flags=()
if [ "$sanitize" = "ON" ]; then
  flags=(-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined
         -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
fi
cmake -S "$src/client/examples" -B "$work/example" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" "${flags[@]}" >/dev/null
cmake --build "$work/example" >/dev/null

bash "$src/certs/make-dev-certs.sh" "$work/certs" >/dev/null
"$safeguardd" genkey --key_file="$work/db.key" 2>/dev/null
"$safeguardd" genkey --audit_signing_key_file="$work/audit.key" 2>/dev/null
"$safeguardd" --listen_address=127.0.0.1:0 --http_listen_address=127.0.0.1:0 \
  --data_dir="$work/data" \
  --key_file="$work/db.key" --audit_signing_key_file="$work/audit.key" \
  --tls_ca_file="$work/certs/ca.crt" --tls_cert_file="$work/certs/server.crt" \
  --tls_key_file="$work/certs/server.key" \
  --policy_file="$src/policy/partnership.textproto" \
  --bank_holidays_file="$src/deploy/bank-holidays-england-and-wales.txt" \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q "mTLS required" "$work/server.log" && break
  sleep 0.1
done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$work/server.log")
[ -n "$port" ] || { cat "$work/server.log"; exit 1; }

client="$work/certs/clients/babergh-mid-suffolk-council.system.case"
out=$("$work/example/partner_submit" "127.0.0.1:$port" "$work/certs/ca.crt" \
  "$client.crt" "$client.key")
echo "$out"
case "$out" in
  "submitted THD-"*"(referrals/"*"), state REFERRED") ;;
  *) echo "unexpected output"; exit 1 ;;
esac

# A refused submission is reported field by field.
if "$work/example/partner_submit" "127.0.0.1:$port" "$work/certs/ca.crt" \
     "$work/certs/clients/safe-partnership.person.locksmith.crt" \
     "$work/certs/clients/safe-partnership.person.locksmith.key" 2>"$work/err"; then
  echo "a contractor may not submit"; exit 1
fi
grep -q "^PERMISSION_DENIED: " "$work/err" || { cat "$work/err"; exit 1; }
echo "example partner integration: OK"
