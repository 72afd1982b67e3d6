"""The events fixtures (a campaign like seed 002, returns in any state) for the cross-app tests here."""

from tests.events.conftest import make_return, science_day  # noqa: F401
