#!/usr/bin/env python3
"""Differential test of `labelc export sql` against `labelc eval`.

For every scheme version of the reference policies and several assessment
dates around its effective dates and validity windows, it generates random
products (facts missing, null or set to values near the constants the
conditions compare with; holdings of levels and criteria, pinned or not;
categories of every kind, excluded ones, per-scheme objects with and without
an entry for the scheme), judges them with `labelc eval --format json
--explain`, runs the query `labelc export sql --criteria` writes in each
engine named on the command line, and asserts that every product gets the
same scheme, category, in_scope, excluded, level, reachable and per-criterion
outcome.

Usage: differential.py LABELC POLICIES --engines duckdb[,spark] [--products N]
Ends with `N passed, M failed` (one check per product per engine).
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time

SEED = 17


def walk(condition, out):
    """Collects (fact name, literal) pairs and `within` days from a condition."""
    op = condition["op"]
    if op in ("and", "or"):
        for a in condition["args"]:
            walk(a, out)
    elif op == "not":
        walk(condition["arg"], out)
    else:
        name = condition["fact"]["name"]
        seen = out.setdefault(name, {"values": [], "days": []})
        if op == "compare":
            seen["values"].append(condition["value"])
        elif op == "in":
            seen["values"].extend(condition["values"])
        elif op in ("contains",):
            seen["values"].append({"type": "string", "value": condition["value"]})
        elif op in ("subset_of", "superset_of"):
            seen["values"].extend({"type": "string", "value": v} for v in condition["values"])
        elif op == "within":
            seen["days"].append((condition["days"], condition["direction"]))


def day(text):
    return dt.date.fromisoformat(text)


class Generator:
    def __init__(self, rules, rng):
        self.rules = rules
        self.rng = rng
        self.facts = {f["name"]: f["type"] for f in rules["facts"]}
        self.constants = {}
        for scheme in rules["schemes"]:
            for c in scheme["criteria"]:
                if c.get("condition"):
                    walk(c["condition"], self.constants)
        for r in rules["recognitions"]:
            if r.get("condition"):
                walk(r["condition"], self.constants)
        self.scheme_ids = sorted({s["id"] for s in rules["schemes"]})

    def value(self, name, as_of):
        ty = self.facts[name]
        kind = ty["kind"]
        seen = self.constants.get(name, {"values": [], "days": []})
        literals = [v.get("value") for v in seen["values"]]
        r = self.rng
        if kind == "bool":
            return r.random() < 0.7
        if kind == "int":
            base = [v for v in literals if isinstance(v, (int, float))] or [0]
            return int(r.choice(base)) + r.choice([-1, 0, 0, 1, 2])
        if kind == "decimal":
            base = [v for v in literals if isinstance(v, (int, float))] or [0]
            return float(r.choice(base)) + r.choice([-0.5, 0.0, 0.0, 0.25, 1.0])
        if kind == "string":
            base = [v for v in literals if isinstance(v, str)]
            return r.choice(base + ["other-value"]) if base else "other-value"
        if kind == "enum":
            return r.choice(ty["values"])
        if kind == "date":
            anchors = [as_of]
            for v in seen["values"]:
                if v.get("type") == "date":
                    anchors.append(day(v["value"]))
            spans = [d for d, _ in seen["days"]] or [30, 365]
            anchor = r.choice(anchors)
            span = r.choice(spans)
            delta = r.choice([-span - 1, -span, -span + 1, -1, 0, 1, span - 1, span, span + 1])
            return (anchor + dt.timedelta(days=delta)).isoformat()
        if kind == "string_set":
            base = sorted({v for v in literals if isinstance(v, str)})
            k = r.randint(0, len(base)) if base else 0
            chosen = r.sample(base, k) if base else []
            if r.random() < 0.3:
                chosen.append("something-else")
            r.shuffle(chosen)
            return chosen
        raise ValueError(kind)

    def holdings(self):
        r = self.rng
        out = []
        for _ in range(r.choice([0, 0, 1, 2, 3, 5])):
            if r.random() < 0.6 and self.rules["recognitions"]:
                # What some recognition starts from, often enough to credit.
                rec = r.choice(self.rules["recognitions"])
                frm = rec["from"]
                versions = [s for s in self.rules["schemes"] if s["id"] == frm["scheme"]]
                scheme = r.choice(versions)
                pinned = r.random() < 0.5
                head = frm["scheme"] + (("@" + scheme["version"]) if pinned else "")
                if "level" in frm:
                    ranks = sorted({l["rank"] for l in scheme["levels"]}) or [frm["level"]]
                    out.append(f"{head}:{r.choice(ranks + [frm['level']])}")
                elif "criterion" in frm:
                    ids = [c["id"] for c in scheme["criteria"]]
                    if frm["criterion"] in ids or not pinned:
                        out.append(f"{head}#{r.choice(ids + [frm['criterion']] * 3)}")
            else:
                scheme = r.choice(self.rules["schemes"])
                pinned = r.random() < 0.5
                head = scheme["id"] + (("@" + scheme["version"]) if pinned else "")
                if scheme["levels"] and r.random() < 0.5:
                    out.append(f"{head}:{r.choice(scheme['levels'])['rank']}")
                elif scheme["criteria"]:
                    out.append(f"{head}#{r.choice(scheme['criteria'])['id']}")
        return out

    def product(self, number, scheme, as_of):
        r = self.rng
        categories = [c["id"] for c in scheme["categories"]]
        others = [s for s in self.scheme_ids if s != scheme["id"]]
        pick = r.random()
        if pick < 0.3 and categories:
            category = r.choice(categories)
        elif pick < 0.85 and categories:
            category = {scheme["id"]: r.choice(categories)}
            for other in r.sample(others, min(len(others), r.randint(0, 2))):
                cats = [c["id"] for s in self.rules["schemes"] if s["id"] == other for c in s["categories"]]
                if cats:
                    category[other] = r.choice(cats)
        else:
            # No category for this scheme: out of scope.
            category = {o: next(c["id"] for s in self.rules["schemes"] if s["id"] == o for c in s["categories"])
                        for o in r.sample(others, min(len(others), r.randint(0, 2)))
                        if any(s["id"] == o and s["categories"] for s in self.rules["schemes"])}
        facts = {}
        mode = r.random()
        for name in self.facts:
            roll = r.random()
            if mode < 0.1 or roll < 0.15:
                continue  # missing
            if roll < 0.2:
                facts[name] = None
            else:
                facts[name] = self.value(name, as_of)
        product = {"id": f"p{number}", "category": category, "facts": facts}
        holds = self.holdings()
        if holds or r.random() < 0.5:
            product["holds"] = holds
        return product


def dates_for(rules, scheme):
    """Assessment dates around the dates that decide this scheme version."""
    dates = set()
    texts = [scheme.get("effective")]
    texts += [c.get("effective") for c in scheme["categories"]]
    texts += [c.get(k) for c in scheme["criteria"] for k in ("valid_from", "valid_until")]
    texts += [r.get(k) for r in rules["recognitions"] for k in ("valid_from", "valid_until")
              if r["to"]["scheme"] == scheme["id"]]
    for t in texts:
        if t:
            d = day(t)
            dates.update([d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)])
    dates.add(dt.date(2026, 1, 1))
    return sorted(dates)


def run(cmd, **kw):
    return subprocess.run(cmd, check=False, capture_output=True, text=True, **kw)


def expected(labelc, policies, key, as_of, path):
    p = run([labelc, "eval", policies, "--scheme", key, "--facts", path, "--as-of",
             as_of.isoformat(), "--format", "json", "--explain"])
    out = {}
    for line in p.stdout.splitlines():
        o = json.loads(line)
        if "error" in o:
            out[o.get("id")] = {"error": o["error"]}
            continue
        out[o["id"]] = {
            "scheme": o["scheme"],
            "category": o["category"],
            "in_scope": o["in_scope"],
            "excluded": o.get("excluded"),
            "level": o["level"],
            "reachable": o["reachable"],
            "criteria": {c["id"]: c["outcome"] for c in o.get("criteria", [])},
        }
    return out


def from_rows(columns, rows, criterion_ids):
    out = {}
    for row in rows:
        rec = dict(zip(columns, row))
        if rec["error"] is not None:
            out[rec["id"]] = {"error": rec["error"]}
            continue
        out[rec["id"]] = {
            "scheme": rec["scheme"],
            "category": rec["category"],
            "in_scope": rec["in_scope"],
            "excluded": rec["excluded"],
            "level": rec["level"],
            "reachable": rec["reachable"],
            "criteria": {c: rec[c] for c in criterion_ids},
        }
    return out


class DuckEngine:
    name = "duckdb"

    def __init__(self):
        import duckdb

        self.con = duckdb.connect()

    def query(self, labelc, policies, key, as_of, path):
        p = run([labelc, "export", "sql", policies, "--scheme", key, "--as-of", as_of.isoformat(),
                 "--dialect", "duckdb", "--products", path, "--criteria"])
        if p.returncode != 0:
            raise RuntimeError(f"export sql failed for {key}: {p.stderr}")
        result = self.con.sql(p.stdout)
        return result.columns, result.fetchall()


class SparkEngine:
    name = "spark"

    def __init__(self):
        from pyspark.sql import SparkSession

        self.spark = (SparkSession.builder.master("local[2]").appName("labelc-sql")
                      .config("spark.ui.enabled", "false")
                      .config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.shuffle.partitions", "2").getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")

    def query(self, labelc, policies, key, as_of, path):
        p = run([labelc, "export", "sql", policies, "--scheme", key, "--as-of", as_of.isoformat(),
                 "--dialect", "spark", "--products", "products", "--criteria"])
        if p.returncode != 0:
            raise RuntimeError(f"export sql failed for {key}: {p.stderr}")
        df = self.spark.read.schema("id STRING, category STRING, holds ARRAY<STRING>, facts STRING").json(path)
        df.createOrReplaceTempView("products")
        result = self.spark.sql(p.stdout.rstrip().rstrip(";"))
        return result.columns, [tuple(r) for r in result.collect()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("labelc")
    parser.add_argument("policies")
    parser.add_argument("--engines", default="duckdb")
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--spark-cases", type=int, default=12,
                        help="Spark (slow to plan each query) judges this many (scheme version, date) "
                             "cases, spread evenly, each with PRODUCTS / SPARK_CASES products")
    args = parser.parse_args()
    rng = random.Random(SEED)
    compiled = run([args.labelc, "compile", args.policies])
    if compiled.returncode != 0:
        print(compiled.stderr)
        print("0 passed, 1 failed")
        return 1
    rules = json.loads(compiled.stdout)
    gen = Generator(rules, rng)
    engines = []
    for name in args.engines.split(","):
        engines.append(DuckEngine() if name == "duckdb" else SparkEngine())
    cases = [(s, d) for s in rules["schemes"] for d in dates_for(rules, s)]
    per_case = max(1, -(-args.products // len(cases)))
    k = max(1, min(args.spark_cases, len(cases)))
    sampled = {round(i * len(cases) / k) for i in range(k)}
    per_sampled = max(per_case, -(-args.products // k))
    judged = {}
    passed = failed = 0
    shown = 0
    number = 0
    with tempfile.TemporaryDirectory() as tmp:
        for index, (scheme, as_of) in enumerate(cases):
            key = f"{scheme['id']}@{scheme['version']}"
            path = os.path.join(tmp, "products.jsonl")
            with open(path, "w") as f:
                for _ in range(per_sampled if index in sampled else per_case):
                    number += 1
                    f.write(json.dumps(gen.product(number, scheme, as_of)) + "\n")
            want = expected(args.labelc, args.policies, key, as_of, path)
            ids = [c["id"] for c in scheme["criteria"]]
            for engine in engines:
                if engine.name == "spark" and index not in sampled:
                    continue
                judged[engine.name] = judged.get(engine.name, 0) + len(want)
                started = time.monotonic()
                columns, rows = engine.query(args.labelc, args.policies, key, as_of, path)
                took = time.monotonic() - started
                if took > 5:
                    print(f"note: {engine.name} took {took:.1f} s for {key} as of {as_of}")
                got = from_rows(columns, rows, ids)
                for pid in want:
                    w, g = want[pid], got.get(pid)
                    same = g == w or ("error" in w and g is not None and "error" in g)
                    if same:
                        passed += 1
                    else:
                        failed += 1
                        if shown < 10:
                            shown += 1
                            print(f"MISMATCH {engine.name} {key} as of {as_of} {pid}:\n  eval: {w}\n  sql:  {g}")
                if len(got) != len(want):
                    failed += 1
                    print(f"MISMATCH {engine.name} {key}: {len(got)} rows for {len(want)} products")
    print(f"{len(cases)} (scheme version, date) cases, {number} products; judged: "
          + ", ".join(f"{n} by {e}" for e, n in judged.items()))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
