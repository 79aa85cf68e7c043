"""Argument checks shared by the functional API: say what was passed, in torch's words.

The checks themselves live with the ops (ops/promotion.py); the functional modules import
them from here.
"""
from __future__ import annotations

from ...ops.promotion import require_tensor, type_name  # noqa: F401
