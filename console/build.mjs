#!/usr/bin/env node
// console/build.mjs: builds the web console into dist/ (or the folder given
// as the first argument), which safeguardd serves from `console_dir`:
//
//   1. generates the typed API client from ../proto with Debian's protoc
//      and protoc-gen-es (into gen/, never committed);
//   2. compiles styles/console.scss (govuk-frontend and MoJ frontend, with
//      the system font instead of GOV.UK's own);
//   3. type-checks src/ with tsc and bundles src/main.ts with esbuild;
//   4. writes the JavaScript (the console and the screens it loads later)
//      and CSS to dist/assets/ under names made from their content, which
//      safeguardd lets browsers keep without asking again (a new build is
//      new names), and index.html naming them;
//   5. writes a gzip copy beside each text file, and fails if the
//      JavaScript and CSS, compressed, pass the size budget.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync,
         writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
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
mkdirSync(path.join(out, "assets"), { recursive: true });

// The files index.html names, by their placeholder there, and the
// JavaScript the console loads later.
const assets = {};
const chunks = [];
const preloads = [];
function writeAsset(placeholder, ext, data) {
  const hash = createHash("sha256").update(data).digest("hex").slice(0, 16);
  const name = `assets/console.${hash}.${ext}`;
  writeFileSync(path.join(out, name), data);
  assets[placeholder] = name;
}

step("generate", () => {
  execFileSync("protoc", [
    `-I${path.join(root, "proto")}`, `-I${googleapis}`,
    `--plugin=protoc-gen-es=${path.join(here, "node_modules/.bin/protoc-gen-es")}`,
    `--es_out=${gen}`, "--es_opt=target=ts",
    ...["audit", "meetings", "people", "referral", "referrals", "reports",
      "server_info"].map(
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
  writeAsset("/console.css", "css", result.css);
});

step("typecheck", () => {
  execFileSync(path.join(here, "node_modules/.bin/tsc"), ["--noEmit", "-p", here],
               { stdio: "inherit" });
});

step("bundle", () => {
  // Screens imported with import() become chunks of their own; esbuild
  // names every file by a hash of its content.
  const result = esbuild.buildSync({
    entryPoints: [path.join(here, "src/main.ts")],
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    target: ["es2022"],
    legalComments: "none",
    write: false,
    outdir: path.join(out, "assets"),
    entryNames: "console.[hash]",
    chunkNames: "chunk.[hash]",
    metafile: true,
  });
  const main = path.join(here, "src/main.ts");
  const outputs = result.metafile.outputs;  // by path from the working folder
  const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint &&
                                                 path.resolve(outputs[o].entryPoint) === main);
  // The chunks the entry imports, directly or not: the browser is told of
  // them at once (modulepreload) instead of finding them one import at a
  // time.
  const needed = new Set();
  const visit = (o) => {
    for (const i of outputs[o].imports) {
      if (i.kind === "import-statement" && !needed.has(i.path)) { needed.add(i.path); visit(i.path); }
    }
  };
  visit(entry);
  for (const file of result.outputFiles) {
    writeFileSync(file.path, file.contents);
    const name = path.relative(out, file.path);
    const key = path.relative(process.cwd(), file.path);
    if (key === entry) assets["/console.js"] = name;
    else chunks.push(name);
    if (needed.has(key)) preloads.push(name);
  }
});

let html = readFileSync(path.join(here, "index.html"), "utf8");
for (const [placeholder, name] of Object.entries(assets)) {
  if (!html.includes(`"${placeholder}"`)) throw new Error(`index.html does not name ${placeholder}`);
  html = html.replace(`"${placeholder}"`, `"/${name}"`);
}
html = html.replace("<!-- modulepreload -->", preloads.sort().map(
    (name) => `<link rel="modulepreload" href="/${name}">`).join("\n  "));
writeFileSync(path.join(out, "index.html"), html);
copyFileSync(path.join(here, "favicon.svg"), path.join(out, "favicon.svg"));

let compressed = 0;
for (const name of ["index.html", ...Object.values(assets), ...chunks]) {
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
