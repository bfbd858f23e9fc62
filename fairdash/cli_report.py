"""``python -m fairdash report``: one self-contained HTML report (registered by
:mod:`fairdash.cli`, which passes in its shared data options and loaders, so this module never
imports it).

The audit in the report is the ``audit`` command's, on the same options; ``--mitigation``,
``--compare``, ``--tradeoff`` and ``--slices`` add their sections. It prints a small JSON
(the file written, its size, the sections, the gate verdicts) and exits 1 when a ``--fail-on``
rule fails (the report is written anyway), 2 with one sentence for bad input.
"""

from __future__ import annotations

from pathlib import Path

from fairdash.exceptions import FairDashError

__all__ = ["add_parsers", "run_report"]


def add_parsers(sub, data_options) -> None:
    """Add ``report`` to the subparsers ``sub``; ``data_options(parser)`` adds the data and
    model options the other commands share."""
    p = sub.add_parser("report", help="Write one self-contained HTML report: a plain-language "
                                      "summary, the audit with a threshold control, and the "
                                      "mitigation, comparison, tradeoff and slices asked for.")
    data_options(p)
    p.add_argument("-o", "--output", type=Path, required=True, help="the HTML file to write")
    p.add_argument("--mitigation", metavar="METHOD@STRENGTH",
                   help="a mitigation to report before and after, e.g. thresholds_dp@0.8 "
                        "(strength 1 when left out)")
    p.add_argument("--compare", metavar="OLD,NEW",
                   help="a model update to report, each side base | METHOD[@STRENGTH] | "
                        "model:NAME | column:NAME, e.g. base,model:hgb")
    p.add_argument("--tradeoff", action="store_true",
                   help="add the tradeoff chart of the single-fit post-processing fronts "
                        "(the --mitigation point ringed when it is on one)")
    p.add_argument("--slices", action="store_true",
                   help="add the slices with a higher error rate (as `slices` finds them)")
    p.add_argument("--fail-on", action="append", metavar="GAP>BOUND",
                   help="a gate rule shown as a pass/fail badge; exit 1 when one fails "
                        "(repeatable, as for `audit`)")
    p.add_argument("--fail-on-ci", action="store_true",
                   help="judge --fail-on on the 95%% interval")
    p.add_argument("--title", help="the report's title")
    p.add_argument("--plain-js", action="store_true",
                   help="embed plotly.js uncompressed (4.8 MB; for browsers older than 2023)")
    p.add_argument("--format", choices=["json"], default="json")


def _method_spec(text: str):
    from fairdash.compare import parse_spec

    spec = parse_spec(text)
    if spec.kind != "method":
        raise FairDashError(f"--mitigation '{text}' is not a method; write METHOD@STRENGTH, "
                            "for example thresholds_dp@0.8 (see `python -m fairdash methods`).")
    return spec


def _compare_specs(text: str):
    from fairdash.compare import parse_spec

    sides = [s.strip() for s in text.split(",")]
    if len(sides) != 2 or not all(sides):
        raise FairDashError(f"--compare must name two models as OLD,NEW, for example "
                            f"base,model:hgb; got '{text}'.")
    return parse_spec(sides[0]), parse_spec(sides[1])


def _check_output(path: Path) -> None:
    if path.is_dir():
        raise FairDashError(f"-o '{path}' is a folder; name the HTML file to write.")
    if not path.parent.is_dir():
        raise FairDashError(f"-o '{path}': the folder '{path.parent}' does not exist.")


def _refuse_retraining(ds, specs) -> None:
    from fairdash.mitigation import get_method

    for spec in specs:
        if ds.roles.score_column and spec.kind == "method" and \
                get_method(spec.name).inputs == "features":
            raise FairDashError(f"{get_method(spec.name).label} trains a new model, so it "
                                "cannot build on the given scores in "
                                f"'{ds.roles.score_column}'; with --score-column only "
                                "post-processing methods apply.")


def _params(args, ds) -> dict:
    if ds.roles.score_column:
        return {}
    from fairdash.models import default_learner, make_model
    from fairdash.provenance import model_params

    name = args.model or default_learner(ds.task)
    return model_params(make_model(name, ds.X, task=ds.task, random_state=args.seed))


def _command(args, ds) -> str:
    from fairdash.provenance import cli_command

    extra = []
    for flag in ("mitigation", "compare", "title"):
        if getattr(args, flag):
            extra += [f"--{flag}", getattr(args, flag)]
    extra += ["--tradeoff"] * args.tradeoff + ["--slices"] * args.slices
    for rule in args.fail_on or []:
        extra += ["--fail-on", rule]
    extra += ["--fail-on-ci"] * args.fail_on_ci
    if args.method != "between_groups":
        extra += ["--method", args.method] + (["--reference", args.reference]
                                              if args.reference else [])
    extra += ["-o", str(args.output)]
    return cli_command(_source(args), ds.roles, model=args.model or "logreg",
                       threshold=args.threshold, rescale_scores=args.rescale_scores,
                       seed=args.seed, command="report", extra=tuple(extra))


def _model_name(ds, model: str) -> str:
    """A built-in model's label (``Logistic regression``), or the given scores' column."""
    if ds.roles.score_column:
        return f"Given scores in column '{ds.roles.score_column}'"
    from fairdash.models import builtin_models

    return builtin_models(ds.task).get(model, model)


def _source(args) -> str:
    return f"sample:{args.sample}" if args.sample else str(args.data)


def run_report(args, load_dataset, base_scores) -> dict:
    """Compute what the options ask for, write the report and return what was written."""
    _check_output(args.output)  # the cheap checks first, before the data loads
    spec = _method_spec(args.mitigation) if args.mitigation else None
    pair = _compare_specs(args.compare) if args.compare else None
    from fairdash.provenance import provenance
    from fairdash.report import Comparison, build_report

    ds = load_dataset(args)
    if ds.task != "classification":
        raise FairDashError(f"The report covers yes/no outcomes; the target "
                            f"'{ds.roles.target}' is continuous (use `python -m fairdash "
                            "audit` for a regression audit).")
    _refuse_retraining(ds, ([spec] if spec else []) + list(pair or ()))
    scores, model, _ = base_scores(args, ds)
    learner = args.model or "logreg"
    audit_kw = {"method": args.method, "reference": args.reference,
                "min_group_size": args.min_group_size, "n_resamples": args.resamples,
                "random_state": args.seed}
    kw = {}
    if spec is not None:
        from fairdash.mitigation import mitigate

        kw["mitigation"] = mitigate(ds, spec.name, spec.strength, base_scores=scores,
                                    base_name=learner, base_key=model,
                                    random_state=args.seed, threshold=args.threshold)
    if pair is not None:
        from fairdash.compare import compare_models

        old, new = pair
        kw["comparison"] = Comparison(
            compare_models(ds, old, new, scores, threshold=args.threshold, base_name=learner,
                           min_group_size=args.min_group_size, random_state=args.seed),
            old.label(), new.label())
    if args.tradeoff:
        from fairdash.report import tradeoff_input

        kw["tradeoff"] = tradeoff_input(
            ds, scores, threshold=args.threshold, random_state=args.seed,
            selected=(spec.name, spec.strength) if spec is not None else None,
            **{k: v for k, v in audit_kw.items() if k != "random_state"})
    if args.slices:
        from fairdash.subgroups import find_slices

        kw["slices"] = find_slices(ds, scores, threshold=args.threshold, random_state=args.seed)
    prov = provenance(ds, source=_source(args), model=model, model_params=_params(args, ds),
                      threshold=args.threshold, seed=args.seed, command=_command(args, ds))
    html = build_report(ds, scores, threshold=args.threshold, provenance=prov,
                        model_name=_model_name(ds, model), gate_rules=args.gate_rules,
                        gate_on_interval=args.fail_on_ci, title=args.title,
                        plotly_js="plain" if args.plain_js else "gzip", **audit_kw, **kw)
    try:
        args.output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise FairDashError(f"Cannot write '{args.output}': {exc.strerror}.") from None
    out = {"output": str(args.output), "bytes": len(html.encode("utf-8")),
           "sections": [s for s in ("mitigation", "comparison", "tradeoff", "slices")
                        if s in kw]}
    if args.gate_rules:
        from fairdash.data import AUDITED_SPLIT
        from fairdash.metrics import audit, check_gates

        # the badges' verdicts: the `audit` command's gaps at the threshold
        mask = ds.rows(AUDITED_SPLIT)
        result = audit(ds.y[mask], y_score=scores[mask], threshold=args.threshold,
                       sensitive_features=ds.frame.loc[mask, list(ds.roles.sensitive)],
                       **audit_kw)
        out["gate"] = [v.to_dict() for v in check_gates(result.to_dict()["gaps"],
                                                        args.gate_rules, args.fail_on_ci)]
    return out
