#!/usr/bin/env bash
# certs/make-dev-certs.sh [OUT_DIR]: makes a development PKI for safeguard.
#
#   OUT_DIR/ca.crt, ca.key                   development CA (10 years)
#   OUT_DIR/server.crt, server.key           safeguardd: localhost, 127.0.0.1, ::1
#   OUT_DIR/clients/<agency>.<kind>.<name>.crt/.key
#                                            example partner systems and people
#   OUT_DIR/clients/<agency>.person.<name>.p12
#                                            the people's certificate and key
#                                            for a browser (empty password)
#
# Client certificates carry the caller's identity in a URI subject
# alternative name, spiffe://safeguard/agency/<agency>/<system|person>/<name>
# (see certs/README.md). They say who the caller is, never what it may do.
#
# Idempotent: existing files are kept; delete OUT_DIR to start again.
# Private keys are mode 0600. Default OUT_DIR: certs/dev beside this script.
set -euo pipefail
out=${1:-"$(cd "$(dirname "$0")" && pwd)/dev"}
domain=${SAFEGUARD_TRUST_DOMAIN:-safeguard}
umask 077
mkdir -p "$out/clients"

# Example callers: agency kind name. Agency names follow the partnership in
# the seed report; the names are roles, never real people.
# Each has roles in policy/partnership.textproto.
clients=(
  "suffolk-police system athena"
  "suffolk-police person prevent-officer"
  "probation-service system ndelius"
  "babergh-mid-suffolk-council system case"
  "west-suffolk-council person safeguarding-lead"
  "west-suffolk-council person sanctuary-coordinator"
  "suffolk-county-council person marac-coordinator"
  "suffolk-county-council person channel-chair"
  "suffolk-fire-rescue person fire-officer"
  "leeway person idva"
  "safe-partnership person locksmith"
  "csp-audit person auditor"
  "csp-analyst person analyst"
  "csp-admin person administrator"
)

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }

if [ ! -s "$out/ca.crt" ]; then
  newkey "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days 3650 \
    -subj "/O=safeguard development/CN=safeguard development CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$out/ca.crt"
fi

# sign NAME SUBJECT EXTENSIONS: issues NAME.crt for NAME.key from the CA.
sign() {
  local base=$1 subject=$2 ext=$3
  [ -s "$base.crt" ] && return 0
  newkey "$base.key"
  openssl req -new -key "$base.key" -subj "$subject" -out "$base.csr"
  openssl x509 -req -in "$base.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -sha256 -days 825 -extfile <(printf '%s\n' "$ext") \
    -out "$base.crt" 2>/dev/null
  rm -f "$base.csr"
  chmod 644 "$base.crt"
}

# p12 NAME: NAME.p12 (certificate, key and CA; empty password) for
# importing into a browser.
p12() {
  local base=$1
  [ -s "$base.p12" ] && return 0
  openssl pkcs12 -export -in "$base.crt" -inkey "$base.key" -certfile "$out/ca.crt" \
    -name "$(basename "$base")" -passout pass: -out "$base.p12"
  chmod 600 "$base.p12"
}

sign "$out/server" "/O=safeguard development/CN=localhost" \
"basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"

for c in "${clients[@]}"; do
  read -r agency kind name <<<"$c"
  sign "$out/clients/$agency.$kind.$name" "/O=$agency/CN=$kind.$name" \
"basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectAltName=URI:spiffe://$domain/agency/$agency/$kind/$name"
  [ "$kind" = person ] && p12 "$out/clients/$agency.$kind.$name"
done
chmod 644 "$out/ca.crt"
echo "development certificates in $out"
