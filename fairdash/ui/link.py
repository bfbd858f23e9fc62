"""A view as URL query parameters and as a saved-session JSON, and back (pure, no Streamlit).

What defines a view travels: the data (a sample's name or the synthetic generator's settings),
the column roles, the model (a built-in name or a score column), the threshold, the active
mitigation, the chosen tradeoff point and the Compare pair. What cannot travel is named instead:
an uploaded table or model file stays on the machine that uploaded it, a bias-bounty
decision list lives in its session, and a connected table (a server path or a connection URL,
issue 15) is written as ``data=connect`` alone, with none of its path, URL or columns. :func:`from_query` turns parameters back into a
:class:`~fairdash.ui.workspace.Workspace` and the sentences that say what it could not restore.

Parameters (repeated keys hold lists, so column names may contain commas)::

    data=sample:adult | synthetic:n=20000;share=0.3;gap=0.2;bias=0;proxy=0.5 | upload:NAME
         | connect
    target, pos, sens (repeated), feat (repeated), score, rescale=1
    model=builtin:NAME | scores:COLUMN | upload:NAME | bounty:NAME
    t=THRESHOLD  mit=METHOD@STRENGTH  pt=METHOD@STRENGTH  cmp=OLD (then NEW)
    gate=RULE (repeated)  gateci=1
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

from fairdash.data import SAMPLES, ColumnRoles, sample_roles
from fairdash.mitigation import REGISTRY
from fairdash.models import default_learner
from fairdash.ui.workspace import (
    DEFAULT_THRESHOLD,
    DataSource,
    MitigationChoice,
    ModelChoice,
    Workspace,
    default_workspace,
)

__all__ = ["CONNECT_NOTE", "SESSION_VERSION", "SYNTHETIC_KEYS", "from_query", "from_session_json",
           "synthetic_key", "synthetic_settings", "to_query", "to_session_json"]

#: synthetic setting -> its short name in a link
SYNTHETIC_KEYS = {"n": "n", "minority_share": "share", "base_rate_gap": "gap",
                  "label_bias": "bias", "proxy_strength": "proxy"}
_DEFAULTS = {default_learner(task) for task in ("classification", "regression")}
#: What a link or saved session made on a connected table says instead of restoring it.
CONNECT_NOTE = ("This link was made on a table connected on the server (a file path or a "
                "connection URL), which never travels in a link: connect to it again on the "
                "Data screen (Connect to a table), or ask whoever sent it for the report.")
#: Version of the saved-session JSON.
SESSION_VERSION = 1


def synthetic_key(settings: dict) -> str:
    """``n=20000;share=0.3;...``: the synthetic generator's settings as one string."""
    return ";".join(f"{short}={settings[name]:g}" for name, short in SYNTHETIC_KEYS.items())


def synthetic_settings(key: str) -> dict:
    """The settings :func:`synthetic_key` wrote (ValueError if it is not such a string)."""
    parts = dict(p.split("=", 1) for p in key.split(";") if "=" in p)
    by_short = {short: name for name, short in SYNTHETIC_KEYS.items()}
    if set(parts) != set(by_short):
        raise ValueError(f"'{key}' is not a synthetic data setting.")
    values = {by_short[k]: float(v) for k, v in parts.items()}
    if not all(math.isfinite(v) for v in values.values()):
        raise ValueError(f"'{key}' holds a number that is not finite.")
    values["n"] = int(values["n"])
    return values


def _spec(choice) -> str:
    return f"{choice[0]}@{float(choice[1]):g}"


def to_query(ws: Workspace) -> dict:
    """The query parameters of a view (values are strings or lists of strings)."""
    src = ws.source
    if src.kind == "connect":  # server paths and URLs stay on the server
        return {"data": "connect"}
    q = {"data": f"{src.kind}:{src.key if src.kind == 'synthetic' else src.name}"}
    usual = sample_roles(src.name) if src.kind == "sample" and src.name in SAMPLES else None
    if ws.roles is not None and (ws.roles != usual or ws.rescale_scores):
        r = ws.roles
        q |= {"target": r.target, "sens": list(r.sensitive), "feat": list(r.features)}
        if r.positive_label is not None:
            q["pos"] = str(r.positive_label)
        if r.score_column:
            q["score"] = r.score_column
        if ws.rescale_scores:
            q["rescale"] = "1"
    # a task's default learner is what a view without "model" gets anyway
    if ws.model is not None and not (ws.model.kind == "builtin" and ws.model.name in _DEFAULTS):
        q["model"] = f"{ws.model.kind}:{ws.model.name}"
    if ws.threshold != DEFAULT_THRESHOLD:
        q["t"] = f"{ws.threshold:g}"
    if ws.mitigation is not None:
        q["mit"] = _spec((ws.mitigation.name, ws.mitigation.strength))
    if ws.sweep is not None:
        q["pt"] = _spec(ws.sweep)
    if ws.comparison is not None:
        q["cmp"] = list(ws.comparison)
    rules, on_interval = ws.gate
    if rules:
        q["gate"] = list(rules)
        if on_interval:
            q["gateci"] = "1"
    return q


def _one(q: dict, key: str):
    value = q.get(key)
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value


def _many(q: dict, key: str) -> tuple:
    value = q.get(key)
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _choice(text: str, what: str) -> tuple[str, float]:
    name, _, strength = str(text).partition("@")
    value = float(strength) if strength else 1.0
    if name not in REGISTRY and what != "point":
        raise ValueError(f"the {what} '{name}' is not a FairDash method")
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"the {what} strength '{strength}' is not in [0, 1]")
    return name, value


def from_query(q: dict, upload: DataSource | None = None) -> tuple[Workspace | None, list[str]]:
    """The view the parameters describe, and what could not be restored.

    Parameters
    ----------
    q : dict
        Query parameters as :func:`to_query` writes them (a mapping of str to str or list).
    upload : DataSource, optional
        The session's active upload: a saved session made on an upload of the same name is
        restored onto it (the caller checks the content is the same).

    Returns
    -------
    workspace : Workspace or None
        None when the parameters name no data that can be restored (no ``data``, an upload,
        an unknown sample); the roles are not checked against the table here.
    notes : list of str
        One sentence per part that was left out or not understood.
    """
    data = _one(q, "data")
    if not data:
        return None, []
    kind, _, name = str(data).partition(":")
    if kind == "connect":
        return None, [CONNECT_NOTE]
    if kind == "upload" and upload is not None and upload.name == name:
        source = upload
    elif kind == "upload":
        return None, [(f"This link was made on an uploaded file ('{name}'), which cannot travel "
                      "in a link: upload it again on the Data screen (then the roles and "
                      "model can be set again), or ask whoever sent it for the report.")]
    if kind == "sample" and name in SAMPLES:
        source = DataSource("sample", name)
    elif kind == "synthetic":
        try:
            synthetic_settings(name)
        except ValueError as exc:
            return None, [f"The link's synthetic data could not be read: {exc}"]
        source = DataSource("synthetic", "", name)
    else:
        return None, [f"The link names data '{data}' that FairDash does not have."]
    notes: list[str] = []
    ws = replace(default_workspace(), source=source, roles=None, model=None)
    target = _one(q, "target")
    if target:
        roles = ColumnRoles(str(target), _one(q, "pos"), _many(q, "sens"), _many(q, "feat"),
                            _one(q, "score") or None)
        ws = replace(ws, roles=roles, rescale_scores=_one(q, "rescale") == "1")
    model = _one(q, "model")
    if model:
        mkind, _, mname = str(model).partition(":")
        if mkind in ("builtin", "scores"):
            ws = replace(ws, model=ModelChoice(mkind, mname))
        else:
            what = "an uploaded file" if mkind == "upload" else "a bias-bounty decision list"
            notes.append(f"The link's model ('{mname}') was {what}, which cannot travel in a "
                         "link; the default model is shown instead.")
    try:
        threshold = float(_one(q, "t") or DEFAULT_THRESHOLD)
        if not 0.0 <= threshold <= 1.0:
            raise ValueError
        ws = replace(ws, threshold=threshold)
    except ValueError:
        notes.append(f"The link's threshold '{_one(q, 't')}' is not a number in [0, 1]; "
                     f"{DEFAULT_THRESHOLD} is used.")
    for key, what in (("mit", "mitigation"), ("pt", "point")):
        text = _one(q, key)
        if not text:
            continue
        try:
            name, strength = _choice(text, what)
        except ValueError as exc:
            notes.append(f"The link's {what} could not be used: {exc}.")
            continue
        ws = (replace(ws, mitigation=MitigationChoice(name, round(strength, 4)))
              if key == "mit" else replace(ws, sweep=(name, strength)))
    pair = _many(q, "cmp")
    if len(pair) == 2:
        ws = replace(ws, comparison=tuple(pair))
    rules = tuple(str(r) for r in _many(q, "gate"))
    if rules:
        ws = replace(ws, gate=(rules, _one(q, "gateci") == "1"))
    return ws, notes


def to_session_json(ws: Workspace, fingerprint: str | None) -> str:
    """A saved session: the view's parameters and the data's fingerprint (no data)."""
    return json.dumps({"fairdash_session": SESSION_VERSION, "view": to_query(ws),
                       "data_fingerprint": fingerprint}, indent=2)


def from_session_json(text: bytes | str) -> tuple[dict, str | None]:
    """The view parameters and data fingerprint of a saved session.

    Raises
    ------
    ValueError
        One sentence when the file is not a FairDash saved session.
    """
    try:
        saved = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("This file is not a FairDash saved session (it is not JSON); choose "
                         "a file saved with 'Save session'.") from None
    if not isinstance(saved, dict) or saved.get("fairdash_session") != SESSION_VERSION \
            or not isinstance(saved.get("view"), dict):
        raise ValueError("This file is not a FairDash saved session of this version; choose "
                         "a file saved with 'Save session'.")
    return saved["view"], saved.get("data_fingerprint")
