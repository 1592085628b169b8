#!/usr/bin/env bash
# tests/package_test.sh: the Debian packages on a bare Debian 12 machine.
# As root, from the project's root, in a root file system of its own:
#   ../shared/tools/fresh-machine.sh /root/fresh-package ./tests/package_test.sh
# It installs what building needs, builds the console and the packages
# (release 1, then release 2 as the upgrade), installs safeguard-server with
# apt, and checks: the safeguard user, its 0700 data folder and 0600 keys;
# safeguardd started as that user from the installed files alone (with a
# CRL folder, as shipped) answers health and takes a referral; the upgrade
# to release 2 keeps the configuration, the keys and the referral. Exit 0
# only if every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "package_test: FAILED: $*" >&2; exit 1; }
step() { echo "package_test: $*"; }

deploy/install-deps.sh
step "building the console and the packages"
(cd console && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build) >/dev/null
build=build/package
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAFEGUARD_BUILD_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX=/usr -DSAFEGUARD_PACKAGE_RELEASE=1 >/dev/null
cmake --build $build -j "$(nproc)" >/dev/null
(cd $build && cpack -G DEB >/dev/null)
server_deb=$(ls $build/safeguard-server_*-1_amd64.deb)
cp "$server_deb" /tmp/
cmake -S . -B $build -DSAFEGUARD_PACKAGE_RELEASE=2 >/dev/null
(cd $build && cpack -G DEB >/dev/null)
upgrade_deb=$(ls $build/safeguard-server_*-2_amd64.deb)
ls $build/safeguard-client-dev_*-2_amd64.deb >/dev/null || fail "no client package"

step "installing $(basename "$server_deb")"
apt-get install -y -qq "/tmp/$(basename "$server_deb")" >/tmp/apt.log 2>&1 \
  || { tail -20 /tmp/apt.log; fail "apt could not install the package"; }
getent passwd safeguard >/dev/null || fail "no safeguard user"
[ "$(stat -c '%U %a' /var/lib/safeguard)" = "safeguard 700" ] \
  || fail "/var/lib/safeguard is $(stat -c '%U %a' /var/lib/safeguard)"
for key in db.key audit-signing.key backup.key; do
  [ "$(stat -c '%U %a' /etc/safeguard/$key)" = "safeguard 600" ] \
    || fail "/etc/safeguard/$key is $(stat -c '%U %a' /etc/safeguard/$key)"
done
[ -f /usr/share/safeguard/console/index.html ] || fail "no console"
grep -q '^/etc/safeguard/safeguardd.textproto$' /var/lib/dpkg/info/safeguard-server.conffiles \
  || fail "the configuration is not a conffile"

step "the operator's TLS files, with a CRL"
pki=/tmp/pki
certs/make-dev-certs.sh $pki >/dev/null
install -m 0644 $pki/ca.crt $pki/server.crt /etc/safeguard/tls/
install -o safeguard -g safeguard -m 0600 $pki/server.key /etc/safeguard/tls/
mkdir -p /tmp/ca && : > /tmp/ca/index.txt && echo 01 > /tmp/ca/crlnumber
cat > /tmp/ca/ca.cnf <<CNF
[ca]
default_ca = dev
[dev]
database = /tmp/ca/index.txt
crlnumber = /tmp/ca/crlnumber
default_md = sha256
default_crl_days = 30
CNF
openssl ca -gencrl -config /tmp/ca/ca.cnf -keyfile $pki/ca.key -cert $pki/ca.crt \
  -out "/etc/safeguard/tls/crl/$(openssl x509 -hash -noout -in $pki/ca.crt).r0" 2>/dev/null

client=$pki/clients/suffolk-police.system.athena
ctl() {
  /usr/bin/safeguardctl --target=127.0.0.1:$port --ca=$pki/ca.crt \
    --cert=$client.crt --key=$client.key "$@"
}
# As the unit runs it: the safeguard user, in its data folder, --config
# only (the ports moved to free ones on loopback).
start() {
  cd /var/lib/safeguard
  umask 077
  setpriv --reuid=safeguard --regid=safeguard --init-groups \
    /usr/bin/safeguardd --config=/etc/safeguard/safeguardd.textproto \
    --listen_address=127.0.0.1:0 --http_listen_address=127.0.0.1:0 >/tmp/server.log 2>&1 &
  pid=$!
  umask 022
  cd - >/dev/null
  for _ in $(seq 100); do
    grep -q '"event":"started"' /tmp/server.log && break
    kill -0 $pid 2>/dev/null || { cat /tmp/server.log; fail "safeguardd stopped"; }
    sleep 0.2
  done
  port=$(sed -n 's/.*"grpc_port":\([0-9]*\).*/\1/p' /tmp/server.log)
  [ -n "$port" ] || { cat /tmp/server.log; fail "safeguardd did not start"; }
  [ "$(stat -c %U /proc/$pid)" = safeguard ] || fail "safeguardd does not run as safeguard"
}
stop() {
  kill -TERM $pid
  wait $pid || fail "safeguardd did not stop cleanly"
}

step "starting safeguardd from the installed files"
start
ctl health | grep -q SERVING || fail "health is not SERVING"
cat > /tmp/referral.json <<'JSON'
{"kind":"TARGET_HARDENING","area":"west-suffolk",
 "subjects":[{"fullName":"Chris Example","dateOfBirth":{"year":1988,"month":4,"day":12},
   "safeContact":{"channels":["PHONE"],"phone":"07700900123","times":"weekdays 10:00-12:00"}}],
 "consent":{"status":"GIVEN","legalBasis":"CONSENT"},
 "targetHardening":{"address":{"lines":["1 Example Row"],"town":"Bury St Edmunds","postcode":"IP33 1AA"},
   "accessInstructions":"Call first; side gate.","measuresRequested":["LOCKS"],
   "fireArsonRisk":true,"tenure":"SOCIAL_RENT","landlordPermission":true,
   "scheme":"suffolk-target-hardening"}}
JSON
client=$pki/clients/babergh-mid-suffolk-council.system.case
submitted=$(ctl submit /tmp/referral.json) || fail "submit: $submitted"
name=$(echo "$submitted" | sed -n 's/.* as \(referrals\/[^ ]*\) .*/\1/p')
[ -n "$name" ] || fail "no referral name in: $submitted"
stop

step "upgrading to $(basename "$upgrade_deb")"
echo "# the operator's edit" >> /etc/safeguard/safeguardd.textproto
key_before=$(sha256sum /etc/safeguard/db.key)
apt-get install -y -qq "./$upgrade_deb" >/tmp/apt.log 2>&1 \
  || { tail -20 /tmp/apt.log; fail "apt could not upgrade"; }
[ "$(dpkg-query -W -f='${Version}' safeguard-server)" = "0.1.0-2" ] || fail "not upgraded"
grep -q "the operator's edit" /etc/safeguard/safeguardd.textproto \
  || fail "the upgrade replaced the edited configuration"
[ "$(sha256sum /etc/safeguard/db.key)" = "$key_before" ] || fail "the upgrade replaced a key"
start
ctl get "$name" | grep -q "$name" || fail "the referral is gone after the upgrade"
stop
step "passed"
