"""Simplified Chinese unless the user chose otherwise (the language switch sets a cookie).

Django's LocaleMiddleware would follow the browser's Accept-Language; the office wants Chinese pages
for everyone by default, whatever the browser says.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChineseByDefaultLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
