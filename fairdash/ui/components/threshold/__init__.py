"""The Audit threshold as a Streamlit custom component that answers in the browser.

A Streamlit rerun costs about 100 ms and re-sending four plotly figures most of the rest of
the 0.3-1.3 s a slider step took under load, so the step is answered where it happens: the
page receives, once per released threshold, the per-group counts at 1,001 thresholds that the
HTML report embeds (:func:`fairdash.report._live.live_payload`) and redraws the rate bars, the
ROC operating points, the score histogram's threshold line and the gap values with the
report's own script (``fairdash/report/live.js``: the arithmetic of
:func:`fairdash.metrics.audit`, docs/methods.md §9.1-9.3). Python hears the threshold only
when the slider is let go.

The component is declared by :func:`fairdash.ui.components.declared`, which serves this
folder with the shared scripts (``control.js``, ``live.js``, plotly.js).
"""

from __future__ import annotations

from fairdash.ui.components import declared

__all__ = ["threshold_control"]


def threshold_control(payload: dict, *, key: str):
    """Draw the control and return the last released threshold.

    Parameters
    ----------
    payload : dict
        JSON-able: ``version`` (changes whenever anything else does), ``threshold`` (the
        released one), ``label``, ``moved_note``, ``live`` (``live_payload``), ``figs``
        (``bars``, ``roc`` and ``hist`` figure specs with their ``live`` parts) and ``gaps``
        (``[name, label]`` rows).
    key : str
        The widget key.

    Returns
    -------
    dict or None
        ``{"threshold": float, "id": str}`` once the user has let the slider go (``id`` is new
        for every release), else None.
    """
    return declared("threshold")(payload=payload, key=key, default=None)
