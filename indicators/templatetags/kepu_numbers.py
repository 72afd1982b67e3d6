from decimal import Decimal, InvalidOperation

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def num(value, places: int = 2):
    """21.50 → 21.5, 4500.00 → 4,500, None → —: as few decimals as the value needs, thousands grouped."""
    if value is None or value == "":
        return "—"
    try:
        d = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)))
    except (InvalidOperation, ValueError):
        return value
    d = d.normalize()
    text = format(d, "f")
    whole, _, frac = text.partition(".")
    return intcomma(int(whole)) + (f".{frac}" if frac else "") if whole.lstrip("-").isdigit() else text
