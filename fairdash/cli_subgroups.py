"""``python -m fairdash slices`` and ``python -m fairdash bounty`` (registered by
:mod:`fairdash.cli`, which passes in its shared data options and loaders, so this module never
imports it).

Bad input prints one sentence on stderr and exits with status 2, as every command does.
"""

from __future__ import annotations

from fairdash.exceptions import FairDashError

__all__ = ["TABLES", "add_parsers", "format_slices", "run_bounty", "run_slices"]

RATE_CHOICES = ["error", "fpr", "fnr", "selection", "mae"]


def _search_options(p) -> None:
    p.add_argument("--max-depth", type=int, default=3,
                   help="most conditions in a slice (1-5, default 3)")
    p.add_argument("--min-support", type=float, default=0.01,
                   help="smallest slice as a share of the searched rows (default 0.01; never "
                        "fewer than 30 rows)")
    p.add_argument("--fdr", type=float, default=0.05,
                   help="false discovery rate of the confirmed slices (default 0.05)")
    p.add_argument("--bins", type=int, default=5, help="quantile bins per numeric column")
    p.add_argument("--candidates", type=int, default=50,
                   help="slices carried from the discovery half to the confirmation half")
    p.add_argument("--score", choices=["fairdash", "sliceline"], default="fairdash",
                   help="ranking of the search: FairDash's z statistic or SliceLine's score")
    p.add_argument("--alpha", type=float, default=0.95,
                   help="SliceLine's weight of the error against the size (with --score "
                        "sliceline; default 0.95)")


def add_parsers(sub, data_options) -> None:
    """Add ``slices`` and ``bounty`` to the subparsers ``sub``; ``data_options(parser)`` adds
    the data and model options the other commands share."""
    p = sub.add_parser("slices", help="Find slices (up to --max-depth conditions on feature "
                                      "and sensitive columns) where a rate is worse than on "
                                      "the rest, confirmed on held-out rows.")
    data_options(p)
    p.add_argument("--rate", choices=RATE_CHOICES, default=None,
                   help="default error (mae for a continuous target)")
    _search_options(p)
    p.add_argument("--top", type=int, default=10, help="slices printed (default 10)")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p = sub.add_parser("bounty", help="Bias-bounty hunt: train a model on each confirmed "
                                      "slice, accept it where held-out rows show it is better, "
                                      "and patch the model as a decision list.")
    data_options(p)
    _search_options(p)
    p.add_argument("--rounds", type=int, default=3, help="most rounds (default 3)")
    p.add_argument("--learner", choices=["logreg", "hgb", "linear", "rf"], default=None,
                   help="built-in model trained on each slice (default logreg; linear for a "
                        "continuous target)")
    p.add_argument("--max-submissions", type=int, default=10,
                   help="confirmed slices submitted per round (default 10)")
    p.add_argument("--accept-p", type=float, default=0.05,
                   help="significance level of each acceptance test (default 0.05)")
    p.add_argument("--format", choices=["json"], default="json")


def _search_kwargs(args, rate=None) -> dict:
    """The search options, refused before any data is loaded when they cannot work."""
    from fairdash.subgroups import check_search_options

    check_search_options(rate=rate or "error", score=args.score, max_depth=args.max_depth,
                         min_support=args.min_support, fdr=args.fdr,
                         candidates=args.candidates)
    if args.bins < 2:
        raise FairDashError(f"--bins must be at least 2; got {args.bins}.")
    if not 0 < args.alpha <= 1:
        raise FairDashError(f"--alpha must lie in (0, 1]; got {args.alpha}.")
    return {"max_depth": args.max_depth, "min_support": args.min_support, "fdr": args.fdr,
            "n_bins": args.bins, "candidates": args.candidates, "score": args.score,
            "alpha": args.alpha}


def run_slices(args, load_dataset, base_scores) -> dict:
    """Search the test split and return ``{"tested", "slices"}`` (the first ``--top``)."""
    if args.top < 1:  # the cheap checks first, before the library loads
        raise FairDashError(f"--top must be at least 1; got {args.top}.")
    from fairdash.subgroups import RATES, find_slices

    options = _search_kwargs(args, args.rate)
    ds = load_dataset(args)
    scores, model, _ = base_scores(args, ds)
    result = find_slices(ds, scores, rate=args.rate, threshold=args.threshold,
                         random_state=args.seed, **options)
    out = result.to_dict(top=args.top)
    if args.format == "table":  # the table also names the data, model and rows
        out["_about"] = {"data": args.sample or str(args.data), "model": model,
                         "rate": RATES[result.rate][0], "fdr": result.fdr,
                         "rows": [result.rows_discovery, result.rows_confirmation],
                         "confirmed": int(result.slices["confirmed"].sum())}
    return out


def run_bounty(args, load_dataset) -> dict:
    """Hunt on the dataset with the built-in base model; returns ``{"rounds", "final"}``."""
    if args.score_column:  # the cheap checks first, before the library loads
        raise FairDashError("The bounty patches a model, so it needs a built-in model "
                            f"(--model), not the given scores in '{args.score_column}'.")
    if args.rounds < 1:
        raise FairDashError(f"--rounds must be at least 1; got {args.rounds}.")
    if args.max_submissions < 1:
        raise FairDashError(f"--max-submissions must be at least 1; got {args.max_submissions}.")
    if not 0 < args.accept_p <= 1:
        raise FairDashError(f"--accept-p must lie in (0, 1]; got {args.accept_p}.")
    from fairdash.models import default_learner, fit_builtin
    from fairdash.subgroups import hunt

    options = _search_kwargs(args)
    ds = load_dataset(args)
    model = fit_builtin(ds, args.model or default_learner(ds.task), random_state=args.seed)
    result = hunt(ds, model, rounds=args.rounds, learner=args.learner,
                  threshold=args.threshold, max_submissions=args.max_submissions,
                  accept_level=args.accept_p, random_state=args.seed, **options)
    return result.to_dict()


def format_slices(out: dict) -> str:
    """Human-readable text of a slices result."""
    about = out.get("_about", {})
    def fmt(v):
        return "n/a" if v is None else f"{v:.3f}"

    lines = []
    if about:
        lines += [(f"{about['data']}: {about['model']}, {about['rate']} on the test split "
                   f"(search on {about['rows'][0]:,} rows, confirmation on "
                   f"{about['rows'][1]:,}); {out['tested']} slices tested, "
                   f"{about['confirmed']} confirmed at FDR {about['fdr']:g}"), ""]
    lines.append(f"{'':<3}{'n':>7}{'rate':>8}{'rest':>8}{'effect':>8}{'95% CI':>18}"
                 f"{'q':>8}  rule")
    for s in out["slices"]:
        ci = f"[{fmt(s['ci_low'])}, {fmt(s['ci_high'])}]"
        mark = "*" if s["confirmed"] else " "
        lines.append(f"{mark:<3}{s['n']:>7,}{fmt(s['rate']):>8}{fmt(s['rate_rest']):>8}"
                     f"{fmt(s['effect']):>8}{ci:>18}{fmt(s['q_value']):>8}  {s['rule']}")
    if not out["slices"]:
        lines.append("(no slice with enough rows had a higher rate than the rest)")
    lines += ["", ("* confirmed on the confirmation half. A slice is a place to look, not a "
                   "cause.")]
    return "\n".join(lines)


#: command -> formatter of ``--format table``
TABLES = {"slices": format_slices}
