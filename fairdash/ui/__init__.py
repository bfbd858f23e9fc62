"""The Streamlit layer: the only part of FairDash that imports streamlit.

Pages use ``state`` (session keys), ``cache`` (cached library calls), ``widgets`` (inputs),
``render`` (outputs) and ``navigation`` (the page list).
"""
