"""Campaigns (全国科普日, 科技活动周 …) and the activity returns districts and units file for them.

Seed 002 is the model: a notice with deadlines (活动安排表 by 9月12日, a summary within 10 days of the
activity, the 工作总结 by 9月25日), one Excel row per activity, photos and news links added later and
"excellent" activities recommended upward. Only approved returns count in the indicators.
"""

from .activities import REPORT_SUFFIX, STATUS_CHOICES, ActivityPhoto, ActivityReturn, ActivityReturnTransition
from .campaigns import Brand, Campaign, CampaignFiling
from .files import STORED_EXTENSIONS, upload_filings, upload_photos, upload_summaries

__all__ = [
    "REPORT_SUFFIX",
    "STATUS_CHOICES",
    "STORED_EXTENSIONS",
    "ActivityPhoto",
    "ActivityReturn",
    "ActivityReturnTransition",
    "Brand",
    "Campaign",
    "CampaignFiling",
    "upload_filings",
    "upload_photos",
    "upload_summaries",
]
