"""Signals the events app sends; other apps (notifications) receive them, events imports none of them."""

from django.dispatch import Signal

campaign_published = Signal()  # kwargs: campaign, actor — sent inside the transaction that published it
