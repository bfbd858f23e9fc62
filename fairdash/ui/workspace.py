"""The session's view as one value, and its transitions as pure functions.

Nothing here imports Streamlit: :mod:`fairdash.ui.state` loads a :class:`Workspace` from the
session, applies a transition and stores the result; the tests call the transitions directly.
The invalidation chain is :data:`DOWNSTREAM` (written out in ``state``'s docstring).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from fairdash.data import ColumnRoles, sample_roles
from fairdash.models import default_learner

#: session key -> what it holds. Every application key FairDash uses is listed here.
KEYS = {
    "source": "DataSource: where the active table came from",
    "upload_frame": "(DataFrame, fingerprint) of this session's active upload (never shared)",
    "pending_upload": "an uploaded table whose roles do not fit yet; the active table stays",
    "roles": "ColumnRoles of the active table",
    "rescale_scores": "bool: min-max rescale a score column outside [0, 1]",
    "model": "ModelChoice: built-in name, uploaded model or predictions only",
    "upload_model": "estimator loaded from this session's skops upload (never shared)",
    "threshold": "float: the decision threshold every screen decides at",
    "mitigation": "MitigationChoice: the active mitigation, chosen by the user",
    "sweep": "(method, strength): the Tradeoffs point that is the active mitigation",
    "comparison": "(old, new): the model specs compared on the Compare screen",
    "report": "reserved: report contents (report screen)",
    "slice": "str: a rule from the Subgroups screen that the Audit screen audits against the rest",
    "bounty": "Bounty: the decision list and the submissions of the bias bounty",
    "gate": "(rules, on_interval): pass/fail rules on the gaps, as for audit --fail-on",
    "connection": "Connection: the table counted where it lives (issue 15; never in a link)",
}

#: what each key clears when it changes (the chain in the module docstring)
DOWNSTREAM = {
    "source": ("upload_frame", "connection", "roles", "rescale_scores", "model", "upload_model", "threshold",
               "mitigation", "sweep", "comparison", "slice", "bounty", "report"),
    "roles": ("model", "upload_model", "threshold", "mitigation", "sweep", "comparison",
              "slice", "bounty", "report"),
    "model": ("mitigation", "sweep", "comparison", "bounty", "report"),
    "threshold": ("report",),
    "mitigation": ("sweep", "comparison", "report"),
}

@dataclass(frozen=True)
class DataSource:
    """Where the active table comes from: ``kind`` is "sample", "upload", "synthetic" or
    "connect" (a table counted where it lives, see :class:`Connection`); ``name`` is the
    sample name, file name, a description of the synthetic settings or of the connected table;
    ``key`` tells two uploads (or connections) with the same name apart (a hash)."""

    kind: str
    name: str
    key: str = ""


@dataclass(frozen=True)
class Connection:
    """A table counted where it lives (docs/architecture.md §3.1): ``where`` is a file, glob or
    folder on the server or a connection URL, ``table`` the table's name on a connection;
    the roles name its outcome, positive label, sensitive columns and score column,
    ``rescale`` min-max rescales a score outside [0, 1], and ``counted_at`` (when the user
    connected) keys the cached counts, so connecting again counts a changed table again. It
    holds server paths and URLs, so it never travels in a link or a saved session."""

    where: str
    table: str
    target: str
    positive_label: str | None
    sensitive: tuple
    score: str
    rescale: bool = False
    counted_at: str = ""

    @property
    def roles(self) -> ColumnRoles:
        """The column roles (no feature columns: the engine keeps the rows)."""
        return ColumnRoles(self.target, self.positive_label, tuple(self.sensitive), (),
                           self.score)

    @property
    def name(self) -> str:
        """The table in words: its name on the connection, or the path."""
        return f"table {self.table}" if self.table else self.where


@dataclass(frozen=True)
class ModelChoice:
    """The active model: ``kind`` is "builtin", "upload" or "scores"; ``name`` the built-in
    name, the uploaded file's name, or the score column; ``key`` distinguishes uploads."""

    kind: str
    name: str
    key: str = ""


@dataclass(frozen=True)
class MitigationChoice:
    """The active mitigation: a registered method ``name`` at ``strength`` in [0, 1], applied
    to the active model at the session's threshold."""

    name: str
    strength: float


DEFAULT_SAMPLE = "adult"
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Workspace:
    """Everything that defines a session's view, as one value. Field names are session keys;
    ``upload_frame`` and ``upload_model`` hold this session's own uploads and take no part in
    equality."""

    source: DataSource
    roles: ColumnRoles | None = None
    rescale_scores: bool = False
    model: ModelChoice | None = None
    threshold: float = DEFAULT_THRESHOLD
    mitigation: MitigationChoice | None = None
    sweep: tuple | None = None
    comparison: tuple | None = None
    report: object = None
    slice: str | None = None
    bounty: object = None
    gate: tuple = ((), False)
    upload_frame: object = field(default=None, compare=False)
    upload_model: object = field(default=None, compare=False)
    connection: Connection | None = field(default=None, compare=False)


_DEFAULTS = {f.name: f.default for f in fields(Workspace) if f.name != "source"}


def default_workspace() -> Workspace:
    """Adult with its recommended roles and logistic regression, so the first screen already
    shows a meaningful audit."""
    return Workspace(DataSource("sample", DEFAULT_SAMPLE), sample_roles(DEFAULT_SAMPLE),
                     model=ModelChoice("builtin", default_learner("classification")))


def cleared(ws: Workspace, key: str) -> Workspace:
    """``ws`` with every key downstream of ``key`` back at its default."""
    return replace(ws, **{k: _DEFAULTS[k] for k in DOWNSTREAM.get(key, ())})


# ---- transitions: pure functions Workspace -> Workspace -------------------------------------

def with_source(ws: Workspace, src: DataSource, roles: ColumnRoles, upload=None,
                task: str = "classification") -> Workspace:
    """A new table: its first roles and the task's default model; everything else cleared."""
    out = replace(cleared(ws, "source"), source=src, roles=roles, upload_frame=upload)
    return replace(out, model=_first_model(roles, task))


def with_connection(ws: Workspace, conn: Connection) -> Workspace:
    """A table counted where it lives becomes the active source: its roles, the score column
    as the model (given scores); everything else cleared."""
    import hashlib

    key = hashlib.sha1(repr(conn).encode()).hexdigest()[:16]
    out = with_source(ws, DataSource("connect", f"Connected {conn.name}", key), conn.roles)
    return replace(out, connection=conn, rescale_scores=bool(conn.rescale))


def with_roles(ws: Workspace, roles: ColumnRoles, rescale: bool = False,
               task: str = "classification") -> Workspace:
    """New column roles; when they change, the model restarts from the task's default."""
    if roles == ws.roles and bool(rescale) == ws.rescale_scores:
        return ws
    out = replace(cleared(ws, "roles"), roles=roles, rescale_scores=bool(rescale))
    return replace(out, model=_first_model(roles, task))


def _first_model(roles: ColumnRoles, task: str) -> ModelChoice:
    if roles.score_column and not roles.features:
        return ModelChoice("scores", roles.score_column)
    return ModelChoice("builtin", default_learner(task))


def with_model(ws: Workspace, choice: ModelChoice, estimator=None) -> Workspace:
    """Another model: mitigations, the chosen point and comparisons built on the old one go."""
    out = ws if choice == ws.model else cleared(ws, "model")
    return replace(out, model=choice,
                   upload_model=estimator if estimator is not None else out.upload_model)


def with_threshold(ws: Workspace, value: float) -> Workspace:
    """The decision threshold every screen decides at."""
    value = float(value)
    return ws if value == ws.threshold else replace(cleared(ws, "threshold"), threshold=value)


def with_mitigation(ws: Workspace, choice: MitigationChoice | None) -> Workspace:
    """Make ``choice`` the active mitigation (None: none). Only a user's choice calls this."""
    if choice is not None:
        choice = MitigationChoice(choice.name, round(float(choice.strength), 4))
    return ws if choice == ws.mitigation else replace(cleared(ws, "mitigation"),
                                                      mitigation=choice)


def with_point(ws: Workspace, point: tuple | None, baseline: str) -> Workspace:
    """A point clicked on the Tradeoffs chart: the base model's point clears the active
    mitigation, any other becomes it (and stays the chosen point while it is)."""
    if point is None:
        return ws
    if point[0] == baseline:
        return replace(with_mitigation(ws, None), sweep=(baseline, 0.0))
    out = with_mitigation(ws, MitigationChoice(point[0], point[1]))
    return replace(out, sweep=(point[0], out.mitigation.strength))


def with_comparison(ws: Workspace, specs: tuple[str, str]) -> Workspace:
    """The Compare screen's pair of model specs."""
    return replace(ws, comparison=tuple(specs))


def with_compas_demo(ws: Workspace) -> Workspace:
    """COMPAS's deployed decile_score (rescaled to 0-1) as given scores of two-year
    recidivism, grouped by race, with the barycenter repair at full strength chosen."""
    base = sample_roles("compas")
    roles = ColumnRoles(base.target, base.positive_label, ("race_binary",), base.features,
                        "decile_score")
    out = with_source(ws, DataSource("sample", "compas"), roles)
    out = replace(out, rescale_scores=True, model=ModelChoice("scores", "decile_score"))
    return with_mitigation(out, MitigationChoice("barycenter", 1.0))


def with_gate(ws: Workspace, rules, on_interval: bool = False) -> Workspace:
    """Pass/fail rules on the gaps (texts such as ``demographic_parity_difference>0.1``),
    judged on the estimate or, with ``on_interval``, on the 95 % interval. Nothing is cleared:
    the rules hold for whatever data and model come next."""
    return replace(ws, gate=(tuple(str(r).strip() for r in rules if str(r).strip()),
                             bool(on_interval)))


def with_slice(ws: Workspace, rule: str | None) -> Workspace:
    """Audit the slice ``rule`` against the rest on the Audit screen (None: the sensitive
    columns again)."""
    return replace(ws, slice=rule)


def with_bounty(ws: Workspace, bounty) -> Workspace:
    """The bias bounty's decision list and submissions, built on the active model."""
    return replace(ws, bounty=bounty)


def with_bounty_model(ws: Workspace, choice: ModelChoice, decision_list) -> Workspace:
    """Make the bounty's decision list the active model, keeping the bounty that built it."""
    return replace(with_model(ws, choice, decision_list), bounty=ws.bounty)

