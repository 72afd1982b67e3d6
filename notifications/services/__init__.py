"""Writes of the notifications app, one module per concern (each write in the caller's or its own transaction):

core        notify() — the one way to tell users something (in the portal, and by e-mail after commit); the
            inbox's marks and the e-mail preference
triggers    a reviewer's decision (workflow_transitioned), a campaign or a reporting period opened
deadlines   the daily notices: a deadline in 3 days, a deadline missed, periods and campaigns open
reminders   催报 on the completeness pages, with its log
"""

from .core import email_enabled, mark_all_read, mark_read, notify, send_emails, set_email_enabled  # noqa: F401
from .deadlines import send_deadline_notices  # noqa: F401
from .reminders import ReminderRefused, chase_campaign, chase_period  # noqa: F401
from .triggers import notify_campaign_opened, notify_period_opened, notify_transition  # noqa: F401
