"""The one scope rule (see accounts/scope/core.py for the rule itself and who is who): for a user, which party
they act for, and which records they may read, change and review. Every queryset, form choice, import resource,
serializer, export, navigation entry, dashboard, completeness page and assessment asks this package; nothing else
decides it.

- core: OwnedBy (how a model's records belong to an owner), Scope (a user's party), readable / changeable /
  reviewable querysets, can_read / can_change / can_review, the review chain, owners of new records;
- choices: the same rule answering pages — region choices, dashboards, campaigns, bases filed for, 催报 levels;
- assessment: the same rule for 考核 rounds, scores, results and 推优 nominations.
"""

from .assessment import *  # noqa: F403
from .assessment import __all__ as _assessment
from .choices import *  # noqa: F403
from .choices import __all__ as _choices
from .core import *  # noqa: F403
from .core import __all__ as _core

__all__ = [*_core, *_choices, *_assessment]
