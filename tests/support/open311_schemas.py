"""The published Open311 GeoReport v2 JSON Schemas, to validate the endpoint's JSON against,
read where they are published for the project: `../shared/open311/` beside the repository (its
README asks that they are not copied in). Where that folder is missing, `check` cannot
validate: `PUBLISHED` says so, and tests/test_open311.py reports it as a skipped test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "open311"
PUBLISHED = (SCHEMAS / "swagger.json").is_file()
FILES = ("services", "service", "service-definition", "requests", "request")


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def _registry() -> Registry:
    return Registry().with_resources(
        (f"{name}.json", Resource.from_contents(_load(name), default_specification=DRAFT7))
        for name in FILES
    )


def _swagger_array(definition: str) -> dict[str, Any]:
    """An array of a definition of swagger.json (the answers that have no schema file of their
    own: the POST's and the token's)."""
    swagger = _load("swagger")
    return {"type": "array", "minItems": 1, "items": swagger["definitions"][definition]}


def validator(name: str) -> Draft7Validator:
    """The validator of `name`: a schema file (`requests`) or a swagger definition
    (`RequestResponse`, `TokenResponse`), as an array of it."""
    schema = _load(name) if name in FILES else _swagger_array(name)
    return Draft7Validator(schema, registry=_registry(), format_checker=FormatChecker())


def check(name: str, document: Any) -> Any:
    """`document` when it is valid against `name`; AssertionError naming every error.
    (Without the published schemas, `document` unchecked.)"""
    if not PUBLISHED:
        return document
    found = validator(name).iter_errors(document)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in found]
    assert not errors, (name, errors)
    return document
