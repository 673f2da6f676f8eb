"""A closed month rendered for people: a PNG chart for the group, an XLSX workbook for payroll.

Pure functions from a frozen Snapshot (and the month's detail frames) to bytes; posting
and saving them is the caller's business.
"""
from bot.reports.chart import month_chart
from bot.reports.workbook import month_workbook

__all__ = ["month_chart", "month_workbook"]
