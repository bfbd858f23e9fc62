"""The Streamlit layer: the only part of FairDash that imports streamlit, organised by screen.

``state`` (the only code touching the session: the Workspace and its transitions),
``shell`` (page list, sidebar, guards), ``format`` (numbers and escaping), ``shared`` (cached
library calls several screens need) and ``screens/`` (one module per screen, plus its parts
named ``<screen>_*.py``). See docs/architecture.md.
"""
