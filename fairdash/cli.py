"""Command line: ``python -m fairdash audit ...``.

Bad input prints one clear sentence on stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from fairdash import cli_engines, cli_report, cli_subgroups
from fairdash import data as fd_data
from fairdash._safe_csv import safe_csv
from fairdash.cli_checks import check_args, check_roles
from fairdash.cli_format import finite, format_methods, format_table
from fairdash.exceptions import FairDashError
from fairdash.metrics import (
    DEFAULT_MIN_GROUP_SIZE,
    METHODS,
    audit,
    check_gates,
    parse_gate,
    regression_audit,
)


def _data_options(p, aggregation_flag: str = "--method") -> None:
    """The options that choose data, roles, the base model and how gaps are aggregated
    (shared by several commands; ``mitigate`` spells the aggregation ``--gap-method`` because
    its ``--method`` names the mitigation)."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--sample", choices=sorted(fd_data.SAMPLES), help="a bundled data set")
    src.add_argument("--data", type=Path, help="CSV (optionally gzipped) or Parquet file; for "
                                               "audit also a glob or a partitioned folder")
    cli_engines.add_options(p, src)  # --connection, --table, --engine, --score-resolution
    p.add_argument("--target", help="outcome column (default for samples: its usual target)")
    p.add_argument("--positive-label", help="value of the target that counts as positive")
    p.add_argument("--sensitive", help="sensitive column(s), comma-separated")
    p.add_argument("--features", help="feature columns, comma-separated (default: all others "
                                      "except flagged identifier and leaking columns)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--model", choices=["logreg", "linear", "hgb", "rf"], default=None,
                     help="train a built-in model (default logreg; for a continuous target, "
                          "a regression audit, linear = ridge regression by default)")
    how.add_argument("--score-column", help="audit given scores or 0/1 decisions in this column")
    p.add_argument("--rescale-scores", action="store_true",
                   help="min-max rescale a score column outside [0, 1]")
    p.add_argument("--threshold", type=float, default=0.5,
                   help="decision threshold on the scores (default 0.5); mitigate and tradeoff "
                        "start every method from the base model's decisions at it")
    p.add_argument(aggregation_flag, dest="method", choices=METHODS, default="between_groups",
                   help="how gaps aggregate over groups")
    p.add_argument("--reference", help="reference group for --method vs_reference")
    p.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE)
    p.add_argument("--resamples", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m fairdash``."""
    parser = argparse.ArgumentParser(prog="python -m fairdash",
                                     description="Fairness audits from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("audit", help="Audit a model's decisions per group.")
    _data_options(p)
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.add_argument("--fail-on", action="append", metavar="GAP>BOUND",
                   help="exit 1 when a gap passes its bound, e.g. "
                        "'demographic_parity_difference>0.1' (repeatable; <, <= for ratios)")
    p.add_argument("--fail-on-ci", action="store_true",
                   help="judge --fail-on on the 95%% interval: fail only when all of it is "
                        "past the bound")
    p = sub.add_parser("methods", help="List the mitigation methods (the registry).")
    p.add_argument("--format", choices=["json", "table"], default="table")
    p = sub.add_parser("mitigate", help="Apply a mitigation and audit before and after on the "
                                        "held-out test split.")
    _data_options(p, aggregation_flag="--gap-method")
    p.add_argument("--method", dest="mitigation", required=True,
                   help="a method name from `python -m fairdash methods`")
    p.add_argument("--strength", type=float, required=True, help="in [0, 1]; 0 = no change")
    p.add_argument("--format", choices=["json"], default="json")
    p = sub.add_parser("tradeoff", help="Sweep mitigation methods over their strength: "
                                        "performance and a gap per point, with the Pareto front.")
    _data_options(p, aggregation_flag="--gap-method")
    p.add_argument("--methods", default="all",
                   help="method names, comma-separated, or 'all' (default)")
    p.add_argument("--points", type=int, default=None,
                   help="strengths per method (default 51 from 0 to 1 for the single-fit "
                        "post-processing fronts; 4 for methods refitted at each strength, plus "
                        "strength 0, the base model, which needs no fit)")
    p.add_argument("--performance", default=None,
                   choices=["accuracy", "balanced_accuracy", "negative_flip_rate", "rmse",
                            "mae"],
                   help="default accuracy (rmse for a continuous target)")
    p.add_argument("--gap", default=None,
                   help="any audit gap, e.g. equalized_odds_difference (default "
                        "demographic_parity_difference; mean_prediction_gap for a continuous "
                        "target)")
    p.add_argument("--jobs", type=int, default=2,
                   help="worker processes for the methods refitted at each strength")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p = sub.add_parser("compare", help="Negative and positive flips between two models on the "
                                       "held-out test split, overall and per group.")
    _data_options(p)
    for side, default in (("old", "base"), ("new", None)):
        p.add_argument(f"--{side}", default=default, required=default is None,
                       help="base | METHOD[@STRENGTH] | model:NAME | column:NAME"
                            + (" (default base)" if default else ""))
    p.add_argument("--flipped-rows", type=int, default=20,
                   help="how many flipped rows to list (negative flips first)")
    p.add_argument("--format", choices=["json"], default="json")
    cli_subgroups.add_parsers(sub, _data_options)  # slices, bounty
    cli_report.add_parsers(sub, _data_options)  # report
    return parser


def _roles(args, frame) -> fd_data.ColumnRoles:
    if args.sample and not args.target:
        base = fd_data.sample_roles(args.sample)
    else:
        if not args.target:
            raise FairDashError("--target is required with --data.")
        if args.target not in frame.columns:
            raise FairDashError(f"Column '{args.target}' (--target) is not in the table.")
        guess = fd_data.suggest_roles(frame.drop(columns=[]))
        flags = fd_data.flag_columns(frame, args.target)
        base = fd_data.ColumnRoles(
            args.target, fd_data.default_positive_label(frame[args.target]), guess.sensitive,
            tuple(c for c in frame.columns if c != args.target and c not in flags))
    sensitive = tuple(args.sensitive.split(",")) if args.sensitive else base.sensitive
    check_roles(args, args.target or base.target, sensitive)
    features = tuple(args.features.split(",")) if args.features else tuple(
        c for c in base.features if c not in sensitive or args.sample)
    features = tuple(c for c in features if c not in (args.target, args.score_column))
    return fd_data.ColumnRoles(args.target or base.target,
                               args.positive_label if args.positive_label is not None
                               else base.positive_label, sensitive, features, args.score_column)


def load_dataset(args):
    """The validated Dataset the data options describe."""
    if args.sample:
        frame = fd_data.load_sample(args.sample)
    else:
        try:
            raw = args.data.read_bytes()
        except OSError as exc:
            raise FairDashError(f"Cannot read '{args.data}': {exc.strerror}.") from None
        frame = fd_data.read_table(raw, args.data.name)
    return fd_data.build_dataset(frame, _roles(args, frame), rescale_scores=args.rescale_scores,
                                 random_state=args.seed)


def base_scores(args, ds):
    """Scores of the base model on every row, its name, and whether it was trained here."""
    if ds.roles.score_column:
        return ds.scores, f"scores:{ds.roles.score_column}", False
    from fairdash.models import (  # sklearn only when training
        default_learner,
        fit_builtin,
        score_dataset,
    )

    name = args.model or default_learner(ds.task)
    fitted = fit_builtin(ds, name, random_state=args.seed)
    return score_dataset(fitted, ds), name, True


def _provenance(args, ds, model: str) -> dict:
    """The provenance block: the data, roles, split, model, versions and this very command."""
    from fairdash.provenance import model_params, provenance

    params = {}
    if not ds.roles.score_column:
        from fairdash.models import make_model

        params = model_params(make_model(model, ds.X, task=ds.task, random_state=args.seed))
    return {"provenance": provenance(
        ds, source=f"sample:{args.sample}" if args.sample else str(args.data), model=model,
        model_params=params, threshold=None if ds.task == "regression" else args.threshold,
        seed=args.seed, command=shlex.join(["python", "-m", "fairdash", *args.argv]))}


def _header(args, ds, model: str, split: str, rows: int) -> dict:
    return {"task": ds.task, "data": args.sample or str(args.data), "model": model,
            "target": ds.roles.target,
            "positive_label": None if ds.task == "regression" else ds.roles.positive_label,
            "sensitive": list(ds.roles.sensitive),
            "rows_audited": rows, "audited_split": split}


def _audit_options(args) -> dict:
    return {"method": args.method, "reference": args.reference,
                "min_group_size": args.min_group_size, "n_resamples": args.resamples,
                "random_state": args.seed}


def run_audit(args) -> dict:
    """Load, validate, score and audit as the arguments say; returns the JSON-able result."""
    out = cli_engines.engine_audit(args) if cli_engines.wants_engine(args) else _audit(args)
    rules = getattr(args, "gate_rules", [])
    if rules:
        for rule in rules:  # a rule valid for one kind of audit may not apply to this one
            parse_gate(str(rule), gaps=tuple(out["gaps"]))
        out["gate"] = [v.to_dict() for v in check_gates(out["gaps"], rules, args.fail_on_ci)]
    return out


def _audit(args) -> dict:
    """The audit of the rows loaded into pandas (the held-out test split)."""
    ds = load_dataset(args)
    scores, model, trained_here = base_scores(args, ds)
    split = fd_data.AUDITED_SPLIT  # every kind of model: the held-out test rows
    mask = ds.rows(split)
    groups = ds.frame.loc[mask, list(ds.roles.sensitive)]
    out = _header(args, ds, model, split, int(mask.sum())) | _provenance(args, ds, model)
    if ds.task == "regression":  # a continuous target: no threshold, label or aggregation
        result = regression_audit(ds.y[mask], scores[mask], sensitive_features=groups,
                                  min_group_size=args.min_group_size,
                                  n_resamples=args.resamples, random_state=args.seed)
    else:
        result = audit(ds.y[mask], y_score=scores[mask], sensitive_features=groups,
                       threshold=args.threshold, **_audit_options(args))
    out.update(result.to_dict())
    caveat = None if trained_here else fd_data.outside_model_warning("scores")
    if caveat:
        out["warnings"] = [caveat, *out["warnings"]]
    return out


def run_methods(args) -> list:
    """The registry as JSON-able dicts."""
    from fairdash.mitigation import REGISTRY

    return [m.to_dict() for m in REGISTRY.values()]


def run_mitigate(args) -> dict:
    """Apply ``--method`` at ``--strength`` and audit before and after on the test split."""
    from fairdash.mitigation import EVALUATION_SPLIT, before_after, get_method, mitigate
    from fairdash.models import default_learner

    if cli_engines.wants_engine(args):  # group thresholds on counts of every row
        return cli_engines.engine_mitigate(args)
    if not 0.0 <= args.strength <= 1.0:
        raise FairDashError(f"--strength must lie in [0, 1]; got {args.strength}.")
    try:
        method = get_method(args.mitigation)
    except ValueError as exc:
        raise FairDashError(str(exc)) from None
    ds = load_dataset(args)
    if ds.roles.score_column and method.inputs == "features":
        raise FairDashError(f"{method.label} trains a new model, so it cannot mitigate the given "
                            f"scores in '{ds.roles.score_column}'; with --score-column only "
                            "post-processing methods apply.")
    scores, model, _ = base_scores(args, ds)
    learner = args.model or default_learner(ds.task)
    result = mitigate(ds, method, args.strength, base_scores=scores, base_name=learner,
                      base_key=model, random_state=args.seed, threshold=args.threshold)
    ba = before_after(ds, scores, result, threshold=args.threshold,
                      base_decisions_only=bool(ds.roles.score_column and ds.scores_are_decisions),
                      **_audit_options(args))
    rows = ba.rows
    after_name = f"{model} + {method.name} (strength {args.strength:g})"
    before = _header(args, ds, model, EVALUATION_SPLIT, rows) | ba.before.to_dict()
    after = _header(args, ds, after_name, EVALUATION_SPLIT, rows) | ba.after.to_dict()
    perf = {k: {c: finite(v) for c, v in row.items()}
            for k, row in ba.performance.to_dict(orient="index").items()}
    return {"method": method.to_dict(), "strength": args.strength, "native": result.native,
            "fit_split": result.fit_split, "decisions_randomised": result.decisions_only,
            "changed_decisions": ba.changed, "performance": perf,
            "warnings": _outside(ds) + list(result.warnings), "before": before,
            "after": after} | _provenance(args, ds, model)


def _outside(ds) -> list:
    """The caveat of given scores (their model may have seen the test rows), as a list."""
    return [fd_data.outside_model_warning("scores")] if ds.roles.score_column else []


def run_tradeoff(args):
    """Sweep the chosen methods and measure every point on the test split."""
    from fairdash.mitigation import EVALUATION_SPLIT
    from fairdash.tradeoff import sweep

    ds = load_dataset(args)
    regression = ds.task == "regression"
    performance = args.performance or ("rmse" if regression else "accuracy")
    gap = args.gap or ("mean_prediction_gap" if regression else "demographic_parity_difference")
    methods = "all" if args.methods == "all" else [m.strip() for m in args.methods.split(",")
                                                   if m.strip()]
    if ds.roles.score_column and methods == "all":  # given scores: nothing to retrain
        from fairdash.mitigation import methods_for

        methods = [m.name for m in methods_for(ds.task, has_features=False,
                                               n_sensitive=len(ds.roles.sensitive))]
    elif ds.roles.score_column:
        from fairdash.mitigation import get_method

        trained = [m for m in methods if get_method(m).inputs == "features"]
        if trained:
            raise FairDashError(f"'{trained[0]}' trains a new model, so it cannot run on the "
                                f"given scores in '{ds.roles.score_column}'; with --score-column "
                                "only post-processing methods apply.")
    scores, model, _ = base_scores(args, ds)
    table = sweep(ds, methods, args.points, base_scores=scores, performance=performance,
                  gap=gap, threshold=args.threshold, base_key=model,
                  base_name=args.model or ("linear" if regression else "logreg"),
                  random_state=args.seed, n_resamples=args.resamples,
                  gap_method=args.method, reference=args.reference,
                  min_group_size=args.min_group_size, n_jobs=max(1, args.jobs))
    if args.format == "csv":
        return table
    header = _header(args, ds, model, EVALUATION_SPLIT, int(ds.rows(EVALUATION_SPLIT).sum()))
    records = [{k: finite(v) if isinstance(v, float) else v for k, v in r.items()}
               for r in table.to_dict(orient="records")]
    return header | {"performance": performance, "gap": gap, "points": records} | _provenance(
        args, ds, model)


def run_compare(args) -> dict:
    """Flip report of ``--old`` against ``--new`` on the test split."""
    from fairdash.compare import compare_models, parse_spec
    from fairdash.mitigation import EVALUATION_SPLIT

    old, new = parse_spec(args.old), parse_spec(args.new)
    ds = load_dataset(args)
    if ds.roles.score_column and "method" in (old.kind, new.kind):
        from fairdash.mitigation import get_method

        spec = old if old.kind == "method" else new
        if get_method(spec.name).inputs == "features":
            raise FairDashError(f"{get_method(spec.name).label} trains a new model, so it "
                                "cannot build on the given scores in "
                                f"'{ds.roles.score_column}'.")
    scores, model, _ = base_scores(args, ds)
    report = compare_models(ds, old, new, scores, threshold=args.threshold,
                            base_name=args.model or "logreg",
                            min_group_size=args.min_group_size, random_state=args.seed)
    out = _header(args, ds, model, EVALUATION_SPLIT, int(ds.rows(EVALUATION_SPLIT).sum()))
    out |= _provenance(args, ds, model)
    flips = report.flips.sort_values("kind").head(max(args.flipped_rows, 0))
    rows = [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
            for r in flips.to_dict(orient="records")]
    return out | {"old": old.text(), "new": new.text(), "old_label": old.label(),
                  "new_label": new.label()} | report.to_dict() | {"flipped": rows}


def main(argv=None) -> int:
    """Entry point; returns the exit status."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    args = build_parser().parse_args(argv)
    args.argv = argv  # the provenance block quotes the command
    run = {"audit": run_audit, "methods": run_methods, "mitigate": run_mitigate,
           "tradeoff": run_tradeoff, "compare": run_compare,
           "slices": lambda a: cli_subgroups.run_slices(a, load_dataset, base_scores),
           "bounty": lambda a: cli_subgroups.run_bounty(a, load_dataset),
           "report": lambda a: cli_report.run_report(a, load_dataset, base_scores)}[args.command]
    try:
        check_args(args)
        if args.command not in cli_engines.ENGINE_COMMANDS and hasattr(args, "engine"):
            cli_engines.wants_engine(args)  # refuses an engine where the command needs rows
        out = run(args)
    except (FairDashError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        print(safe_csv(out, index=False), end="")
    elif args.format == "json":
        print(json.dumps(out, indent=2))
    elif args.command in cli_subgroups.TABLES:
        print(cli_subgroups.TABLES[args.command](out))
    else:
        print(format_methods(out) if args.command == "methods" else format_table(out))
    failed = [g for g in out.get("gate", []) if not g["passed"]] if isinstance(out, dict) else []
    for g in failed:  # one line per violated rule; the verdicts of all are in the output
        print(g["verdict"], file=sys.stderr)
    return 1 if failed else 0
