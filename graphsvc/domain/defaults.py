"""The thresholds users can override, with their defaults in one place: the analysis, the
command line and the API all start from these."""

#: a line unused for more days than this is stale
STALE_DAYS = 14
#: accountable for more duties than this (in active stages) is overload
OVERLOAD = 5
#: remind an owner of a line unused for more days than this
REMINDER_DAYS = 14
