"""/gaps and /assign: windows with conversations but no holder, and crediting them."""
