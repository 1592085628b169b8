#!/usr/bin/env node
// console/test/run.mjs: bundles each test/*.test.ts with esbuild (the code
// under test as the console bundles it) and runs them with node's test
// runner. Needs gen/ (npm run build makes it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(path.join(os.tmpdir(), "console-test-"));
try {
  const tests = readdirSync(here).filter((f) => f.endsWith(".test.ts"));
  esbuild.buildSync({
    entryPoints: tests.map((f) => path.join(here, f)),
    bundle: true, platform: "node", format: "esm", target: ["node18"],
    outdir: out, outExtension: { ".js": ".mjs" }, logLevel: "warning",
  });
  execFileSync(process.execPath, ["--test", ...tests.map((f) => path.join(out, f.replace(/\.ts$/, ".mjs")))],
               { stdio: "inherit" });
} finally {
  rmSync(out, { recursive: true, force: true });
}
