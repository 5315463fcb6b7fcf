"""Acceptance test of `labelc export oscal` with compliance-trestle.

Usage: check_trestle.py LABELC POLICIES WORKDIR

Exports POLICIES, then: loads every file with trestle's object model;
copies them into a fresh trestle workspace and runs `trestle validate -a`
on them; resolves every profile with `trestle author profile-resolve` and
checks its controls are exactly the criteria `labelc compile` says the level
requires (requires_all plus the members of its at_least groups, which the
profile includes and names in `at-least` props). Prints one line per check
and `N passed, M failed`; exits 1 on any failure.
"""

import json
import pathlib
import shutil
import subprocess
import sys

from trestle.oscal.catalog import Catalog
from trestle.oscal.mapping import MappingCollection
from trestle.oscal.profile import Profile

labelc, policies, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what}")


def run(args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


def control_id(criterion):
    return "_" + criterion if criterion[:1].isdigit() else criterion


if work.exists():
    shutil.rmtree(work)
out = work / "export"
result = run([labelc, "export", "oscal", policies, "--out", str(out)])
check(result.returncode == 0, f"export: {result.stderr}")
compiled = json.loads(run([labelc, "compile", policies]).stdout)

models = {"catalogs": Catalog, "profiles": Profile, "mapping-collections": MappingCollection}
files = sorted(out.rglob("*.json"))
check(len(files) > 0, "export wrote no file")
for kind, model in models.items():
    found = sorted((out / kind).glob("*/*.json"))
    check(len(found) > 0, f"no {kind} exported")
    for path in found:
        try:
            model.oscal_read(path)
            check(True, "")
        except Exception as e:  # noqa: BLE001 - any failure to load is the finding
            check(False, f"{path}: trestle object model rejects it: {e}")

# A trestle workspace holding the export.
ws = work / "workspace"
ws.mkdir(parents=True)
result = run(["trestle", "init"], cwd=ws)
check(result.returncode == 0, f"trestle init: {result.stdout}{result.stderr}")
for kind in models:
    shutil.copytree(out / kind, ws / kind, dirs_exist_ok=True)
copied = sorted(ws.glob("*/*/*.json"))
check(len(copied) == len(files), f"{len(copied)} files in the workspace, {len(files)} exported")
# One run over the whole workspace (a run per file costs seconds each).
result = run(["trestle", "validate", "-a"], cwd=ws)
check(result.returncode == 0, f"trestle validate -a: {result.stdout}{result.stderr}")

# Every profile resolves to exactly the criteria of its level.
expected = {}
for scheme in compiled["schemes"]:
    for level in scheme["levels"]:
        ids = set(level["requires_all"])
        for group in level.get("at_least_all", []):
            ids.update(group["of"])
        name = f"{scheme['id']}-{scheme['version']}-level-{level['rank']}"
        expected[name] = {control_id(c) for c in ids}
profiles = sorted(p.name for p in (ws / "profiles").iterdir() if p.is_dir())
check(sorted(expected) == profiles, f"profiles {profiles} != levels {sorted(expected)}")
for name in profiles:
    resolved = f"resolved-{name}"
    result = run(["trestle", "author", "profile-resolve", "-n", name, "-o", resolved], cwd=ws)
    check(result.returncode == 0, f"profile-resolve {name}: {result.stdout}{result.stderr}")
    if result.returncode != 0:
        continue
    catalog = Catalog.oscal_read(ws / "catalogs" / resolved / "catalog.json")
    got = set()

    def walk(controls):
        for control in controls or []:
            got.add(control.id)
            walk(control.controls)

    walk(catalog.controls)
    for group in catalog.groups or []:
        walk(group.controls)
    check(got == expected.get(name), f"{name}: resolved {sorted(got)} != level {sorted(expected.get(name, []))}")

# Negative control: trestle validate does reject a broken document.
broken = ws / "catalogs" / "broken" / "catalog.json"
broken.parent.mkdir()
doc = json.loads(next((ws / "catalogs").glob("*/catalog.json")).read_text())
doc["catalog"]["uuid"] = "not-a-uuid"
broken.write_text(json.dumps(doc))
result = run(["trestle", "validate", "-f", str(broken.relative_to(ws))], cwd=ws)
check(result.returncode != 0, "trestle validate accepted a catalog whose uuid is not a UUID")

# Byte-identical output for the same input.
again = work / "again"
run([labelc, "export", "oscal", policies, "--out", str(again)])
for path in files:
    twin = again / path.relative_to(out)
    check(twin.exists() and twin.read_bytes() == path.read_bytes(), f"{path} differs on a second run")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
