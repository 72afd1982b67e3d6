# Chinese reports group thousands by three ("2,200,000 人次"), as the office's Excel sheets do.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
