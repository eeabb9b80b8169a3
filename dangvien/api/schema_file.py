"""The OpenAPI schema as the file kept in the repository (`docs/openapi.json`)."""

from __future__ import annotations

import json

from dangvien.api.main import api


def schema_text() -> str:
    """The served schema, as stable text: two-space indents, Vietnamese as it is, a final
    newline (what `dangvien api-schema > docs/openapi.json` writes)."""
    return json.dumps(api.get_openapi_schema(), indent=2, ensure_ascii=False) + "\n"
