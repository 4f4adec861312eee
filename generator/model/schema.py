"""The JSON Schema of a deal file (``dealsite schema``; deals/deal.schema.json is a copy)."""

from __future__ import annotations

import json

from .deal import Deal


def deal_schema() -> dict:
    """The JSON Schema of a deal file: the model, less the slug (which is the file name)."""
    schema = Deal.model_json_schema(mode="validation")
    schema["properties"].pop("slug")
    schema["required"].remove("slug")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dealsite deal"
    return schema


def schema_text() -> str:
    return json.dumps(deal_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
