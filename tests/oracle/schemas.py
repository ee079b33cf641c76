#!/usr/bin/env python3
"""Differential test of the schema validator: generated draft-07 schemas and instances,
Helm's verdict (its validator, santhosh-tekuri/jsonschema, through helm-python-sdk) against
hublint's (core's validator, through `core/examples/schema_verdicts.rs`).

    schemas.py --hublint BIN [--seed N] [--count N] [--per-schema N] [--work DIR] [--show N]

`--hublint` is the hublint binary; the example is built beside it (target/debug/examples).
Each schema uses a few of the keywords values schemas may use (type, enum, const, numbers'
bounds and multipleOf, string lengths, pattern, format, items in both forms, additionalItems,
contains, uniqueItems, properties, patternProperties, additionalProperties, required,
property counts, propertyNames, dependencies, allOf/anyOf/oneOf, not, if/then/else, local
$ref); instances are drawn near what the schema allows. Compared: valid or not. Also printed:
how often both name the same first error path (a figure, not gated: for a failed oneOf Helm
names the alternatives, hublint the error inside the one meant).
Last line: `helm-oracle-schemas: N passed, M failed`.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import helm_oracle  # noqa: E402

FORMATS = ["email", "hostname", "ipv4", "ipv6", "date", "time", "date-time", "uuid", "json-pointer",
           "relative-json-pointer", "duration", "regex", "uri", "uri-reference", "uri-template",
           "idn-email", "unknown-format"]
STRINGS = ["", "a", "ab", "abc", "é", "日本語", "a.b@example.org", "x@", "@x", "hub.example.org", "-bad-",
           "10.0.0.1", "256.1.1.1", "01.2.3.4", "::1", "fe80::1", "::g", "2024-01-02", "2024-02-30",
           "23:59:60Z", "12:00:00", "12:00:00+01:00", "2024-01-02T03:04:05Z", "2024-01-02t03:04:05.5+05:30",
           "0f8fad5b-d9cb-469f-a165-70867728950e", "/a/b", "/a~2", "0/a", "1#", "P1D", "PT", "P1W", "P1Y2M",
           "^a+$", "(", "[a-z]", "https://example.org/x", "x y", "relative/path", "{a}", "{", "Key", "key",
           "KEY1", "1234", "a-b_c", "LoadBalancer", "ClusterIP", " ", "a\nb", "%zz", "mailto:x@y"]
# Whole numbers stay below 2**53: Helm reads values as float64 but keeps a schema's numbers
# exact, so 9007199254740993 is not equal to itself there.
NUMBERS = [0, 1, -1, 2, 3, 7, 10, 100, 0.5, 1.5, -2.5, 0.1, 0.3, 1e3, 1.0, 2.0, 4294967296, 2**53 - 1]
PATTERNS = ["^[a-z]+$", "\\d", "^a", "[0-9]{2}", "^(ab|cd)$", "(?i)^key", "^[A-Z].*$", "b$", "^\\S+$",
            "^.{2,3}$", "\\p{L}", "^$", "^\\p{Lu}", "^[\\p{N}\\p{Ll}]+$", "\\P{Latin}", "(?i)^\\p{han}"]
KEYS = ["a", "b", "c", "name", "Key", "x1", "enabled", "1", "é", "ab"]


def canonical(v) -> str:
    """JSON text with whole floats as integers: equal values, equal text."""
    def norm(x):
        if isinstance(x, float) and x.is_integer():
            return int(x)
        if isinstance(x, list):
            return [norm(i) for i in x]
        if isinstance(x, dict):
            return {k: norm(i) for k, i in x.items()}
        return x
    return json.dumps(norm(v), sort_keys=True)


class Gen:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def schema(self, depth: int = 0) -> dict:
        r = self.rng
        s: dict = {}
        kind = r.choice(["string", "number", "integer", "array", "object", "mixed", "bool", "null"])
        if kind == "mixed":
            s["type"] = r.sample(["string", "number", "integer", "array", "object", "boolean", "null"], r.randint(1, 3))
        elif r.random() < 0.8:
            s["type"] = {"bool": "boolean"}.get(kind, kind)
        if kind in ("string", "mixed"):
            if r.random() < 0.3:
                s["minLength"] = r.randint(0, 3)
            if r.random() < 0.3:
                s["maxLength"] = r.randint(0, 4)
            if r.random() < 0.3:
                s["pattern"] = r.choice(PATTERNS)
            if r.random() < 0.4:
                s["format"] = r.choice(FORMATS)
        if kind in ("number", "integer", "mixed"):
            for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if r.random() < 0.2:
                    s[k] = r.choice([0, 1, 2, -1, 0.5, 10])
            if r.random() < 0.25:
                s["multipleOf"] = r.choice([1, 2, 3, 0.5, 0.1, 0.01])
        if kind in ("array", "mixed") and depth < 3:
            if r.random() < 0.2:
                s["items"] = [self.schema(depth + 1) for _ in range(r.randint(1, 2))]
                if r.random() < 0.5:
                    s["additionalItems"] = r.choice([False, True, self.schema(depth + 1)])
            elif r.random() < 0.6:
                s["items"] = self.schema(depth + 1)
            for k, lo, hi in (("minItems", 0, 2), ("maxItems", 0, 3)):
                if r.random() < 0.2:
                    s[k] = r.randint(lo, hi)
            if r.random() < 0.2:
                s["uniqueItems"] = r.choice([True, False])
            if r.random() < 0.15:
                s["contains"] = self.schema(depth + 1)
        if kind in ("object", "mixed") and depth < 3:
            keys = r.sample(KEYS, r.randint(0, 3))
            if keys:
                s["properties"] = {k: self.schema(depth + 1) for k in keys}
            if r.random() < 0.3:
                s["required"] = r.sample(KEYS[:5], r.randint(1, 2))
            if r.random() < 0.2:
                s["patternProperties"] = {r.choice(PATTERNS[:6]): self.schema(depth + 1)}
            if r.random() < 0.4:
                s["additionalProperties"] = r.choice([False, True, self.schema(depth + 1)])
            for k in ("minProperties", "maxProperties"):
                if r.random() < 0.15:
                    s[k] = r.randint(0, 3)
            if r.random() < 0.15:
                s["propertyNames"] = r.choice([{"maxLength": 2}, {"pattern": "^[a-z]+$"}, {"enum": KEYS[:4]}])
            if r.random() < 0.15:
                s["dependencies"] = {r.choice(KEYS[:4]): r.choice([r.sample(KEYS[:5], 1), self.schema(depth + 1)])}
        if r.random() < 0.12:
            # Unique entries: Helm accepts anything under a schema the draft-07 metaschema
            # rejects (duplicate `enum` or `required` entries), so such schemas test nothing.
            values = [self.value(None, 1) for _ in range(r.randint(1, 3))]
            s["enum"] = list({canonical(v): v for v in values}.values())
        if r.random() < 0.06:
            s["const"] = self.value(None, 1)
        if depth < 2:
            for k in ("allOf", "anyOf", "oneOf"):
                if r.random() < 0.08:
                    s[k] = [self.schema(depth + 1) for _ in range(r.randint(1, 3))]
            if r.random() < 0.06:
                s["not"] = self.schema(depth + 1)
            if r.random() < 0.08:
                s["if"] = self.schema(depth + 1)
                s["then"] = self.schema(depth + 1)
                if r.random() < 0.5:
                    s["else"] = self.schema(depth + 1)
        return s

    def value(self, schema: dict | None, depth: int):
        """A value near what `schema` allows (or anything, for None)."""
        r = self.rng
        t = None
        if schema and r.random() < 0.8:
            ty = schema.get("type")
            t = r.choice(ty) if isinstance(ty, list) else ty
            if "enum" in schema and r.random() < 0.5:
                return r.choice(schema["enum"])
            if "const" in schema and r.random() < 0.5:
                return schema["const"]
        t = t or r.choice(["string", "number", "integer", "array", "object", "boolean", "null"])
        if t == "string":
            return r.choice(STRINGS)
        if t == "number":
            return r.choice(NUMBERS)
        if t == "integer":
            return r.choice([n for n in NUMBERS if float(n).is_integer()])
        if t == "boolean":
            return r.choice([True, False])
        if t == "null" or depth > 3:
            return None
        if t == "array":
            items = (schema or {}).get("items")
            n = r.randint(0, 4)
            out = []
            for i in range(n):
                sub = items[i] if isinstance(items, list) and i < len(items) else (items if isinstance(items, dict) else None)
                out.append(self.value(sub, depth + 1))
            if out and r.random() < 0.2:
                out.append(out[0])  # a duplicate, for uniqueItems
            return out
        props = (schema or {}).get("properties") or {}
        keys = [k for k in props if r.random() < 0.7] + [k for k in KEYS if r.random() < 0.15]
        return {k: self.value(props.get(k), depth + 1) for k in dict.fromkeys(keys)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hublint", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=500, help="schemas")
    ap.add_argument("--per-schema", type=int, default=8, help="instances per schema")
    ap.add_argument("--work", type=Path, default=Path("/tmp/hublint-helm-oracle-schemas"))
    ap.add_argument("--show", type=int, default=20)
    ap.add_argument("--known", type=int, default=0,
                    help="differences tolerated (a ratchet for open gaps, README.md; default 0)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    gen = Gen(rng)
    cases = []
    for _ in range(args.count):
        schema = {"$schema": helm_oracle.DRAFT07, **gen.schema()}
        if rng.random() < 0.1:
            schema["definitions"] = {"d": gen.schema(1)}
            schema.setdefault("properties", {})["viaRef"] = {"$ref": "#/definitions/d"}
        # Not null at the top: Helm drops a null value before validating (values are maps).
        instances = [v if v is not None else {} for v in (gen.value(schema, 0) for _ in range(args.per_schema))]
        cases.append((schema, instances))

    t0 = time.perf_counter()
    oracle = helm_oracle.Oracle()
    helm = [oracle.validate_many(schema, instances) for schema, instances in cases]
    t_helm = time.perf_counter() - t0

    example = args.hublint.parent / "examples" / "schema_verdicts"
    args.work.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps({"schema": s, "instance": i}, ensure_ascii=False) + "\n"
                    for s, instances in cases for i in instances)
    (args.work / "cases.jsonl").write_text(lines)
    t0 = time.perf_counter()
    p = subprocess.run([str(example)], input=lines, capture_output=True, text=True)
    t_hub = time.perf_counter() - t0
    if p.returncode != 0:
        print(p.stderr[-2000:])
        print("helm-oracle-schemas: 0 passed, 1 failed")
        return 1
    hub = [json.loads(line)["errors"] for line in p.stdout.splitlines()]

    same = differ = same_path = 0
    shown = 0
    k = 0
    for (schema, instances), helm_errors in zip(cases, helm):
        for inst, h in zip(instances, helm_errors):
            u = hub[k]
            k += 1
            if bool(h) == bool(u):
                same += 1
                same_path += 1 if not h else 0
                continue
            differ += 1
            if shown < args.show:
                shown += 1
                print("--- schema:", json.dumps(schema))
                print("    instance:", json.dumps(inst, ensure_ascii=False))
                print("    helm:", h)
                print("    hublint:", u)
    print(f"schemas: {len(cases)}, instances: {k} (seed {args.seed}); helm {t_helm:.1f} s, hublint {t_hub:.1f} s")
    print(f"same verdict: {same}; different: {differ}")
    known = min(differ, args.known)
    if known:
        print(f"known open differences (tests/oracle/README.md): {known} of at most {args.known}")
    print(f"helm-oracle-schemas: {same + known} passed, {differ - known} failed")
    return 1 if differ > known else 0


if __name__ == "__main__":
    helm_oracle.ensure_sdk()
    sys.exit(main())
