#!/usr/bin/env python3
"""Generate hublint's compiled-in facts about the jupyterhub chart's values schema.

    scripts/gen-schemas.py [--corpus DIR] [--out FILE]
    scripts/gen-schemas.py traits --python VENV/bin/python [--python ...] [--out FILE]

Reads every `<release>.values.schema.yaml` of the z2jh chart (default:
`../shared/corpus/z2jh/schemas/` beside the repository) and writes
`core/data/schemas/jupyterhub.json`: the validation facts only (types, properties,
patternProperties, additionalProperties, required, enum, const, minimum, items, oneOf,
anyOf, if/then/else, minItems), no description text. Identical subtrees, within one release
and across releases, are stored once: every node is a row of one table and refers to its
children by row number, so a release that changed three keys costs three rows plus the
rows on the paths above them.

The `traits` form writes `core/data/schemas/traits.json`: the configurable trait names
(`config=True`) of JupyterHub, its Authenticator/Spawner classes, KubeSpawner and every
OAuthenticator class, read by importing the released packages in each given Python
environment (e.g. one with jupyterhub 4.1 / kubespawner 6 / oauthenticator 16 and one with
jupyterhub 5.5 / kubespawner 7 / oauthenticator 17): the union over them, stored per class as
the traits it adds to its parent.

Row format (keys left out when absent):
  t   type bitmask: null 1, boolean 2, integer 4, number 8, string 16, array 32, object 64
  p   [[name, row], ...]          properties, in source order
  pp  [[regex, row], ...]         patternProperties
  ap  false | row                 additionalProperties (absent = anything allowed)
  r   [name, ...]                 required
  e   [value, ...]                enum
  c   [value]                     const (wrapped so that `null` survives)
  min / max / xmin / xmax number  minimum / maximum / exclusiveMinimum / exclusiveMaximum
  mo  number                      multipleOf
  mnl / mxl number                minLength / maxLength
  pat regex                       pattern
  fmt name                        format (helm's validator asserts it)
  mi / mxi number                 minItems / maxItems
  u   true                        uniqueItems
  ct  row                         contains
  ai  false | row                 additionalItems
  mnp / mxp number                minProperties / maxProperties
  pn  row                         propertyNames
  dep [[name, [key, ...] | row], ...]   dependencies
  not row                         not
  i   row                         items (a schema)
  it  [row, ...]                  items written as a list (tuple form)
  o / a / al  [row, ...]          oneOf / anyOf / allOf
  if / th / el  row               if / then / else
"""

import argparse
import json
import os
import re
import sys

import yaml

TYPE_BITS = {
    "null": 1,
    "boolean": 2,
    "integer": 4,
    "number": 8,
    "string": 16,
    "array": 32,
    "object": 64,
}
# Annotations: they do not change what validates.
IGNORED = {"description", "$schema", "title", "examples", "default", "$comment"}
# Keywords whose value is copied as it is.
SCALARS = {"minimum": "min", "maximum": "max", "exclusiveMinimum": "xmin", "exclusiveMaximum": "xmax",
           "multipleOf": "mo", "minLength": "mnl", "maxLength": "mxl", "pattern": "pat",
           "format": "fmt", "minItems": "mi", "maxItems": "mxi", "minProperties": "mnp",
           "maxProperties": "mxp"}


class Table:
    def __init__(self):
        self.rows = []
        self.index = {}

    def add(self, row):
        key = json.dumps(row, sort_keys=True, separators=(",", ":"))
        if key not in self.index:
            self.index[key] = len(self.rows)
            self.rows.append(row)
        return self.index[key]

    def node(self, schema, where):
        if schema is True or schema == {}:
            return self.add({})
        if not isinstance(schema, dict):
            raise SystemExit(f"{where}: schema is not a mapping: {schema!r}")
        row = {}
        for key, value in schema.items():
            at = f"{where}/{key}"
            if key in IGNORED:
                continue
            if key == "type":
                types = value if isinstance(value, list) else [value]
                row["t"] = sum(TYPE_BITS[t] for t in types)
            elif key in ("properties", "patternProperties"):
                short = "p" if key == "properties" else "pp"
                row[short] = [
                    [str(k), self.node(v, f"{at}/{k}")] for k, v in value.items()
                ]
            elif key == "additionalProperties":
                if value is True:
                    continue
                row["ap"] = False if value is False else self.node(value, at)
            elif key == "required":
                row["r"] = [str(k) for k in value]
            elif key == "enum":
                row["e"] = list(value)
            elif key == "const":
                row["c"] = [value]
            elif key in SCALARS:
                row[SCALARS[key]] = value
            elif key == "uniqueItems":
                if value is True:
                    row["u"] = True
            elif key in ("contains", "propertyNames", "not"):
                row[{"contains": "ct", "propertyNames": "pn", "not": "not"}[key]] = self.node(value, at)
            elif key == "additionalItems":
                if value is not True:
                    row["ai"] = False if value is False else self.node(value, at)
            elif key == "dependencies":
                row["dep"] = [
                    [str(k), list(v) if isinstance(v, list) else self.node(v, f"{at}/{k}")]
                    for k, v in value.items()
                ]
            elif key == "items":
                if isinstance(value, list):
                    row["it"] = [self.node(v, f"{at}/{n}") for n, v in enumerate(value)]
                else:
                    row["i"] = self.node(value, at)
            elif key in ("oneOf", "anyOf", "allOf"):
                short = {"oneOf": "o", "anyOf": "a", "allOf": "al"}[key]
                row[short] = [self.node(v, f"{at}/{n}") for n, v in enumerate(value)]
            elif key in ("if", "then", "else"):
                short = {"if": "if", "then": "th", "else": "el"}[key]
                row[short] = self.node(value, at)
            else:
                raise SystemExit(f"{where}: keyword {key!r} is not supported by hublint")
        return self.add(row)


INTROSPECT = r"""
import importlib, inspect, json, pkgutil, sys
from traitlets.config import Configurable
import jupyterhub, jupyterhub.app, jupyterhub.auth, jupyterhub.spawner
import kubespawner, oauthenticator
out = {}
def add(cls):
    if inspect.isclass(cls) and issubclass(cls, Configurable):
        out[cls.__name__] = {
            "mro": [c.__name__ for c in cls.__mro__
                    if isinstance(c, type) and issubclass(c, Configurable)],
            "bases": [b.__name__ for b in cls.__bases__ if issubclass(b, Configurable)],
            "traits": sorted(cls.class_trait_names(config=True)),
        }
modules = [jupyterhub.app, jupyterhub.auth, jupyterhub.spawner, kubespawner]
for m in pkgutil.iter_modules(oauthenticator.__path__):
    if not m.name.startswith("tests"):
        try:
            modules.append(importlib.import_module("oauthenticator." + m.name))
        except ImportError as e:
            print("skipping oauthenticator." + m.name, e, file=sys.stderr)
for mod in modules:
    for obj in list(vars(mod).values()):
        add(obj)
versions = {
    "jupyterhub": jupyterhub.__version__,
    "jupyterhub-kubespawner": getattr(kubespawner, "__version__", "?"),
    "oauthenticator": oauthenticator.__version__,
}
print(json.dumps({"versions": versions, "classes": out}))
"""
# Traits on the default branch of a package but in no release yet, that deployments use
# through images built from it (2i2c's oauthenticator-latest): name -> (traits, source).
UNRELEASED = {
    "GoogleOAuthenticator": (
        ["allowed_hosted_domains"],
        "jupyterhub/oauthenticator pull request #828, merged 2026-07",
    ),
}
# Configurables of the hub process that nobody sets through hub.config.
SKIP_CLASSES = {"NewToken", "UpgradeDB", "EventLog", "EventLogger", "PeriodicMetricsCollector",
                "Service", "SingletonConfigurable"}


def traits(args):
    import subprocess

    runs = []
    for py in args.python:
        text = subprocess.run(
            [py, "-c", INTROSPECT], check=True, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(text))
    flat = {}
    bases = {}
    ancestors = {}
    # Later environments decide the class hierarchy; list the newest last.
    for run in runs:
        for name, info in run["classes"].items():
            if name in SKIP_CLASSES:
                continue
            flat.setdefault(name, set()).update(info["traits"])
            bases[name] = info["bases"]
            ancestors[name] = info["mro"][1:]
    for name, (extra, _) in UNRELEASED.items():
        flat[name].update(extra)
    classes = {}
    for name in sorted(flat):
        inherited = set()
        for a in ancestors[name]:
            inherited |= flat.get(a, set())
        entry = {"traits": sorted(flat[name] - inherited)}
        known_bases = [b for b in bases[name] if b in flat]
        if known_bases:
            entry["bases"] = known_bases
        classes[name] = entry
    doc = {
        "source": "config=True trait names, union over " + "; ".join(
            ", ".join(f"{k} {v}" for k, v in r["versions"].items()) for r in runs
        )
        + "; unreleased: "
        + "; ".join(f"{c}.{', '.join(t)} ({src})" for c, (t, src) in UNRELEASED.items()),
        "classes": classes,
    }
    text = json.dumps(doc, indent=0, separators=(",", ":"))
    with open(args.out, "w") as f:
        f.write(text + "\n")
    print(f"{len(classes)} classes, {sum(len(c['traits']) for c in classes.values())} own traits "
          f"-> {os.path.relpath(args.out)}")


def version_key(v):
    return tuple(int(x) for x in v.split("."))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--corpus",
        default=os.path.join(repo, "..", "shared", "corpus", "z2jh", "schemas"),
    )
    ap.add_argument(
        "--out", default=os.path.join(repo, "core", "data", "schemas", "jupyterhub.json")
    )
    if len(sys.argv) > 1 and sys.argv[1] == "traits":
        tp = argparse.ArgumentParser(prog="gen-schemas.py traits")
        tp.add_argument("--python", action="append", required=True)
        tp.add_argument(
            "--out", default=os.path.join(repo, "core", "data", "schemas", "traits.json")
        )
        return traits(tp.parse_args(sys.argv[2:]))
    args = ap.parse_args()
    releases = []
    for name in os.listdir(args.corpus):
        m = re.fullmatch(r"(\d+\.\d+\.\d+)\.values\.schema\.yaml", name)
        if m:
            releases.append(m.group(1))
    releases.sort(key=version_key)
    if not releases:
        sys.exit(f"no <release>.values.schema.yaml in {args.corpus}")
    table = Table()
    out = []
    for release in releases:
        with open(os.path.join(args.corpus, f"{release}.values.schema.yaml")) as f:
            schema = yaml.safe_load(f)
        out.append([release, table.node(schema, release)])
    doc = {
        "source": "jupyterhub/zero-to-jupyterhub-k8s jupyterhub/values.schema.yaml "
        "at each release tag; validation keywords only",
        "releases": out,
        "rows": table.rows,
    }
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    # One row per line keeps diffs between regenerations readable.
    text = text.replace(',"rows":[', ',"rows":[\n').replace("},{", "},\n{")
    with open(args.out, "w") as f:
        f.write(text + "\n")
    distinct = len({root for _, root in out})
    print(
        f"{len(releases)} releases ({distinct} distinct schemas), {len(table.rows)} rows, "
        f"{len(text)} bytes -> {os.path.relpath(args.out)}"
    )


if __name__ == "__main__":
    main()
