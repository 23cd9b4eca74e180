"""The JSON Schema of hubgen.yaml, made from the typed config schema and the comment providers,
so editors can complete and check the config (`hubgen schema` prints it)."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

from hubgen.comments import providers
from hubgen.comments.providers import PROVIDERS
from hubgen.comments.settings import LOADS, PLACES
from hubgen.config import LANGUAGE_TAG, Config, schema_keys
from hubgen.publish.targets import GitTarget, HostTarget, RsyncTarget

SCHEMA_ID = "https://hubgen.example/schema/hubgen.schema.json"

DESCRIPTIONS = {
    "title": "The hub's name.",
    "url": "Absolute http(s) URL of the published hub; may hold a subpath that every link keeps.",
    "description": "One sentence for the home page, feeds and meta tags.",
    "language": "The lang of every page and feed, e.g. en or en-GB, and the language of the "
                "theme's words and dates (i18n/LANG.yaml).",
    "timezone": "IANA timezone name; dates without an offset are read in it.",
    "author": "Default author of posts and feeds.",
    "brand": "The brand, and the people.yaml keys who speak for it.",
    "theme": "A folder of themes/, or the built-in default.",
    "output": "Where the site is written (default public).",
    "cache_dir": "The build cache, never inside the output.",
    "paginate": "Entries per page on the home, tag and conversation lists.",
    "permalinks": "URL patterns per kind of page; {slug}, and {year} {month} {day} for posts.",
    "feeds": "Which feeds are made and what they hold.",
    "comments": "The comment system under posts and threads.",
    "markdown": "More Python-Markdown extensions and their settings.",
    "avatars": "remote: true shows avatars hosted on other sites (a third-party request each).",
    "publish": "Where `hubgen publish` ships the site: named targets (git, rsync, netlify, "
               "cloudflare).",
    "menu": "The main navigation: a list of {title, url}.",
    "copyright": "A line for the footer.",
    "extra": "Free-form data for templates (site.extra).",
}


def _type_schema(kind: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(kind):
        return _object_schema(kind)
    origin = typing.get_origin(kind)
    if origin is tuple:
        item = _type_schema(typing.get_args(kind)[0])
        if item == {"type": "string"}:
            return {"oneOf": [{"type": "array", "items": item}, item]}
        return {"type": "array", "items": item}
    if kind is dict or origin is dict:
        return {"type": "object"}
    return {str: {"type": "string"}, int: {"type": "integer"},
            bool: {"type": "boolean"}}.get(kind, {})


def _object_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required = []
    for fld in dataclasses.fields(cls):
        if fld.name not in schema_keys(cls):
            continue
        schema = _type_schema(hints[fld.name])
        default = fld.default
        if default is not dataclasses.MISSING and isinstance(default, str | int | bool):
            schema["default"] = default
        if default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
            required.append(fld.name)
        properties[fld.name] = schema
    result: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        result["required"] = required
    return result


_SETTING_TYPES: dict[Any, dict[str, Any]] = {
    providers.flag_setting: {"type": "boolean"},
    providers.whole_setting: {"type": "integer", "minimum": 0},
    providers.text_setting: {"type": ["string", "integer"]},
    providers.disqus_shortname: {"type": ["string", "integer"],
                                 "pattern": f"^{providers.SHORTNAME}$"},
}


def _setting_schema(check: Any) -> dict[str, Any]:
    return dict(_SETTING_TYPES.get(check, {"type": "string"}))


def _comments_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "provider": {"enum": list(PROVIDERS), "description": "The comment system."},
        "load": {"enum": list(LOADS), "default": "click",
                 "description": "click: nothing loads until the reader asks."},
        "on": {"type": "array", "items": {"enum": list(PLACES)},
               "default": ["posts", "threads"]},
    }
    for name, provider in PROVIDERS.items():
        properties[name] = {
            "type": "object", "description": f"{provider.label}. Identity: {provider.identity}.",
            "properties": {key: {**_setting_schema(setting.check),
                                 **({"examples": [setting.example]} if setting.example else {})}
                           for key, setting in provider.settings.items()},
            "additionalProperties": False,
        }
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _publish_schema() -> dict[str, Any]:
    """Named targets; each one's settings by its type (the dataclasses of publish.targets)."""
    kinds = {"git": GitTarget, "rsync": RsyncTarget, "netlify": HostTarget,
             "cloudflare": HostTarget}
    variants = []
    for kind, cls in kinds.items():
        properties: dict[str, Any] = {"type": {"const": kind}}
        required = ["type"]
        for fld in dataclasses.fields(cls):
            if fld.name in ("name", "kind", "position"):
                continue
            properties[fld.name] = _type_schema(typing.get_type_hints(cls)[fld.name])
            if fld.default is dataclasses.MISSING and \
                    fld.default_factory is dataclasses.MISSING:
                required.append(fld.name)
        variants.append({"type": "object", "properties": properties, "required": required,
                         "additionalProperties": False})
    return {"type": "object", "properties": {"default": {"type": "string"}},
            "additionalProperties": {"oneOf": variants}}


def config_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of hubgen.yaml."""
    schema = _object_schema(Config)
    for key, text in DESCRIPTIONS.items():
        if key in schema["properties"]:
            schema["properties"][key]["description"] = text
    schema["properties"]["comments"] = {**_comments_schema(),
                                        "description": DESCRIPTIONS["comments"]}
    schema["properties"]["publish"] = {**_publish_schema(),
                                       "description": DESCRIPTIONS["publish"]}
    schema["properties"]["url"].update({"format": "uri", "pattern": "^https?://"})
    schema["properties"]["paginate"]["minimum"] = 1
    schema["properties"]["title"]["pattern"] = r"\S"
    schema["properties"]["language"]["pattern"] = f"^{LANGUAGE_TAG}$"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "hubgen.yaml", "description": "The configuration of a hubgen hub.",
            **schema}


def schema_text() -> str:
    """The schema as pretty JSON text, as `hubgen schema` prints it."""
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
