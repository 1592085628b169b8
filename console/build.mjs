#!/usr/bin/env node
// console/build.mjs: builds the web console into dist/ (or the folder given
// as the first argument), which safeguardd serves from `console_dir`:
//
//   1. generates the typed API client from ../proto with Debian's protoc
//      and protoc-gen-es (into gen/, never committed);
//   2. compiles styles/console.scss (govuk-frontend and MoJ frontend, with
//      the system font instead of GOV.UK's own) to dist/console.css;
//   3. type-checks src/ with tsc and bundles src/main.ts with esbuild to
//      dist/console.js;
//   4. copies index.html and writes a gzip copy beside each text file, and
//      fails if the JavaScript and CSS, compressed, pass the size budget.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync,
         writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import * as esbuild from "esbuild";
import * as sass from "sass";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const out = path.resolve(process.argv[2] ?? path.join(here, "dist"));
const gen = path.join(here, "gen");
const googleapis = "/usr/share/gocode/src/github.com/grpc-ecosystem/" +
    "grpc-gateway/third_party/googleapis";
// The console's JavaScript and CSS together, gzip-compressed.
const BUDGET_BYTES = 250 * 1024;

function step(name, fn) {
  const start = Date.now();
  fn();
  console.log(`${name}: ${Date.now() - start} ms`);
}

rmSync(gen, { recursive: true, force: true });
rmSync(out, { recursive: true, force: true });
mkdirSync(gen, { recursive: true });
mkdirSync(out, { recursive: true });

step("generate", () => {
  execFileSync("protoc", [
    `-I${path.join(root, "proto")}`, `-I${googleapis}`,
    `--plugin=protoc-gen-es=${path.join(here, "node_modules/.bin/protoc-gen-es")}`,
    `--es_out=${gen}`, "--es_opt=target=ts",
    ...["audit", "referral", "referrals", "server_info"].map(
        (f) => path.join(root, "proto/safeguard/v1", `${f}.proto`)),
    path.join(googleapis, "google/rpc/error_details.proto"),
  ], { stdio: "inherit" });
});

step("styles", () => {
  const result = sass.compile(path.join(here, "styles/console.scss"), {
    loadPaths: [path.join(here, "node_modules"), here],
    style: "compressed",
    quietDeps: true,
    silenceDeprecations: ["mixed-decls"],
    // GOV.UK Frontend warns of its own deprecated organisation colours,
    // which the console does not use.
    logger: {
      warn(message) {
        if (!message.includes("legacy organisation colour")) console.warn(message);
      },
    },
  });
  writeFileSync(path.join(out, "console.css"), result.css);
});

step("typecheck", () => {
  execFileSync(path.join(here, "node_modules/.bin/tsc"), ["--noEmit", "-p", here],
               { stdio: "inherit" });
});

step("bundle", () => {
  esbuild.buildSync({
    entryPoints: [path.join(here, "src/main.ts")],
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022"],
    legalComments: "none",
    outfile: path.join(out, "console.js"),
  });
});

for (const name of ["index.html", "favicon.svg"]) {
  copyFileSync(path.join(here, name), path.join(out, name));
}

let compressed = 0;
for (const name of ["index.html", "console.js", "console.css"]) {
  const data = readFileSync(path.join(out, name));
  const gz = gzipSync(data, { level: 9 });
  writeFileSync(path.join(out, `${name}.gz`), gz);
  if (name !== "index.html") compressed += gz.length;
  console.log(`${name}: ${statSync(path.join(out, name)).size} bytes, ` +
              `${gz.length} gzipped`);
}
console.log(`JavaScript and CSS, gzipped: ${compressed} bytes ` +
            `(budget ${BUDGET_BYTES})`);
if (compressed > BUDGET_BYTES) {
  console.error("over the size budget");
  process.exit(1);
}
