"""The ranks of certification levels (national > provincial > municipal), shared by the bases' lists and filters
and by the indicator sources that count bases by their highest valid level."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

LEVEL_RANK = {"national": 3, "provincial": 2, "municipal": 1}
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}


def level_rank_expression(prefix: str = "", default: int | None = 0):
    """A SQL CASE giving the rank of `<prefix>level` (0, or NULL with default=None, for no level)."""
    field = f"{prefix}level"
    return Case(
        *(When(**{field: level}, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(default) if default is not None else None,
        output_field=IntegerField(),
    )
