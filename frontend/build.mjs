// Builds the service's CSS and copies GOV.UK Frontend's JavaScript into placement/static.
// Run with `npm run build`; the output is build output and is not committed.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "placement", "static");

mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const css = sass.compile(join(root, "frontend", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (css.css.includes("GDS Transport") || css.css.includes("@font-face")) {
  throw new Error("The built CSS still names GDS Transport; check $govuk-font-family.");
}
writeFileSync(join(out, "css", "app.css"), css.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "js", "govuk-frontend.min.js"));
cpSync(join(root, "frontend", "init.js"), join(out, "js", "init.js"));
cpSync(join(root, "frontend", "skills-search.js"), join(out, "js", "skills-search.js"));
cpSync(join(root, "frontend", "round-progress.js"), join(out, "js", "round-progress.js"));
// The service's own letter mark (drawn for it; never GOV.UK's crown).
cpSync(join(root, "frontend", "favicon.svg"), join(out, "favicon.svg"));
cpSync(join(root, "frontend", "favicon.ico"), join(out, "favicon.ico"));
cpSync(join(root, "frontend", "role-pool.js"), join(out, "js", "role-pool.js"));
cpSync(join(root, "frontend", "role-skills.js"), join(out, "js", "role-skills.js"));
console.log(`built ${out}`);
