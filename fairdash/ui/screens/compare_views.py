"""Compare screen, part two: headline numbers, flip matrix, who pays, tables, download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash import viz
from fairdash._safe_csv import safe_csv
from fairdash.compare import who_pays as judge
from fairdash.metrics import GAPS
from fairdash.ui import format as fmt
from fairdash.ui import shell

#: gaps shown for both models
COMPARED_GAPS = ("demographic_parity_difference", "equalized_odds_difference")


def headline(report, old, new) -> None:
    """Accuracy of both, NFR, PFR and churn, with their meaning."""
    o = report.overall
    a, b, c, d = st.columns(4)
    a.metric("Accuracy old → new", f"{o['accuracy_old']:.3f} → {o['accuracy_new']:.3f}",
             f"{o['accuracy_new'] - o['accuracy_old']:+.3f}")
    b.metric("Negative flip rate", fmt.pct(o["nfr"], 2),
             help=f"Share of test rows the {old.label()} decided right and the {new.label()} "
                  f"decides wrong; 95 % interval {fmt.pct(o['nfr_low'], 2)} to "
                  f"{fmt.pct(o['nfr_high'], 2)}.")
    c.metric("Positive flip rate", fmt.pct(o["pfr"], 2),
             help="Share of test rows the old model decided wrong and the new one right. "
                  "Accuracy change = positive minus negative flip rate.")
    d.metric("Decisions changed", fmt.pct(o["churn"], 2),
             help=f"{fmt.pct(o['churn_down'], 2)} moved from accepted to rejected, "
                  f"{fmt.pct(o['churn_up'], 2)} from rejected to accepted.")
    st.caption(f"Of the people the old model decided right, {fmt.pct(o['conditional_nfr'], 2)} "
               f"are decided wrong by the new one (conditional NFR). Relative NFR "
               f"{o['nfr_relative']:.2f}: 1 is what two models erring independently would "
               "give, lower means the new model keeps more of the old one's right calls.")


def flip_matrix(report) -> None:
    """Expected test rows by (old right/wrong) x (new right/wrong)."""
    o = report.overall
    n = float(o["n"])
    cells = {"new right": [n * (o["accuracy_old"] - o["nfr"]), n * o["pfr"]],
             "new wrong": [n * o["nfr"], n * (1 - o["accuracy_old"] - o["pfr"])]}
    frame = pd.DataFrame(cells, index=["old right", "old wrong"])
    st.table(frame.map(lambda v: f"{v:,.0f} ({v / n:.1%})"))


def who_pays(report) -> None:
    """A plain sentence on the group the update fails most (or that no group clearly does),
    and the per-group bars."""
    st.markdown(f"**Who pays for the update:** {fmt.md(judge(report).sentence)}")
    st.plotly_chart(viz.flip_bars_figure(report.groups), key="fig_flips")


def groups_table(report, audits) -> None:
    """Per group: n, NFR, PFR, churn down/up, accuracy of both; then the gaps of both."""
    g = report.groups
    table = pd.DataFrame({
        "n (test rows)": [fmt.count(n) for n in g["n"]],
        "NFR": [fmt.pct_ci(v, lo, hi) for v, lo, hi in zip(g["nfr"], g["nfr_low"],
                                                           g["nfr_high"])],
        "PFR": [fmt.pct_ci(v, lo, hi) for v, lo, hi in zip(g["pfr"], g["pfr_low"],
                                                           g["pfr_high"])],
        "accepted → rejected": [fmt.pct(v) for v in g["churn_down"]],
        "rejected → accepted": [fmt.pct(v) for v in g["churn_up"]],
        "accuracy old → new": [f"{fmt.pct(a)} → {fmt.pct(b)}"
                               for a, b in zip(g["accuracy_old"], g["accuracy_new"])],
    }, index=pd.Index([str(i) for i in g.index], name="group"))
    shell.group_dataframe(table)
    old, new = audits
    gaps = pd.DataFrame({
        "old": [fmt.num(old.gaps.loc[k, "value"]) for k in COMPARED_GAPS],
        "new": [fmt.num(new.gaps.loc[k, "value"]) for k in COMPARED_GAPS],
    }, index=[GAPS[k].label for k in COMPARED_GAPS])
    st.caption("Fairness gaps of both models on the same test rows (smaller is fairer):")
    st.table(gaps)


def download(report, dataset) -> None:
    """The flipped test rows with their columns, negative flips first."""
    flips = report.flips.sort_values(["kind", "probability"], ascending=[True, False])
    rows = dataset.frame.loc[flips["row"]].reset_index(names="row")
    out = pd.concat([flips[["kind", "probability", "old", "new"]].reset_index(drop=True),
                     rows], axis=1)
    st.download_button(f"Download the {len(flips):,} flipped rows (CSV)",
                       safe_csv(out, index=False), file_name="fairdash_flips.csv",
                       mime="text/csv", key="w_compare_download",
                       help="Every test row whose decision changed, with its columns; "
                            "probability < 1 for randomised decisions.")
