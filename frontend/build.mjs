// Bundles every frontend/src/*.js entry into static/dist/ (one file per page script).
import { build } from "esbuild";
import { readdirSync } from "node:fs";

const entryPoints = readdirSync("src").filter((name) => name.endsWith(".js")).map((name) => `src/${name}`);
await build({
  entryPoints,
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: true,
  target: ["es2020"],
  outdir: "../static/dist",
  logLevel: "info",
});
