"""The Mitigate strength of a post-processing method as a Streamlit custom component that
answers in the browser.

The page receives, once per released strength, the expected confusion counts of the test rows
per group at every strength of the slider's grid (one fit of the group thresholds or the
barycenter repair, ``fairdash.tradeoff.fast_points``), and redraws the after rates, the gap
values with their fairer / less fair cue, accuracy and the before/after bars with the report's
arithmetic (``fairdash/report/live.js``). It shares the slider protocol (``control.js``: Python
hears the strength only when the slider is let go) and the folder assembly with the Audit's
threshold component (:func:`fairdash.ui.components.declared`).
"""

from __future__ import annotations

from fairdash.ui.components import declared

__all__ = ["strength_control"]


def strength_control(payload: dict, *, key: str):
    """Draw the control and return the last released strength.

    Parameters
    ----------
    payload : dict
        JSON-able: ``version`` (changes whenever anything else does), ``strength`` (the
        released one), ``label``, ``help``, ``moved_note``, ``strengths`` (the grid),
        ``live`` (``counts_payload`` at those strengths), ``changed`` and ``knob`` (per
        strength), ``rows``, ``randomised``, ``auc`` (before, after at the released strength),
        ``gaps`` (``[name, label]`` rows), ``performance`` (``[name, label, better]`` rows)
        and ``figs`` (``pairs``: the before/after figure with its ``live`` parts).
    key : str
        The widget key.

    Returns
    -------
    dict or None
        ``{"strength": float, "id": str}`` once the user has let the slider go (``id`` is new
        for every release), else None.
    """
    return declared("strength")(payload=payload, key=key, default=None)
