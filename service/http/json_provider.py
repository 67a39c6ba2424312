"""JSON as the API writes it: Chinese as is, decimals (money, hours) as numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask.json.provider import DefaultJSONProvider


class ApiJSONProvider(DefaultJSONProvider):
    """Flask's provider, but a ``Decimal`` is a JSON number, as the OpenAPI document says."""

    ensure_ascii = False
    sort_keys = False

    @staticmethod
    def default(o: Any) -> Any:
        """Decimals become numbers; everything else as Flask does it."""
        if isinstance(o, Decimal):
            return float(o)
        return DefaultJSONProvider.default(o)
