"""`make run` starts without system-check warnings on either database (runserver runs the database checks)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_system_checks_with_the_database_raise_no_warning():
    call_command("check", databases=["default"], fail_level="WARNING")  # raises SystemCheckError otherwise
