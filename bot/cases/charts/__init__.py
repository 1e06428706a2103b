"""The service admins' overview in pictures: server-rendered SVG charts, each with a
table of the same figures, counts of 1 to 4 people hidden (bot.cases.charts.figures)."""

from bot.cases.charts.bars import breakdown_chart, open_cases_chart
from bot.cases.charts.figures import (
    THRESHOLD,
    Breakdown,
    Category,
    FirstResponse,
    OpenCases,
    ProtectedRow,
    WeekCount,
    WeekResponse,
    grouped,
    protect,
    protect_row,
)
from bot.cases.charts.line import first_response_chart
from bot.cases.charts.table import Chart
from bot.cases.charts.words import (
    LANGUAGES_TITLE,
    TOPICS_TITLE,
    Words,
    language_categories,
)

__all__ = [
    "LANGUAGES_TITLE",
    "THRESHOLD",
    "TOPICS_TITLE",
    "Breakdown",
    "Category",
    "Chart",
    "FirstResponse",
    "OpenCases",
    "ProtectedRow",
    "WeekCount",
    "WeekResponse",
    "Words",
    "breakdown_chart",
    "first_response_chart",
    "grouped",
    "language_categories",
    "open_cases_chart",
    "protect",
    "protect_row",
]
