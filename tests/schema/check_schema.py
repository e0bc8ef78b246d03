#!/usr/bin/python3
"""Keeps scenarios/clvsim.schema.json and the scenario loader in agreement.

Run by ctest as `schema_check` with Debian's /usr/bin/python3 (the Debian
packages python3-jsonschema and python3-yaml provide the modules):

    /usr/bin/python3 tests/schema/check_schema.py --clvsim build/clvsim --root .

Checks, each failure naming the file and the JSON path:
  (a) the schema is a valid draft-07 schema, every property in it has a
      description, and every mapping the loader reads with a fixed key list
      (`.map({...})` in engine/*_loader.cpp) has an object in the schema with
      exactly those keys, and the other way round;
  (b) every shipped scenario, scenarios/*.yaml, validates and starts with
      the modeline that points editors at the schema;
  (c) the schema and `clvsim validate` agree: every file in tests/data/good/
      passes both; every file in tests/data/bad/ is listed below exactly once,
      either in SCHEMA_REJECTS (the schema must reject it, for the listed
      reason at the listed path, and the loader must exit 2), in LOADER_ONLY
      (the loader must exit 2; the schema cannot judge it, and must accept
      it, so a schema that learns to reject it says the file should move),
      or in VALID_BASES (valid files the --set cases of test_bad_scenarios
      break; both must accept them); plus the inline NUMBER_FORMS cases on
      how YAML scalars are read;
  (d) the resolved form of every shipped scenario (`clvsim validate FILE
      --print`) validates too.
"""

import argparse
import json
import math
import pathlib
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml


# --- Reading YAML the way clvsim reads it -----------------------------------
#
# The loader (yaml-cpp) keeps every scalar as text and interprets it itself:
# numbers as the decimal text std::from_chars reads (an optional sign, digits,
# a decimal point, an exponent: 40000, 4e4, 40000.0, +.5, 5.), booleans as
# true/True/TRUE/false/False/FALSE only, and ~, null, Null, NULL or nothing as
# no value; a quoted scalar is always text. PyYAML's safe_load follows YAML
# 1.1 instead, which would make this test disagree with the loader for the
# wrong reasons: 1e6 and 1e-3 are strings there (1.1 floats need a '.'), yes/no/
# on/off are booleans, 017 is octal 15, 0x10 is 16, 1_000 is 1000, 1:30 is 90,
# 2024-01-01 is a date, and `<<` merges mappings. So the test reads scenarios
# with its own resolver that mirrors the loader's rules deliberately: anything
# else (yes, 0x10, 1_000, inf, 2024-01-01, <<) stays a string, which the
# schema then rejects where a number, boolean or known key is expected, as the
# loader does. Editors using yaml-language-server read YAML 1.2's core schema,
# which is the same except that 0x10 and 0o17 are integers there (the schema's
# description lists them among what only the loader rejects).
# Mapping keys are always their text (the loader compares key text), and a
# duplicate key, which PyYAML would silently collapse to its last value, is an
# error as it is for the loader.

class ClvsimReader(yaml.SafeLoader):
    """A SafeLoader with the loader's scalar rules (see above)."""


ClvsimReader.yaml_implicit_resolvers = {}
ClvsimReader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
ClvsimReader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""])
ClvsimReader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
ClvsimReader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"
               r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))


def _construct_int(loader, node):
    return int(loader.construct_scalar(node), 10)  # 017 is 17, as for clvsim


def _construct_float(loader, node):
    text = loader.construct_scalar(node)
    word = text.lower().lstrip("+")
    if word in (".inf", "-.inf"):
        return -math.inf if word.startswith("-") else math.inf
    if word == ".nan":
        return math.nan
    return float(text)  # 1e400 is inf here; both the schema and clvsim reject it


def _construct_mapping(loader, node, deep=False):
    mapping = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key is not a plain name", key_node.start_mark)
        key = key_node.value
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f'key "{key}" is given twice', key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_map(loader, node):
    data = {}
    yield data
    data.update(_construct_mapping(loader, node))


ClvsimReader.add_constructor("tag:yaml.org,2002:int", _construct_int)
ClvsimReader.add_constructor("tag:yaml.org,2002:float", _construct_float)
ClvsimReader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def read_scenario(text):
    """The scenario document; yaml.YAMLError like clvsim's YAML errors."""
    docs = list(yaml.load_all(text, Loader=ClvsimReader))
    # clvsim allows empty documents after the scenario, not a second one.
    if any(doc is not None for doc in docs[1:]):
        raise yaml.YAMLError("a second YAML document follows the scenario")
    return docs[0] if docs else None


# The first line of every shipped scenario: yaml-language-server's modeline.
MODELINE = "# yaml-language-server: $schema=clvsim.schema.json"


# --- The bad files ------------------------------------------------------------
#
# Each file of tests/data/bad/ in exactly one list; a new file in none of them
# fails the test until it is classified.

# file: (JSON path, schema keyword) of an error the schema must report, i.e.
# the reason it is rejected. A path of "$" is the whole document.
SCHEMA_REJECTS = {
    "alpha_zero.yaml": ("$.segments[0].churn.sbg.alpha", "exclusiveMinimum"),
    "beta_negative.yaml": ("$.segments[0].churn.sbg.beta", "exclusiveMinimum"),
    "budget_missing_per_period.yaml": ("$.strategies[0].budget", "required"),
    "budget_per_period_inf.yaml": ("$.strategies[0].budget.per_period", "maximum"),
    "budget_per_period_negative.yaml": ("$.strategies[0].budget.per_period", "minimum"),
    "budget_per_period_word.yaml": ("$.strategies[0].budget.per_period", "type"),
    "budget_scalar.yaml": ("$.strategies[0].budget", "type"),
    "budget_unknown_key.yaml": ("$.strategies[0].budget", "additionalProperties"),
    "budget_unknown_rank_by.yaml": ("$.strategies[0].budget.rank_by", "enum"),
    "churn_both_models.yaml": ("$.segments[0].churn", "oneOf"),
    "churn_no_model.yaml": ("$.segments[0].churn", "oneOf"),
    "cost_to_serve_negative.yaml": ("$.segments[0].cost_to_serve", "minimum"),
    "customers_fraction.yaml": ("$.segments[0].customers", "type"),
    "customers_negative.yaml": ("$.segments[0].customers", "minimum"),
    "customers_too_many.yaml": ("$.segments[0].customers", "maximum"),
    "discount_absurd.yaml": ("$.discount_rate", "maximum"),
    "discount_minus_inf.yaml": ("$.discount_rate", "minimum"),
    "discount_negative.yaml": ("$.discount_rate", "minimum"),
    "duplicate_level.yaml": ("$.relationship.levels", "uniqueItems"),
    "empty_file.yaml": ("$", "type"),
    "geometric_above_one.yaml": ("$.segments[0].churn.geometric", "maximum"),
    "heterogeneity_zero.yaml": ("$.segments[0].revenue.heterogeneity", "exclusiveMinimum"),
    "horizon_string.yaml": ("$.horizon", "type"),
    "horizon_too_long.yaml": ("$.horizon", "maximum"),
    "horizon_zero.yaml": ("$.horizon", "minimum"),
    "ladder_up_negative.yaml": ("$.relationship.up", "minimum"),
    "level_multiplier_negative.yaml": ("$.relationship.revenue[1]", "minimum"),
    "margin_above_one.yaml": ("$.segments[0].margin", "maximum"),
    "margin_negative.yaml": ("$.segments[0].margin", "minimum"),
    "margin_null.yaml": ("$.segments[0].margin", "type"),
    "mean_inf.yaml": ("$.segments[0].revenue.mean", "maximum"),
    "missing_assign.yaml": ("$.strategies[0]", "oneOf"),
    "missing_baseline.yaml": ("$.compare", "required"),
    "missing_churn.yaml": ("$.segments[0]", "required"),
    "missing_customers.yaml": ("$.segments[0]", "required"),
    "missing_horizon.yaml": ("$", "required"),
    "missing_levels.yaml": ("$.relationship", "required"),
    "missing_name.yaml": ("$", "required"),
    "missing_revenue_mean.yaml": ("$.segments[0].revenue", "required"),
    "missing_sbg_beta.yaml": ("$.segments[0].churn.sbg", "required"),
    "missing_segment_name.yaml": ("$.segments[0]", "required"),
    "missing_segments.yaml": ("$", "required"),
    "missing_treatment_cost.yaml": ("$.treatments[0]", "required"),
    "name_list.yaml": ("$.name", "type"),
    "name_with_dot.yaml": ("$.segments[0].name", "pattern"),
    "no_segments.yaml": ("$.segments", "minItems"),
    "no_strategies.yaml": ("$.strategies", "minItems"),
    "noise_negative.yaml": ("$.segments[0].revenue.noise", "exclusiveMinimum"),
    "per_period_absurd.yaml": ("$.segments[0].acquisition.per_period", "maximum"),
    "per_period_fraction.yaml": ("$.segments[0].acquisition.per_period", "type"),
    "per_period_negative.yaml": ("$.segments[0].acquisition.per_period", "minimum"),
    "poisson_not_bool.yaml": ("$.segments[0].acquisition.poisson", "type"),
    "quoted_number.yaml": ("$.segments[0].revenue.mean", "type"),
    "redefine_none.yaml": ("$.treatments[0].name", "not"),
    "replications_zero.yaml": ("$.simulation.replications", "minimum"),
    "response_moves_without_ladder.yaml": ("$.response.retail.call.up", "not"),
    "response_multiplier_negative.yaml": ("$.response.retail.call.churn", "minimum"),
    # propertyNames errors carry the failing keyword inside it and the map's path.
    "response_to_none.yaml": ("$.response.retail", "not"),
    "revenue_absurd.yaml": ("$.segments[0].revenue.mean", "maximum"),
    "revenue_list.yaml": ("$.segments[0].revenue", "type"),
    "revenue_negative.yaml": ("$.segments[0].revenue.mean", "minimum"),
    "rules_and_assign.yaml": ("$.strategies[0]", "oneOf"),
    "rules_empty.yaml": ("$.strategies[0].rules", "minItems"),
    "rules_empty_when.yaml": ("$.strategies[0].rules[0].when", "minProperties"),
    "rules_last_revenue_negative.yaml": ("$.strategies[0].rules[0].when.last_revenue_at_least", "minimum"),
    "rules_level_without_ladder.yaml": ("$.strategies[0].rules[0].when.level_at_least", "not"),
    "rules_mapping.yaml": ("$.strategies[0].rules", "type"),
    "rules_missing_treatment.yaml": ("$.strategies[0].rules[0]", "required"),
    "rules_segment_empty_list.yaml": ("$.strategies[0].rules[0].when.segment", "minItems"),
    "rules_segment_twice.yaml": ("$.strategies[0].rules[0].when.segment", "uniqueItems"),
    "rules_tenure_fraction.yaml": ("$.strategies[0].rules[0].when.tenure_at_least", "type"),
    "rules_tenure_negative.yaml": ("$.strategies[0].rules[0].when.tenure_at_most", "minimum"),
    "rules_unknown_condition.yaml": ("$.strategies[0].rules[0].when", "additionalProperties"),
    "rules_unknown_rule_key.yaml": ("$.strategies[0].rules[0]", "additionalProperties"),
    "seed_fraction.yaml": ("$.simulation.seed", "type"),
    "seed_negative.yaml": ("$.simulation.seed", "minimum"),
    "seed_too_big.yaml": ("$.simulation.seed", "maximum"),
    "segment_named_default.yaml": ("$.segments[0].name", "not"),
    "segments_mapping.yaml": ("$.segments", "type"),
    "top_level_list.yaml": ("$", "type"),
    "treatment_cost_negative.yaml": ("$.treatments[0].cost", "minimum"),
    "unknown_acquisition_key.yaml": ("$.segments[0].acquisition", "additionalProperties"),
    "unknown_churn_key.yaml": ("$.segments[0].churn", "additionalProperties"),
    "unknown_compare_key.yaml": ("$.compare", "additionalProperties"),
    "unknown_relationship_key.yaml": ("$.relationship", "additionalProperties"),
    "unknown_response_field.yaml": ("$.response.retail.call", "additionalProperties"),
    "unknown_revenue_key.yaml": ("$.segments[0].revenue", "additionalProperties"),
    "unknown_sbg_key.yaml": ("$.segments[0].churn.sbg", "additionalProperties"),
    "unknown_segment_key.yaml": ("$.segments[0]", "additionalProperties"),
    "unknown_simulation_key.yaml": ("$.simulation", "additionalProperties"),
    "unknown_strategy_key.yaml": ("$.strategies[0]", "additionalProperties"),
    "unknown_top_key.yaml": ("$", "additionalProperties"),
    "unknown_treatment_key.yaml": ("$.treatments[0]", "additionalProperties"),
}

REFERENCE = "a reference to a name defined elsewhere in the file"
UNIQUE = ("names unique among list items (uniqueItems compares whole items, "
          "not their name field)")
# file: why only the loader can reject it.
LOADER_ONLY = {
    "acquisition_overflow.yaml": "customers + per_period x (horizon - 1) over the "
                                 "per-segment limit: arithmetic across keys",
    "assign_unknown_segment.yaml": REFERENCE,
    "assign_unknown_treatment.yaml": REFERENCE,
    "duplicate_segment.yaml": UNIQUE,
    "duplicate_strategy.yaml": UNIQUE,
    "duplicate_treatment.yaml": UNIQUE,
    "ladder_moves_sum.yaml": "up + down <= 1: arithmetic across keys",
    "level_count_mismatch.yaml": "one multiplier per level: a list length that "
                                 "depends on another list",
    "margin_nan.yaml": "NaN: JSON has no NaN and every comparison with NaN is "
                       "false, so minimum/maximum let it through",
    "response_moves_sum.yaml": "the response's up + the ladder's default down "
                               "<= 1: arithmetic across sections",
    "response_unknown_segment.yaml": REFERENCE,
    "response_unknown_treatment.yaml": REFERENCE,
    "rules_after_catch_all.yaml": "a rule after a catch-all can never match: "
                                  "JSON Schema cannot say 'only the last item'",
    "rules_after_matches_everyone.yaml": "a rule after one that matches everyone "
                                         "(bounds at the ends of their range)",
    "rules_last_profit_bounds_reversed.yaml": "at_least <= at_most compares two values",
    "rules_level_bounds_reversed.yaml": "at_least <= at_most in the order of the levels",
    "rules_tenure_beyond_horizon.yaml": "tenure <= horizon - 1 depends on horizon",
    "rules_tenure_bounds_reversed.yaml": "at_least <= at_most compares two values",
    "rules_unknown_level.yaml": REFERENCE,
    "rules_unknown_segment.yaml": REFERENCE,
    "rules_unknown_segment_in_list.yaml": REFERENCE,
    "rules_unknown_treatment.yaml": REFERENCE,
    "rules_value_so_far_bounds_reversed.yaml": "at_least <= at_most compares two values",
    "unknown_baseline.yaml": REFERENCE,
    "unknown_start_level.yaml": REFERENCE,
    # Not a single valid YAML mapping: the YAML reader itself refuses these,
    # as yaml-language-server reports them as YAML errors before any schema.
    "duplicate_key.yaml": "YAML: a key given twice",
    "second_document.yaml": "YAML: a second document",
    "tab_indentation.yaml": "YAML: syntax (a tab in indentation)",
    "yaml_bad_indentation.yaml": "YAML: syntax (bad indentation)",
    "yaml_syntax_error.yaml": "YAML: syntax (a stray '}')",
    "yaml_unclosed_bracket.yaml": "YAML: syntax (an unclosed '[')",
    "yaml_stray_comma.yaml": "YAML: syntax (a stray comma, on which yaml-cpp 0.7 would loop forever)",
}

# Valid files in tests/data/bad/: the --set cases of test_bad_scenarios break them.
VALID_BASES = {
    "set_target.yaml": "the base of the set_* --set cases",
    "budget_set_target.yaml": "the base of the budget_set_* --set cases",
}

# How scalars are read, beyond the files: (label, scenario text, whether
# clvsim accepts it). Each must get the same verdict from the schema.
_HEAD = "name: forms\nhorizon: 12\n"
_SEG = ("segments:\n  - name: retail\n    customers: {customers}\n"
        "    churn: {{geometric: {p}}}\n    revenue: {{mean: 10}}\n")


def _scenario(customers="100", p="0.05", extra=""):
    return _HEAD + _SEG.format(customers=customers, p=p) + extra


NUMBER_FORMS = [
    # Whole numbers in floating-point notation (YAML 1.1 reads 4e4 as a string).
    ("whole number as 4e4", _scenario(customers="4e4"), True),
    ("whole number as 40000.0", _scenario(customers="40000.0"), True),
    ("whole number with a sign", _scenario(customers="+100"), True),
    ("fraction where a whole number is needed", _scenario(customers="1e-1"), False),
    # Decimal forms from_chars reads; 5e-2 is a string in YAML 1.1.
    ("probability as 5e-2", _scenario(p="5e-2"), True),
    ("probability as .5", _scenario(p=".5"), True),
    ("probability as +.5", _scenario(p="+.5"), True),
    ("number as 1.", _scenario(p="1."), True),
    ("discount_rate 1e-3", _scenario(extra="discount_rate: 1e-3\n"), True),
    # Leading zeros are decimal (YAML 1.1 reads 017 as octal 15).
    ("horizon 017", _scenario().replace("horizon: 12", "horizon: 017"), True),
    # Forms YAML readers turn into numbers or booleans that clvsim does not.
    ("hexadecimal", _scenario().replace("horizon: 12", "horizon: 0xC"), False),
    ("underscore digits", _scenario(customers="1_000"), False),
    ("sexagesimal", _scenario(customers="1:30"), False),
    ("the word inf", _scenario(extra="discount_rate: inf\n"), False),
    ("quoted number", _scenario(customers='"100"'), False),
    ("yes as a boolean", _scenario(extra="    acquisition: {per_period: 5, poisson: yes}\n"), False),
    ("True as a boolean", _scenario(extra="    acquisition: {per_period: 2.5, poisson: True}\n"), True),
    ("no value", _scenario(extra="discount_rate: ~\n"), False),
    ("merge key", _scenario(extra="simulation:\n  <<: {seed: 3}\n"), False),
    # Names are text: an unquoted whole number or a date is a name too.
    ("numeric names", _scenario().replace("name: forms", "name: 2024")
     .replace("name: retail", "name: 2024"), True),
    ("date as description", _scenario(extra="description: 2024-01-01\n"), True),
    ("name 1.5 contains a '.'", _scenario().replace("name: retail", "name: 1.5"), False),
]


# --- Checking -----------------------------------------------------------------

class Failures:
    def __init__(self):
        self.items = []

    def add(self, where, what):
        self.items.append(f"{where}: {what}")
        print(f"FAIL {where}: {what}", flush=True)


def json_path(parts):
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def all_errors(validator, instance):
    """Every error, including those under oneOf/anyOf/allOf/not."""
    pending = list(validator.iter_errors(instance))
    out = []
    while pending:
        error = pending.pop()
        out.append(error)
        pending.extend(error.context or [])
    return out


def describe_errors(errors, limit=3):
    shown = sorted(errors, key=lambda e: (len(e.absolute_path), json_path(e.absolute_path)))
    text = "; ".join(f"{json_path(e.absolute_path)}: {e.message} ({e.validator})"
                     for e in shown[:limit])
    return text + (f"; and {len(shown) - limit} more" if len(shown) > limit else "")


def run_clvsim(clvsim, path, *extra):
    return subprocess.run([clvsim, "validate", str(path), *extra],
                          capture_output=True, text=True, timeout=60)


def loader_exit(clvsim, path):
    result = run_clvsim(clvsim, path)
    return result.returncode, (result.stderr or result.stdout).strip()


def top_errors(validator, instance):
    return list(validator.iter_errors(instance))


def check_schema_itself(schema, root, failures):
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        failures.add("scenarios/clvsim.schema.json", f"not a valid draft-07 schema: {e.message} "
                     f"at {json_path(e.absolute_path)}")
        return

    # Every property has a description (conditions under if/then/else only
    # restate properties described where they are declared).
    object_key_sets = []

    def walk(node, where, conditional=False):
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                if node.get("additionalProperties") is False:
                    object_key_sets.append((frozenset(props), where))
                for key, sub in props.items():
                    if isinstance(sub, dict) and "description" not in sub and not conditional:
                        failures.add("scenarios/clvsim.schema.json",
                                     f"{where}.properties.{key} has no description")
            for key, sub in node.items():
                walk(sub, f"{where}.{key}", conditional or key in ("if", "then", "else"))
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]", conditional)

    walk(schema, "$")

    # The loader's fixed key lists, read from its source: CheckedNode::map({...}).
    loader_sets = []
    for name in ("scenario_loader.cpp", "strategy_loader.cpp"):
        source = (root / "engine" / name).read_text()
        for m in re.finditer(r"\bmap\(\s*\{([^}]*)\}\s*\)", source):
            keys = frozenset(re.findall(r'"([^"]+)"', m.group(1)))
            line = source.count("\n", 0, m.start()) + 1
            loader_sets.append((keys, f"engine/{name}:{line}"))
    if len(loader_sets) < 10:
        failures.add("engine/*_loader.cpp", f"found only {len(loader_sets)} map({{...}}) "
                     "key lists; has the loader changed how it reads mappings?")
    schema_sets = {keys for keys, _ in object_key_sets}
    for keys, where in loader_sets:
        if keys not in schema_sets:
            failures.add(where, f"the loader accepts exactly the keys {sorted(keys)}, "
                         "but no object of the schema has exactly these properties")
    loader_key_sets = {keys for keys, _ in loader_sets}
    for keys, where in object_key_sets:
        if keys not in loader_key_sets:
            failures.add(f"scenarios/clvsim.schema.json {where}",
                         f"properties {sorted(keys)} match no key list of the loader")


def read_file(path):
    """(document, None), or (None, the YAML error as one line)."""
    try:
        return read_scenario(path.read_text()), None
    except yaml.YAMLError as e:
        return None, str(e).replace("\n", " ")


def expect_valid(validator, instance, label, failures):
    errors = top_errors(validator, instance)
    for e in errors:
        failures.add(label, f"schema rejects it at {json_path(e.absolute_path)}: "
                     f"{e.message} ({e.validator})")
    return not errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clvsim", required=True, help="the clvsim program")
    parser.add_argument("--root", required=True, help="the source tree")
    args = parser.parse_args()
    root = pathlib.Path(args.root)
    clvsim = args.clvsim
    failures = Failures()
    counts = {}

    schema = json.loads((root / "scenarios" / "clvsim.schema.json").read_text())
    check_schema_itself(schema, root, failures)
    validator = jsonschema.Draft7Validator(schema)

    # (b) and (d): the shipped scenarios and their resolved form.
    shipped = sorted((root / "scenarios").glob("*.yaml"))
    if not shipped:
        failures.add("scenarios/", "no *.yaml files")
    for path in shipped:
        label = str(path.relative_to(root))
        if path.read_text().split("\n", 1)[0] != MODELINE:
            failures.add(label + ":1", f"the first line is not the editor modeline `{MODELINE}`")
        data, error = read_file(path)
        if error:
            failures.add(label, f"cannot be read as YAML: {error}")
            continue
        expect_valid(validator, data, label, failures)
        code, message = loader_exit(clvsim, path)
        if code != 0:
            failures.add(label, f"clvsim validate exits {code}: {message}")
        resolved = run_clvsim(clvsim, path, "--print")
        if resolved.returncode != 0:
            failures.add(label + " --print", f"exits {resolved.returncode}: {resolved.stderr.strip()}")
            continue
        try:
            expect_valid(validator, read_scenario(resolved.stdout), label + " (resolved by --print)", failures)
        except yaml.YAMLError as e:
            failures.add(label + " (resolved by --print)", f"cannot be read as YAML: {e}")
    counts["shipped scenarios (and their resolved form)"] = len(shipped)

    # (c) good files: both accept.
    good = sorted((root / "tests" / "data" / "good").glob("*.yaml"))
    for path in good:
        label = str(path.relative_to(root))
        data, error = read_file(path)
        if error:
            failures.add(label, f"cannot be read as YAML: {error}")
        else:
            expect_valid(validator, data, label, failures)
        code, message = loader_exit(clvsim, path)
        if code != 0:
            failures.add(label, f"clvsim validate exits {code}: {message}")
    counts["good files"] = len(good)

    # (c) bad files: each in exactly one list.
    bad_dir = root / "tests" / "data" / "bad"
    bad = sorted(p.name for p in bad_dir.glob("*.yaml"))
    lists = {"SCHEMA_REJECTS": SCHEMA_REJECTS, "LOADER_ONLY": LOADER_ONLY,
             "VALID_BASES": VALID_BASES}
    for name in bad:
        homes = [list_name for list_name, files in lists.items() if name in files]
        if len(homes) != 1:
            failures.add(f"tests/data/bad/{name}",
                         "is in none of SCHEMA_REJECTS, LOADER_ONLY, VALID_BASES of "
                         "tests/schema/check_schema.py; add it to the one that fits"
                         if not homes else f"is in more than one list: {', '.join(homes)}")
    for list_name, files in lists.items():
        for name in files:
            if name not in bad:
                failures.add(f"tests/data/bad/{name}", f"is listed in {list_name} but does not exist")

    for name in bad:
        path = bad_dir / name
        label = f"tests/data/bad/{name}"
        data, read_error = read_file(path)
        code, message = loader_exit(clvsim, path)
        if name in VALID_BASES:
            if read_error:
                failures.add(label, f"cannot be read as YAML: {read_error}")
            else:
                expect_valid(validator, data, label, failures)
            if code != 0:
                failures.add(label, f"clvsim validate exits {code}, expected 0: {message}")
            continue
        if code != 2:
            failures.add(label, f"clvsim validate exits {code}, expected 2: {message}")
        if name in SCHEMA_REJECTS:
            want_path, want_keyword = SCHEMA_REJECTS[name]
            if read_error:
                failures.add(label, f"expected the schema to reject it at {want_path}, "
                             f"but it is not YAML: {read_error}")
                continue
            errors = all_errors(validator, data)
            if not errors:
                failures.add(label, f"the schema accepts it; expected `{want_keyword}` "
                             f"to reject it at {want_path} (clvsim says: {message})")
            elif not any(json_path(e.absolute_path) == want_path and e.validator == want_keyword
                         for e in errors):
                failures.add(label, f"the schema rejects it, but not by `{want_keyword}` at "
                             f"{want_path}; it says: {describe_errors(errors)}")
        elif name in LOADER_ONLY:
            reason = LOADER_ONLY[name]
            if reason.startswith("YAML:"):
                if not read_error:
                    failures.add(label, f"listed as a YAML error ({reason}) but reads as YAML")
            elif read_error:
                failures.add(label, f"cannot be read as YAML: {read_error}")
            else:
                errors = top_errors(validator, data)
                if errors:
                    failures.add(label, "listed as loader only, but the schema now rejects it "
                                 f"({describe_errors(errors)}); move it to SCHEMA_REJECTS")
    counts["bad files"] = len(bad)

    # (c) how scalars are read.
    with tempfile.TemporaryDirectory(prefix="clvsim-schema-") as tmp:
        for i, (what, text, accepted) in enumerate(NUMBER_FORMS):
            path = pathlib.Path(tmp) / f"form{i}.yaml"
            path.write_text(text)
            label = f"number form '{what}'"
            code, message = loader_exit(clvsim, path)
            if code != (0 if accepted else 2):
                failures.add(label, f"clvsim validate exits {code}, expected "
                             f"{0 if accepted else 2}: {message}")
            try:
                errors = top_errors(validator, read_scenario(text))
            except yaml.YAMLError as e:
                failures.add(label, f"cannot be read as YAML: {e}")
                continue
            if accepted and errors:
                failures.add(label, f"clvsim accepts it but the schema rejects it: "
                             f"{describe_errors(errors)}")
            if not accepted and not errors:
                failures.add(label, f"clvsim rejects it ({message}) but the schema accepts it")
    counts["number forms"] = len(NUMBER_FORMS)

    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    if failures.items:
        print(f"schema_check: {len(failures.items)} failure(s) ({summary})")
        return 1
    print(f"schema_check: ok ({summary}; {len(SCHEMA_REJECTS)} bad files the schema "
          f"rejects, {len(LOADER_ONLY)} only the loader, {len(VALID_BASES)} valid bases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
