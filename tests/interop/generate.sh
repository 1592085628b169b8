#!/usr/bin/env bash
# tests/interop/generate.sh OUT_DIR: generates the JavaScript (ES module)
# code for safeguard.v1 and google.rpc.BadRequest with Debian's protoc and
# protoc-gen-es from this folder's node_modules (run `npm ci` here first).
# The code is made at test time, never committed. OUT_DIR gets a
# package.json that marks it as ES modules and a node_modules link, so the
# generated files import the same @bufbuild/protobuf as interop.mjs.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$1"
googleapis=/usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis
plugin="$here/node_modules/.bin/protoc-gen-es"
[ -x "$plugin" ] || { echo "$plugin is missing: run npm ci in $here" >&2; exit 1; }
[ -d "$googleapis" ] || { echo "$googleapis is missing: run deploy/install-deps.sh" >&2; exit 1; }
command -v protoc >/dev/null || { echo "protoc is missing: run deploy/install-deps.sh" >&2; exit 1; }

mkdir -p "$out"
protoc -I"$root/proto" -I"$googleapis" \
  --plugin=protoc-gen-es="$plugin" \
  --es_out="$out" --es_opt=target=js,import_extension=js \
  "$root"/proto/safeguard/v1/*.proto \
  "$googleapis/google/rpc/error_details.proto"
printf '{ "type": "module", "private": true }\n' >"$out/package.json"
ln -sfn "$here/node_modules" "$out/node_modules"
