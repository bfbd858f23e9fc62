"""One module per screen: each owns its widgets, its cached computations and its rendering,
and exposes ``render()``; ``app_pages/<screen>.py`` calls it through the shell."""
