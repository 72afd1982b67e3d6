"""Names to offer in filters and forms for the codes the plan uses (regions, programmes, populations, periods).

Which regions a user may pick is accounts.scope's answer (``scope.region_choices``); these helpers only put a
given set in the order and the words a person reads: the city, each district in the plan's order, its towns
indented beneath it.
"""

from __future__ import annotations

INDENT = "\u3000"  # an ideographic space: kept by browsers at the start of an <option>, unlike a plain one


def region_options(regions) -> list[tuple[str, str]]:
    """(code, name) for `regions` (a queryset), as a tree: districts in their order, towns under their district."""
    rows = list(regions.values_list("code", "name", "path", "order"))
    order_of = {code: order for code, _name, _path, order in rows}
    chains = {code: [c for c in path.split("/") if c] for code, _name, path, _order in rows}
    top = min((len(chain) for chain in chains.values()), default=0)
    rows.sort(key=lambda r: [(order_of.get(c, -1), c) for c in chains[r[0]]])
    return [(code, INDENT * (len(chains[code]) - top) + name) for code, name, _path, _order in rows]


def programme_options(plan=None) -> list[tuple[str, str]]:
    from .models import Plan, Programme

    plan = plan or Plan.objects.current()
    return list(Programme.objects.filter(plan=plan).order_by("order").values_list("code", "name"))


def population_options() -> list[tuple[str, str]]:
    from .models import TargetPopulation

    return list(TargetPopulation.objects.order_by("order").values_list("code", "name"))
