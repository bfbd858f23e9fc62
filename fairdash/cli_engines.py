"""``python -m fairdash audit|mitigate`` where the data lives: DuckDB for files, Ibis URLs.

:mod:`fairdash.cli` adds these options to every command and hands ``audit`` and ``mitigate``
(group thresholds) here when :func:`wants_engine` says so; only counts come back from the
engine, and the thresholds fit from those counts (docs/architecture.md §3.1). The
engine audits every row of the table (``"audited_split": "all"``): a decision log's model was
trained elsewhere, so there is no held-out split of FairDash's own to keep.
"""

from __future__ import annotations

import datetime as _dt
import shlex

from fairdash.exceptions import FairDashError

__all__ = ["ALL_ROWS", "ENGINE_COMMANDS", "add_options", "engine_audit", "engine_mitigate",
           "wants_engine"]

#: The ``audited_split`` of an engine audit: every row of the table.
ALL_ROWS = "all"
#: The commands an engine serves.
ENGINE_COMMANDS = ("audit", "mitigate")

_ALL_ROWS_NOTE = ("Every row of the table is audited (audited_split 'all'): the scores come from "
                  "a model trained elsewhere, which may have seen some of these rows, so the "
                  "audit describes its decisions on this table, not its performance on unseen "
                  "rows.")


def add_options(p, source_group) -> None:
    """Add ``--connection`` to the data source choices and ``--table``, ``--engine`` and
    ``--score-resolution`` to parser ``p``.

    Parameters
    ----------
    p : argparse.ArgumentParser
    source_group : argparse mutually exclusive group
        The group of ``--sample`` and ``--data``.
    """
    source_group.add_argument("--connection", metavar="URL",
                              help="audit a table on a database or cluster through Ibis "
                                   "(duckdb:///file.db, postgres://..., pyspark); with --table")
    p.add_argument("--table", help="the table to audit on --connection")
    p.add_argument("--engine", choices=["auto", "pandas", "duckdb"], default="auto",
                   help="where --data is counted: duckdb scans files, globs and folders "
                        "out-of-core; pandas loads the rows; auto (default) uses duckdb above "
                        "2,000,000 rows and for globs and folders")
    p.add_argument("--score-resolution", default="auto",
                   help="engine audits: 'exact' (a cell per distinct score), a bin width such "
                        "as 1e-4, or 'auto' (exact up to 2,000,000 distinct scores, else 1e-4); "
                        "counts at --threshold are exact either way")


def wants_engine(args) -> bool:
    """Whether this command's data is counted by an engine instead of loaded into pandas.

    Parameters
    ----------
    args : argparse.Namespace

    Returns
    -------
    bool
        True for ``--connection``, ``--engine duckdb``, and with ``--engine auto`` for a glob,
        a folder, or (an audit of ``--score-column``) a file of more than
        :data:`~fairdash.engines.DEFAULT_ENGINE_ROWS` rows.

    Raises
    ------
    FairDashError
        When an engine is asked for a command that needs rows, or for a bundled sample.
    """
    engine = getattr(args, "engine", "pandas")
    if getattr(args, "table", None) and not getattr(args, "connection", None):
        raise FairDashError("--table names a table on --connection; give --connection too.")
    if args.sample:
        if engine == "duckdb":
            raise FairDashError("--engine duckdb reads --data files; a bundled --sample is "
                                "always loaded with pandas.")
        return False
    asked = bool(getattr(args, "connection", None)) or engine == "duckdb"
    if not asked and engine == "auto" and args.data is not None:
        from fairdash.engines import is_many_files

        # other commands, and audits that train a model, load a large file with pandas as
        # before (up to its row limit, which the refusal names)
        counted = args.command in ENGINE_COMMANDS and bool(args.score_column) \
            and not args.model
        asked = _large(args.data) if counted else is_many_files(args.data)
    if engine == "pandas" and getattr(args, "connection", None):
        raise FairDashError("--engine pandas loads --data files; a --connection is always "
                            "counted by its own engine.")
    if asked and args.command not in ENGINE_COMMANDS:
        raise FairDashError(f"'{args.command}' needs the rows in memory; an engine (--engine "
                            "duckdb, --connection, or a glob, folder or file over 2,000,000 "
                            "rows) works with 'audit' and 'mitigate' (group thresholds), or "
                            "pass --engine pandas for a file that fits.")
    return asked


def _large(path) -> bool:
    """A glob, a folder, or a file with more rows than the engine threshold."""
    from fairdash.engines import DEFAULT_ENGINE_ROWS, file_rows, is_many_files

    if is_many_files(path):
        return True
    if not path.is_file():
        return False  # the pandas path says the file cannot be read
    try:
        rows = file_rows(path) if path.name.lower().endswith((".parquet", ".pq", ".parq")) \
            else None
    except FairDashError:
        return False  # a damaged file: the pandas path's refusal names it
    if rows is not None:
        return rows > DEFAULT_ENGINE_ROWS
    # a CSV row takes at least two bytes, so a smaller file cannot pass the threshold
    return path.stat().st_size > 2 * DEFAULT_ENGINE_ROWS and _csv_rows(path) > \
        DEFAULT_ENGINE_ROWS


def _csv_rows(path) -> int:
    """Rows of a CSV file, counted by DuckDB."""
    from fairdash.engines import open_table

    return int(open_table(path).count().to_pyarrow().as_py())


def _count(args):
    """Check the roles, open the table and count it: ``(counts, table, sensitive, source)``."""
    from fairdash.cli_checks import check_roles
    from fairdash.engines import count_scores, open_table

    missing = [flag for flag, value in (("--target", args.target),
                                        ("--sensitive", args.sensitive),
                                        ("--score-column", args.score_column)) if not value]
    if missing:
        raise FairDashError(f"An engine audit counts given scores or decisions and trains no "
                            f"model, so it needs {', '.join(missing)}.")
    if args.model:
        raise FairDashError("--model trains on rows in memory; an engine audit needs "
                            "--score-column instead.")
    sensitive = tuple(args.sensitive.split(","))
    check_roles(args, args.target, sensitive)
    table = open_table(args.data, connection=args.connection, table=args.table)
    counts = count_scores(table, target=args.target, sensitive=sensitive,
                          score=args.score_column, positive_label=args.positive_label,
                          threshold=args.threshold, resolution=args.score_resolution,
                          rescale=args.rescale_scores)
    source = f"{args.connection} table {args.table}" if args.connection else str(args.data)
    return counts, table, sensitive, source


def _header(args, counts, sensitive, source: str, model: str) -> dict:
    return {"task": "classification", "data": source, "model": model, "target": args.target,
            "positive_label": counts.positive_label, "sensitive": list(sensitive),
            "rows_audited": counts.rows, "audited_split": ALL_ROWS, "engine": counts.engine,
            "score_resolution": counts.resolution, "counted_cells": len(counts.weights)}


def _options(args) -> dict:
    return {"method": args.method, "reference": args.reference,
            "min_group_size": args.min_group_size, "n_resamples": args.resamples,
            "random_state": args.seed}


def engine_audit(args) -> dict:
    """The audit of ``--data`` or ``--connection``/``--table``, counted by the engine.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``audit`` arguments; ``--target``, ``--sensitive`` and ``--score-column`` are
        required (an engine audits given scores or decisions; it trains no model).

    Returns
    -------
    dict
        What :func:`fairdash.cli.run_audit` prints: the header with ``"audited_split": "all"``,
        ``engine`` and ``score_resolution``, the audit and a provenance block.
    """
    counts, _, sensitive, source = _count(args)
    model = f"scores:{args.score_column}"
    out = _header(args, counts, sensitive, source, model) | counts.audit(
        **_options(args)).to_dict()
    out["warnings"] = [_ALL_ROWS_NOTE, *out["warnings"]]
    return out | {"provenance": _provenance(args, source, model, counts)}


def engine_mitigate(args) -> dict:
    """Group thresholds fitted on a sample the engine draws, audited on the counts of all rows.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``mitigate`` arguments with a ``thresholds_*`` method.

    Returns
    -------
    dict
        ``before`` and ``after`` in the audit's shape (every row, expected counts after, as
        docs/methods.md §0.3), ``fit_split`` (every row, from the counts), and ``rule_sql``:
        the fitted rule
        as one ``CASE`` in the engine's SQL, which the warehouse can apply.
    """
    from fairdash.engines import fit_on_counts, rule_counts, rule_sql
    from fairdash.metrics import audit_counts
    from fairdash.mitigation import get_method

    try:
        method = get_method(args.mitigation)
    except ValueError as exc:
        raise FairDashError(str(exc)) from None
    if not method.uses_threshold:
        raise FairDashError(f"{method.label} needs rows in memory; on an engine only the group "
                            "thresholds (thresholds_*) fit from the table.")
    if not 0.0 <= args.strength <= 1.0:
        raise FairDashError(f"--strength must lie in [0, 1]; got {args.strength}.")
    counts, table, sensitive, source = _count(args)
    est = fit_on_counts(method.make(args.strength, threshold=args.threshold), counts)
    before = counts.audit(**_options(args))
    after = audit_counts(rule_counts(est, counts), counts.labels,
                         row_counts=counts.row_counts(), **_options(args))
    model = f"scores:{args.score_column}"
    name = f"{model} + {method.name} (strength {args.strength:g})"
    return {"method": method.to_dict(), "strength": args.strength,
            "fit_split": f"every row ({counts.rows:,}), from the counts"
                         + ("" if counts.resolution is None else
                            f" in score bins of {counts.resolution:g} (thresholds at the bins' smallest scores)"),
            "decisions_randomised": True, "warnings": [_ALL_ROWS_NOTE, *est.warnings_],
            "before": _header(args, counts, sensitive, source, model) | before.to_dict(),
            "after": _header(args, counts, sensitive, source, name) | after.to_dict(),
            "rule_sql": rule_sql(est, counts, table, args.score_column),
            "provenance": _provenance(args, source, model, counts)}


def _provenance(args, source: str, model: str, counts) -> dict:
    """The provenance block of an engine audit (no table fingerprint: the rows never load)."""
    from fairdash.provenance import versions

    found = versions()
    for name in ("ibis", "duckdb", "pyspark"):
        try:
            found[name] = __import__(name).__version__
        except ImportError:  # not installed: not used either
            continue
    return {"data": {"source": source, "engine": counts.engine, "rows": counts.rows,
                     "task": "classification", "target": args.target,
                     "positive_label": counts.positive_label,
                     "sensitive": args.sensitive.split(","), "score_column": args.score_column,
                     "split": {ALL_ROWS: counts.rows}, "seed": int(args.seed)},
            "model": {"name": model, "params": {}}, "threshold": float(args.threshold),
            "versions": found,
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "command": shlex.join(["python", "-m", "fairdash", *args.argv])}
