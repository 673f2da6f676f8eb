"""Compiling the ledger, attributing conversations, collaboration points; /stats and the compile job."""
