#!/usr/bin/env python3
"""Seeded generator of jupyterhub values documents for the differential test against Helm.

Two families, each document a YAML text whose first line maps it to the jupyterhub chart
(`# hublint: chart=jupyterhub`):

- `yaml`: YAML 1.1 forms helm's go-yaml reads its own way — scalars (booleans `y`/`on`,
  integers with `_`, octal `0123`/`0o17`, hex, sexagesimal `1:20`, floats, `.inf`/`.nan`,
  timestamps, nulls), every quoting style, block and flow collections, block scalars with
  chomping indicators, anchors, aliases and merge keys, tags, escapes, comments, several
  documents, a BOM, CRLF line ends, non-ASCII, deep nesting, duplicate keys — then, for some,
  one damage to the text (a tab in the indentation, a line indented wrong, a bracket or quote
  left open, a stray `:`). Scalars land both in free-form values (`custom`) and at keys whose
  schema type tells how helm typed them (`hub.image.tag` is a string, `debug.enabled` a
  boolean, ...), so a reading difference shows up as a verdict difference.
- `schema`: real values files of the corpus (2i2c hubs' and `wild/` configs, the jupyterhub
  part), mutated against the chart schema: unknown and misspelt keys, values of the wrong
  type, values outside an `enum`, a required key deleted with `null`, defaults nulled out.

    gen_values.py --seed N --count N --out DIR [--corpus DIR] [--release R]

writes DIR/NNNNNN.yaml; as a module, `generate(seed, count, corpus, release)` yields
(family, text).
"""

from __future__ import annotations

import argparse
import json
import random
import string
from pathlib import Path

import yaml

# libyaml's C reader and writer when PyYAML has them (its wheels do): 10x quicker.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MODELINE = "# hublint: chart=jupyterhub\n"

BOOLS = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off",
         "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE", "tRue", "yEs", "oN"]
INTS = ["0", "-1", "+1", "42", "1_000", "1__0", "_1", "1_", "0123", "0o17", "0O17", "09", "08",
        "0x1F", "0X1f", "-0x1F", "0x_1F", "0b101", "-0b11", "0b", "1:20", "190:20:30", "-1:00",
        "1:60", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "00", "-0", "+0", "0x", "1_2_3", "0_7", "0b1_0"]
FLOATS = ["1.10", "1.", ".5", "-.5", "+.5", "1e3", "1E3", "1.0e+3", "1.0e-3", "1e+3", "6.8523015e+5",
          "685.230_15e+03", "1_000.5", "1:20.5", "0.", "-0.0", ".inf", ".Inf", ".INF", "-.inf",
          "+.inf", ".nan", ".NaN", ".NAN", "1.0", "2.50", "1e400", "1.7976931348623157e308",
          "4.9e-324", "1.2.3", "1e", "e3", ".e3", "1._5", "0.1_"]
NULLS = ["~", "null", "Null", "NULL", "nUll", ""]
TIMES = ["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
         "2001-12-15T02:59:43.1Z", "2002-1-1", "2024-02-30", "2001-12-14T21:59:43",
         "1999-99-99", "12:30:45"]
WORDS = ["abc", "latest", "v1.2.3", "4.4.0", "1.2.3-rc.1", "quay.io/org/img:tag", "a b",
         "x:y", "a: b", "a #b", "#c", "-", "--", "---", "...", "?", "? x", "@me", "`x`", "%x",
         "!x", "&a", "*a", "|", ">", "'", "\"", "[a", "{a", "a]", "a}", "a,b", "é", "日本語",
         "🙂", "a\\nb", "C:\\path", "^\\d+$", "=", "<<", "0xGG", "+", ".", "-.", "1 2",
         "true false", "null x", "~x", "a\tb"]
ESCAPES = ["\\t", "\\n", "\\x41", "\\u00e9", "\\U0001F600", "\\/", "\\q", "\\e", "\\0", "\\ ",
           "\\_", "\\N", "\\L", "\\P", "\\a", "\\v", "\\\"", "\\\\", "\\x4", "\\u12", "\\xZZ"]
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!custom", "!!binary", "!!map", "!!seq",
        "!!timestamp", "!<tag:yaml.org,2002:str>", "!", "!!python/name:x"]
# Keys whose schema type shows how helm typed a scalar (jupyterhub chart 4.x).
TYPED = [
    ("hub.image.tag", "string"),
    ("singleuser.defaultUrl", "string|null"),
    ("singleuser.cpu.limit", "number|null"),
    ("singleuser.memory.limit", "number|string|null"),
    ("debug.enabled", "boolean"),
    ("hub.concurrentSpawnLimit", "integer|null"),
    ("scheduling.userScheduler.replicas", "integer"),
    ("proxy.service.type", "enum"),
    ("singleuser.uid", "integer|null"),
    ("hub.db.type", "enum"),
]


def scalar_text(rng: random.Random) -> str:
    """A scalar in some YAML style, as it appears after `key: `."""
    pool = rng.choice([BOOLS, INTS, FLOATS, NULLS, TIMES, WORDS, WORDS])
    text = rng.choice(pool)
    style = rng.random()
    if style < 0.55:
        return text
    if style < 0.7:
        return "'" + text.replace("'", "''") + "'"
    if style < 0.85:
        body = text.replace("\\", "\\\\").replace('"', '\\"')
        if rng.random() < 0.4:
            body += rng.choice(ESCAPES)
        return '"' + body + '"'
    if style < 0.95:
        tag = rng.choice(TAGS)
        return f"{tag} {text}" if text else tag
    return rng.choice(["&a " + text, "*a", "&a", "! " + text])


def block_scalar(rng: random.Random, indent: str) -> str:
    head = rng.choice(["|", ">", "|-", ">-", "|+", ">+", "|2", ">1-", "|-2"])
    lines = [rng.choice(WORDS + INTS + BOOLS) for _ in range(rng.randint(0, 3))]
    body = "".join(f"{indent}  {line}\n" for line in lines)
    if rng.random() < 0.3:
        body += "\n"
    return head + "\n" + body


def key_text(rng: random.Random) -> str:
    k = rng.choice(["a", "b", "name", "key_1", "y", "n", "on", "yes", "1", "0x1F", "1.10", "null",
                    "~", "true", "é", "日本", "'q'", '"dq"', "a b", "a.b", "-x", "<<", "? c",
                    "Key", "x" * rng.randint(1, 30)])
    return k


def mapping(rng: random.Random, depth: int, indent: str, anchors: list[str]) -> str:
    """A block mapping of random entries at this indent."""
    out = []
    for _ in range(rng.randint(1, 4)):
        key = key_text(rng)
        r = rng.random()
        if r < 0.45 or depth <= 0:
            out.append(f"{indent}{key}: {scalar_text(rng)}\n")
        elif r < 0.6:
            out.append(f"{indent}{key}:\n" + mapping(rng, depth - 1, indent + "  ", anchors))
        elif r < 0.7:
            out.append(f"{indent}{key}: {block_scalar(rng, indent)}")
        elif r < 0.8:
            items = "".join(f"{indent}{rng.choice(['  ', ''])}- {scalar_text(rng)}\n"
                            for _ in range(rng.randint(1, 3)))
            out.append(f"{indent}{key}:\n{items}")
        elif r < 0.9:
            out.append(f"{indent}{key}: {flow(rng, depth - 1)}\n")
        else:
            name = rng.choice(["a", "b", "base"])
            if anchors and rng.random() < 0.5:
                use = rng.choice(anchors)
                if rng.random() < 0.5:
                    out.append(f"{indent}{key}:\n{indent}  <<: *{use}\n{indent}  extra: 1\n")
                else:
                    out.append(f"{indent}{key}: *{use}\n")
            else:
                anchors.append(name)
                out.append(f"{indent}{key}: &{name}\n" + mapping(rng, depth - 1, indent + "  ", anchors))
        if rng.random() < 0.1:
            out.append(f"{indent}# comment {rng.choice(WORDS)}\n")
    return "".join(out)


def flow(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.4:
        items = [scalar_text(rng) for _ in range(rng.randint(0, 3))]
        items = [i for i in items if not i.startswith(("|", ">"))]
        if rng.random() < 0.5:
            return "[" + ", ".join(items) + "]"
        return "{" + ", ".join(f"{key_text(rng)}: {i}" for i in items) + "}"
    inner = [flow(rng, depth - 1) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.5:
        return "[" + ", ".join(inner) + "]"
    return "{" + ", ".join(f"k{n}: {v}" for n, v in enumerate(inner)) + "}"


def typed_block(rng: random.Random) -> str:
    """One scalar at a key whose schema type shows how helm read it."""
    path, _ = rng.choice(TYPED)
    keys = path.split(".")
    out = ""
    for d, k in enumerate(keys[:-1]):
        out += "  " * d + k + ":\n"
    return out + "  " * (len(keys) - 1) + f"{keys[-1]}: {scalar_text(rng)}\n"


def damage(rng: random.Random, text: str) -> str:
    """One edit of the kind people make by hand."""
    lines = text.split("\n")
    body = [i for i, line in enumerate(lines) if line.strip() and not line.startswith("# hublint")]
    if not body:
        return text
    i = rng.choice(body)
    line = lines[i]
    stripped = line.lstrip(" ")
    lead = len(line) - len(stripped)
    kind = rng.randrange(9)
    if kind == 0:
        lines[i] = "\t" + stripped  # tab-indented
    elif kind == 1:
        lines[i] = " " * lead + "\t" + stripped
    elif kind == 2:
        lines[i] = " " * max(0, lead + rng.choice([-1, 1, 3])) + stripped
    elif kind == 3:
        lines[i] = line + rng.choice([" [", " {", " '", ' "', "]", "}", ": x", " :", " #x", "\t", " \t# c"])
    elif kind == 4:
        lines[i] = line.replace(": ", ":", 1)
    elif kind == 5:
        lines.insert(i, lines[i])  # duplicate key
    elif kind == 6:
        lines[i] = line + "\t"
    elif kind == 7:
        lines[i] = " " * lead + "- " + stripped
    else:
        lines[i] = line.replace(":", ": :", 1)
    return "\n".join(lines)


def yaml_document(rng: random.Random) -> str:
    parts = []
    r = rng.random()
    if r < 0.45:
        parts.append(typed_block(rng))
    if r > 0.25:
        parts.append("custom:\n" + mapping(rng, rng.randint(0, 4), "  ", []))
    if rng.random() < 0.05:
        depth = rng.randint(10, 60)
        parts.append("custom:\n" + "".join("  " * (d + 1) + f"k{d}:\n" for d in range(depth))
                     + "  " * (depth + 1) + "leaf: 1\n")
    if rng.random() < 0.05:
        parts.append("custom: " + "[" * rng.randint(5, 40) + "]" * rng.randint(5, 40) + "\n")
    text = "".join(parts) or "custom: {}\n"
    if rng.random() < 0.35:
        text = damage(rng, text)
    doc = MODELINE + text
    r = rng.random()
    if r < 0.04:
        doc = MODELINE + "---\n" + text + rng.choice(["---\n", "...\n", "---\nother: doc\n"])
    elif r < 0.06:
        doc = MODELINE + "%YAML 1.1\n---\n" + text
    if rng.random() < 0.05:
        doc = doc.replace("\n", "\r\n")
    if rng.random() < 0.04:
        doc = "\ufeff" + doc
    if rng.random() < 0.03:
        doc = doc.rstrip("\n")
    return doc


# ---- schema mutations of real values files ----

def corpus_values(corpus: Path) -> list[dict]:
    """The jupyterhub part of every readable values file of the corpus."""
    out = []
    files = sorted((corpus / "2i2c-infrastructure" / "config" / "clusters").glob("*/*.values.yaml"))
    files += sorted((corpus / "wild").rglob("*.yaml"))
    for f in files:
        if "enc-" in f.name or "secret" in f.name:
            continue
        try:
            doc = yaml.load(f.read_text(), Loader=LOADER)
        except Exception:
            continue
        if not isinstance(doc, dict):
            continue
        if isinstance(doc.get("basehub"), dict):
            doc = doc["basehub"]
        if isinstance(doc.get("jupyterhub"), dict):
            doc = doc["jupyterhub"]
        if any(k in doc for k in ("hub", "singleuser", "proxy", "prePuller", "scheduling", "cull")):
            out.append(json.loads(json.dumps(doc, default=str)))
    return out


def schema_paths(schema: dict, path=()):
    """(path, schema node) for every node under `properties`."""
    yield path, schema
    for k, v in (schema.get("properties") or {}).items():
        if isinstance(v, dict):
            yield from schema_paths(v, path + (k,))


def get_in(doc, path):
    for k in path:
        if not isinstance(doc, dict) or k not in doc:
            return None
        doc = doc[k]
    return doc


def set_in(doc: dict, path, value) -> None:
    for k in path[:-1]:
        if not isinstance(doc.get(k), dict):
            doc[k] = {}
        doc = doc[k]
    doc[path[-1]] = value


def wrong_value(rng: random.Random, types) -> object:
    candidates = {"string": "text", "integer": 3, "number": 2.5, "boolean": True,
                  "object": {"k": 1}, "array": [1], "null": None}
    allowed = set(types if isinstance(types, list) else [types])
    if "number" in allowed:
        allowed.add("integer")
    wrong = [v for k, v in candidates.items() if k not in allowed and k != "null"]
    return rng.choice(wrong) if wrong else "text"


def mutate(rng: random.Random, doc: dict, nodes: list) -> dict:
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
        path, node = rng.choice(nodes)
        kind = rng.randrange(7)
        if not path:
            continue
        if kind == 0:  # unknown key below an object
            parent = get_in(doc, path)
            if isinstance(parent, dict) or parent is None:
                set_in(doc, path + (rng.choice(["zzUnknown", "enabeld", "Name", "image_tag", "1"]),), 1)
        elif kind == 1 and "type" in node:  # wrong type
            set_in(doc, path, wrong_value(rng, node["type"]))
        elif kind == 2 and "enum" in node:
            set_in(doc, path, rng.choice(["NotAnOption", 7, True, node["enum"][0]]))
        elif kind == 3 and node.get("required"):
            set_in(doc, path + (rng.choice(node["required"]),), None)  # helm deletes the default
        elif kind == 4:
            set_in(doc, path, None)
        elif kind == 5 and isinstance(get_in(doc, path), dict):
            # a misspelt existing key
            keys = list(get_in(doc, path))
            if keys:
                k = rng.choice(keys)
                if len(k) > 2:
                    i = rng.randrange(len(k) - 1)
                    v = get_in(doc, path).pop(k)
                    get_in(doc, path)[k[:i] + k[i + 1] + k[i] + k[i + 2:]] = v
        elif kind == 6 and node.get("minimum") is not None:
            set_in(doc, path, node["minimum"] - rng.choice([1, 0.5]))
    return doc


def dump(rng: random.Random, doc: dict) -> str:
    r = rng.random()
    if r < 0.15:
        return json.dumps(doc, ensure_ascii=False) + "\n"
    return yaml.dump(doc, Dumper=DUMPER, sort_keys=False, allow_unicode=True,
                     default_flow_style=None if r < 0.3 else False, width=rng.choice([80, 10**6]))


def generate(seed: int, count: int, corpus: Path, release: str = "4.4.0", yaml_share: float = 0.7):
    rng = random.Random(seed)
    schema_file = corpus / "z2jh" / release / "values.schema.yaml"
    if not schema_file.exists():
        schema_file = corpus / "z2jh" / "schemas" / f"{release}.values.schema.yaml"
    schema = yaml.load(schema_file.read_text(), Loader=LOADER)
    nodes = list(schema_paths(schema))
    bases = corpus_values(corpus)
    for _ in range(count):
        if rng.random() < yaml_share or not bases:
            yield "yaml", yaml_document(rng)
        else:
            yield "schema", MODELINE + dump(rng, mutate(rng, rng.choice(bases), nodes))


def main() -> None:
    here = Path(__file__).resolve()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=here.parents[3] / "shared" / "corpus")
    ap.add_argument("--release", default="4.4.0")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for n, (_, text) in enumerate(generate(args.seed, args.count, args.corpus, args.release)):
        (args.out / f"{n:06d}.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))


if __name__ == "__main__":
    main()
