"""The month: /adjust, /close_month, /reopen_month, the monthly digest, its chart and workbook, `baton close-month|export`."""
