"""Plain-text tables of the command line's results (``--format table``)."""

from __future__ import annotations

import math


def finite(v):
    """A float for JSON and tables, or None for a missing or NaN value."""
    return None if v is None or math.isnan(v) else float(v)


def format_regression_table(out: dict) -> str:
    """Human-readable text of a regression audit result."""
    def fmt(v):
        return "n/a" if v is None else f"{v:.4g}"

    lines = [(f"{out['data']}: {out['model']}, {out['rows_audited']:,} rows audited "
             f"({out['audited_split']} split), regression audit of {out['target']}"), ""]
    cols = ["n", "mean_target", "mean_prediction", "mean_error", "mae", "rmse", "r2"]
    lines.append(f"{'group':<28}" + "".join(f"{c:>16}" for c in cols))
    for g in out["groups"]:
        cells = [f"{g['n']:>16,}"] + [f"{fmt(g[c]):>16}" for c in cols[1:]]
        lines.append(f"{g['group'][:27]:<28}" + "".join(cells))
    lines += ["", f"{'gap':<34}{'value':>11}{'95% CI':>24}{'p':>8}"]
    for name, g in out["gaps"].items():
        lines.append(f"{name:<34}{fmt(g['value']):>11}"
                     f"{'[' + fmt(g['ci_low']) + ', ' + fmt(g['ci_high']) + ']':>24}"
                     f"{'n/a' if g['p_value'] is None else format(g['p_value'], '.3f'):>8}")
    lines += [f"note: {w}" for w in out["warnings"]]
    lines += [f"gate: {g['verdict']}" for g in out.get("gate", [])]
    return "\n".join(lines)


def format_table(out: dict) -> str:
    """Human-readable text of an audit result."""
    if out.get("task") == "regression":
        return format_regression_table(out)
    lines = [(f"{out['data']}: {out['model']}, {out['rows_audited']:,} rows audited "
             f"({out['audited_split']} split), threshold {out['threshold']}"), ""]
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
    lines += [f"gate: {g['verdict']}" for g in out.get("gate", [])]
    return "\n".join(lines)


def format_methods(methods: list) -> str:
    """One line per registered method."""
    lines = [(f"{'name':<24}{'stage':<7}{'criterion':<32}{'tasks':<27}{'group at decision':<19}"
             "randomised")]
    for m in methods:
        lines.append(f"{m['name']:<24}{m['stage']:<7}{m['criterion']:<32}"
                     f"{','.join(m['tasks']):<27}"
                     f"{'yes' if m['needs_sensitive_at_predict'] else 'no':<19}"
                     f"{'yes' if m['randomised'] else 'no'}")
    return "\n".join(lines)
