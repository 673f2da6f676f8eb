"""The day's standings (/standings) and the daily digest with what needs attention."""
