"""Command line: ``python -m fairdash audit ...``.

Bad input prints one clear sentence on stderr and exits with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


from fairdash import data as fd_data
from fairdash.exceptions import FairDashError
from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE, METHODS, audit


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m fairdash``."""
    parser = argparse.ArgumentParser(prog="python -m fairdash",
                                     description="Fairness audits from the command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("audit", help="Audit a model's decisions per group.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--sample", choices=sorted(fd_data.SAMPLES), help="a bundled data set")
    src.add_argument("--data", type=Path, help="CSV (optionally gzipped) or Parquet file")
    p.add_argument("--target", help="outcome column (default for samples: its usual target)")
    p.add_argument("--positive-label", help="value of the target that counts as positive")
    p.add_argument("--sensitive", help="sensitive column(s), comma-separated")
    p.add_argument("--features", help="feature columns, comma-separated (default: all others "
                                      "except flagged identifier and leaking columns)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--model", choices=["logreg", "hgb", "rf"], default=None,
                     help="train a built-in model (default logreg)")
    how.add_argument("--score-column", help="audit given scores or 0/1 decisions in this column")
    p.add_argument("--rescale-scores", action="store_true",
                   help="min-max rescale a score column outside [0, 1]")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--method", choices=METHODS, default="between_groups")
    p.add_argument("--reference", help="reference group for --method vs_reference")
    p.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE)
    p.add_argument("--resamples", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", choices=["json", "table"], default="json")
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
    features = tuple(args.features.split(",")) if args.features else tuple(
        c for c in base.features if c not in sensitive or args.sample)
    features = tuple(c for c in features if c not in (args.target, args.score_column))
    return fd_data.ColumnRoles(args.target or base.target,
                               args.positive_label if args.positive_label is not None
                               else base.positive_label, sensitive, features, args.score_column)


def run_audit(args) -> dict:
    """Load, validate, score and audit as the arguments say; returns the JSON-able result."""
    if args.sample:
        frame = fd_data.load_sample(args.sample)
    else:
        try:
            raw = args.data.read_bytes()
        except OSError as exc:
            raise FairDashError(f"Cannot read '{args.data}': {exc.strerror}.") from None
        frame = fd_data.read_table(raw, args.data.name)
    ds = fd_data.build_dataset(frame, _roles(args, frame), rescale_scores=args.rescale_scores,
                               random_state=args.seed)
    split = ds.audited_split(trained_here=not ds.roles.score_column)
    mask = ds.rows(split)
    if ds.roles.score_column:
        scores, model = ds.scores, f"scores:{ds.roles.score_column}"
    else:
        from fairdash.models import fit_builtin, score_dataset  # sklearn only when training

        name = args.model or "logreg"
        fitted = fit_builtin(ds, name, random_state=args.seed)
        scores, model = score_dataset(fitted, ds)[mask], name
    result = audit(ds.y[mask], y_score=scores, sensitive_features=ds.frame.loc[mask, list(
        ds.roles.sensitive)], threshold=args.threshold, method=args.method,
        reference=args.reference, min_group_size=args.min_group_size,
        n_resamples=args.resamples, random_state=args.seed)
    out = {"data": args.sample or str(args.data), "model": model,
           "target": ds.roles.target, "positive_label": ds.roles.positive_label,
           "sensitive": list(ds.roles.sensitive), "rows_audited": int(mask.sum()),
           "audited_split": split}
    out.update(result.to_dict())
    return out


def format_table(out: dict) -> str:
    """Human-readable text of an audit result."""
    lines = [f"{out['data']}: {out['model']}, {out['rows_audited']:,} rows audited "
             f"({out['audited_split']} split), threshold {out['threshold']}", ""]
    cols = ["n", "base_rate", "selection_rate", "tpr", "fpr", "ppv", "accuracy"]
    lines.append(f"{'group':<28}" + "".join(f"{c:>15}" for c in cols))
    for g in out["groups"]:
        cells = [f"{g['n']:>15,}"] + [
            f"{'n/a' if g[c] is None else format(g[c], '.3f'):>15}" for c in cols[1:]]
        lines.append(f"{g['group'][:27]:<28}" + "".join(cells))
    lines += ["", f"{'gap':<34}{'value':>9}{'95% CI':>20}{'p':>8}"]
    for name, g in out["gaps"].items():
        fmt = (lambda v: "n/a" if v is None else f"{v:.3f}")
        lines.append(f"{name:<34}{fmt(g['value']):>9}"
                     f"{'[' + fmt(g['ci_low']) + ', ' + fmt(g['ci_high']) + ']':>20}"
                     f"{fmt(g['p_value']):>8}")
    lines += [f"note: {w}" for w in out["warnings"]]
    return "\n".join(lines)


def main(argv=None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        out = run_audit(args)
    except (FairDashError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out, indent=2) if args.format == "json" else format_table(out))
    return 0
