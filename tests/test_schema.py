"""The JSON Schema of hubgen.yaml: shipped with the package, current, and true to real configs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, SITES, run_hubgen

from hubgen.schema import schema_text
from hubgen.yamlfile import load_yaml

SHIPPED = REPO / "hubgen/hubgen.schema.json"
# Hubs whose hubgen.yaml is meant to be valid (the broken ones are broken on purpose).
VALID_CONFIGS = [REPO / "hubgen.yaml"] + [
    path for path in sorted(SITES.glob("*/hubgen.yaml"))
    if not path.parent.name.startswith(("config-", "broken", "bad-"))]


def test_the_shipped_schema_is_the_one_the_code_makes(tmp_path):
    assert SHIPPED.read_text() == schema_text(), \
        "regenerate it: hubgen schema > hubgen/hubgen.schema.json"
    printed = run_hubgen("schema", cwd=tmp_path)
    assert printed.code == 0
    assert json.loads(printed.out) == json.loads(SHIPPED.read_text())
    jsonschema.Draft202012Validator.check_schema(json.loads(printed.out))


@pytest.mark.parametrize("path", VALID_CONFIGS, ids=lambda p: p.parent.name or "demo")
def test_the_demo_and_every_fixture_config_validate(path: Path):
    schema = json.loads(SHIPPED.read_text())
    # hubgen reads YAML 1.2 booleans (`on:` is a key, not True), so read it the same way.
    jsonschema.validate(load_yaml(path.read_text(), path), schema)


def test_a_typo_and_a_wrong_type_are_caught_by_the_schema():
    schema = json.loads(SHIPPED.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    config = {"title": "T", "url": "https://x.example/", "paginat": 5,
              "feeds": {"limit": "ten"}, "comments": {"provider": "disqs"}}
    messages = sorted(error.message for error in validator.iter_errors(config))
    assert any("'paginat' was unexpected" in m for m in messages)
    assert any("'ten' is not of type 'integer'" in m for m in messages)
    assert any("'disqs' is not one of" in m for m in messages)


def test_publish_targets_and_a_new_sites_config_are_described(tmp_path):
    validator = jsonschema.Draft202012Validator(json.loads(SHIPPED.read_text()))
    typo = {"title": "T", "url": "https://x.example/",
            "publish": {"pages": {"type": "gti", "repositry": "origin"}}}
    assert list(validator.iter_errors(typo))
    fine = {"title": "T", "url": "https://x.example/",
            "publish": {"default": "pages", "pages": {"type": "git", "branch": "gh-pages"},
                        "box": {"type": "rsync", "destination": "/srv/hub", "options": ["-z"]},
                        "cf": {"type": "cloudflare", "project": "hub"}}}
    assert not list(validator.iter_errors(fine))
    assert run_hubgen("new", "site", "fresh", cwd=tmp_path).code == 0
    config = tmp_path / "fresh/hubgen.yaml"
    jsonschema.validate(load_yaml(config.read_text(), config), json.loads(SHIPPED.read_text()))
