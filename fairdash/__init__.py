"""FairDash: fairness exploration library under the dashboard.

Importing ``fairdash`` never imports Streamlit; only :mod:`fairdash.ui` does.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
