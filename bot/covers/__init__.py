"""/covered: a colleague claims a break they covered without pressing; the holder confirms with one tap."""
