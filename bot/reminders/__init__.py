"""The checks job (long holds, forgotten clock-offs, unattended accounts, late starts) and the answers to its questions."""
