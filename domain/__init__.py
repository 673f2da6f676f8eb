"""Baton's pure core: holds, attribution, scoring, payouts.

Nothing in here touches Telegram, a database, the network or the wall clock.
"""
