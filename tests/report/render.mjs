// Renders each `labelc report` kind in headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core, no browser download), fails on
// any console error or page error, saves a screenshot of each, and checks
// that the figures in the rendered DOM equal the JSON outputs written next
// to the reports by scripts/suites/report.sh.
//
//   node tests/report/render.mjs DIR [--screenshot FILE.png]
//
// DIR holds the reports (*.html) and the JSON (eval-*.jsonl, plan.json,
// diff.json, rules.json). Ends with `N passed, M failed`; exits 1 on a failure.

import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const dir = resolve(process.argv[2] ?? "target/report-suite");
const require = createRequire(join(dir, "package.json"));
const { chromium } = require("playwright-core");
const shotAt = process.argv.indexOf("--screenshot");
const readmeShot = shotAt > 0 ? resolve(process.argv[shotAt + 1]) : null;

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name} ${detail}`);
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const sorted = (o) => Object.fromEntries(Object.entries(o).sort());
const json = (file) => JSON.parse(readFileSync(join(dir, file), "utf8"));
const lines = (file) =>
  readFileSync(join(dir, file), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

// The level distribution of `eval --format json`, as the report buckets it.
function levelCounts(file) {
  const counts = {};
  for (const line of lines(file)) {
    const bucket = line.excluded !== undefined ? "out-of-scope" : line.level === null ? "none" : String(line.level);
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return sorted(counts);
}

async function portfolio(page) {
  for (const file of readdirSync(dir).filter((f) => f.startsWith("eval-") && f.endsWith(".jsonl"))) {
    const scheme = lines(file)[0].scheme;
    const shown = await page.evaluate((scheme) => {
      const block = [...document.querySelectorAll("div.scheme")].find((d) => d.dataset.scheme === scheme);
      if (!block) return null;
      const counts = {};
      let drawn = true;
      for (const bar of block.querySelectorAll("g.bar")) {
        const n = Number(bar.dataset.count);
        if (n > 0) counts[bar.dataset.level] = n;
        const width = bar.querySelector("rect").getBoundingClientRect().width;
        if (n > 0 && !(width > 0)) drawn = false;
      }
      return { counts, drawn };
    }, scheme);
    check(`portfolio ${scheme}: level counts equal eval JSON`, shown && same(sorted(shown.counts), levelCounts(file)),
      JSON.stringify(shown));
    check(`portfolio ${scheme}: every non-empty bar is drawn`, shown?.drawn === true);
  }
}

async function plan(page) {
  const scheme = json("plan.json").schemes[0];
  const work = scheme.work.reduce((n, s) => n + s.criteria.length, 0);
  const figure = (name) =>
    page.evaluate((name) => Number(document.querySelector(`#plan [data-figure="${name}"]`)?.textContent), name);
  check("plan: work items equal plan JSON", (await figure("work-items")) === work);
  check("plan: credits equal plan JSON", (await figure("credits")) === scheme.credits.length);
  check("plan: open items equal plan JSON", (await figure("open-items")) === scheme.open_items.length);
  const items = await page.evaluate(() => document.querySelectorAll("#plan ul.checklist li").length);
  check("plan: the checklist lists the work and the credits", items === work + scheme.credits.length, `${items}`);
}

async function diff(page) {
  const products = json("diff.json").products;
  const shown = await page.evaluate(() => ({
    changed: Number(document.querySelector('#diff [data-figure="level-changed"]')?.textContent),
    transitions: Object.fromEntries(
      [...document.querySelectorAll("#diff g.bar[data-transition]")].map((g) => [g.dataset.transition, Number(g.dataset.count)]),
    ),
    rows: document.querySelectorAll("#diff table.changed tr[data-product]").length,
  }));
  check("diff: level changes equal diff JSON", shown.changed === products.level_changed);
  check("diff: transitions equal diff JSON", same(sorted(shown.transitions), sorted(products.level_transitions)),
    JSON.stringify(shown.transitions));
  check("diff: one row per listed product", shown.rows === products.changed.length);
}

async function recognitions(page) {
  const rules = json("rules.json");
  const want = {};
  for (const r of rules.recognitions) {
    const status = r.status === "proposed" ? "proposed" : r.status !== "official" || r.basis ? "assumed" : "official";
    const key = `${r.from.scheme} -> ${r.to.scheme} (${status})`;
    want[key] = (want[key] ?? 0) + 1;
  }
  const shown = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll("#recognition-graph line.edge")].map((l) => [
        `${l.dataset.from} -> ${l.dataset.to} (${l.dataset.status})`,
        Number(l.dataset.count),
      ]),
    ),
  );
  check("recognitions: arrows equal the compiled recognitions", same(sorted(shown), sorted(want)), JSON.stringify(shown));
  const schemes = new Set(rules.recognitions.flatMap((r) => [r.from.scheme, r.to.scheme]));
  const nodes = await page.evaluate(() => document.querySelectorAll("#recognition-graph g.node").length);
  check("recognitions: one node per scheme", nodes === schemes.size, `${nodes} of ${schemes.size}`);
}

const kinds = { portfolio, plan, diff, recognitions };
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  for (const [kind, checks] of Object.entries(kinds)) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
    page.on("request", (r) => r.url().startsWith("file://") || errors.push(`network: ${r.url()}`));
    await page.goto(`file://${join(dir, `${kind}.html`)}`, { waitUntil: "load" });
    await page.screenshot({ path: join(dir, `${kind}.png`), fullPage: true });
    await checks(page);
    check(`${kind}: no console error, page error or network request`, errors.length === 0, errors.join("; "));
    const printed = await page.pdf?.({ path: join(dir, `${kind}.pdf`) }).then(() => true, () => false);
    check(`${kind}: prints`, printed !== false);
    if (kind === "portfolio" && readmeShot) {
      await page.screenshot({ path: readmeShot, clip: { x: 0, y: 0, width: 1100, height: 900 } });
      console.log(`wrote ${readmeShot}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
