"""{% load links %}: `{% if url|is_http_url %}<a href="{{ url }}">…{% else %}{{ url }}{% endif %}` (common.links)."""

from django import template

from common.links import is_http_url as _is_http_url

register = template.Library()


@register.filter
def is_http_url(value) -> bool:
    return _is_http_url(value)
