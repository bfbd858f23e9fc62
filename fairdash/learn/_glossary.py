"""The glossary: every term the lessons use, with where its maths is, and term links."""

from __future__ import annotations

import re

#: anchor -> (term, definition, other spellings linked to it, docs/methods.md section)
GLOSSARY = {
    "base-rate": ("Base rate", "The share of a group whose true outcome is positive.",
                  ("base rate", "base rates"), "§9.1"),
    "selection-rate": ("Selection rate", ("The share of a group the model decides positive "
                       "(selects), whatever their true outcome."),
                       ("selection rate", "selection rates"), "§9.1"),
    "true-positive-rate": ("True positive rate (TPR)", ("Of the truly positive people, the "
                           "share selected. 1 − TPR is the false negative rate."),
                           ("true positive rate", "true positive rates", "TPR"), "§9.1"),
    "false-positive-rate": ("False positive rate (FPR)", ("Of the truly negative people, the "
                            "share wrongly selected."),
                            ("false positive rate", "false positive rates", "FPR"), "§9.1"),
    "false-negative-rate": ("False negative rate (FNR)", ("Of the truly positive people, the "
                            "share wrongly rejected: 1 − TPR."),
                            ("false negative rate", "false negative rates", "FNR"), "§9.1"),
    "precision": ("Precision (PPV)", ("Of the selected people, the share truly positive "
                  "(positive predictive value)."), ("precision", "PPV"), "§9.1"),
    "accuracy": ("Accuracy", ("The share of people decided right (selected positives plus "
                 "rejected negatives)."), ("accuracy",), "§9.1"),
    "confusion-counts": ("Confusion counts", ("Per group, the numbers of true negatives (tn), "
                         "false positives (fp), false negatives (fn) and true positives (tp). "
                         "Every rate above is a ratio of these."),
                         ("confusion counts",), "§9.1"),
    "threshold": ("Threshold", "The score at or above which the model decides positive.",
                  ("threshold", "thresholds"), "§0"),
    "demographic-parity": ("Demographic parity", ("Equal selection rates across groups; its "
                           "gap is the largest minus the smallest selection rate."),
                           ("demographic parity",), "§9.2"),
    "equal-opportunity": ("Equal opportunity", ("Equal true positive rates across groups "
                          "(Hardt, Price & Srebro 2016)."), ("equal opportunity",
                                                            "equal-opportunity"), "§9.2"),
    "equalized-odds": ("Equalized odds", ("Equal true positive rates and equal false positive "
                       "rates across groups; its gap is the larger of the two gaps."),
                       ("equalized odds",), "§9.2"),
    "predictive-parity": ("Predictive parity", "Equal precision across groups.",
                          ("predictive parity",), "§9.2"),
    "calibration": ("Calibration", ("A score is calibrated in a group when, among the people "
                    "with score s, a share s is truly positive."), ("calibrated", "calibration"),
                    "§12.2"),
    "impossibility": ("Impossibility results", ("With different base rates, a calibrated score "
                      "cannot also give equal FPR and FNR (Chouldechova 2017; Kleinberg, "
                      "Mullainathan & Raghavan 2016)."), ("identity", "impossibility"), "§12.2"),
    "group-thresholds": ("Group thresholds", ("One threshold per group, chosen by a linear "
                         "program to be as profitable (or accurate) as possible under a "
                         "fairness criterion; some are randomised at one score."),
                         ("group thresholds", "linear program"), "§4"),
    "label-bias": ("Label bias", ("Recorded outcomes that differ from the true ones in a way "
                   "that depends on the group, for example positives recorded as negatives."),
                   ("label bias", "biased labels"), "§12.4"),
    "proxy": ("Proxy feature", ("A feature that reveals group membership, so a model can treat "
              "groups differently without seeing the group."), ("proxy",), "§12.4"),
    "under-representation": ("Under-representation", ("A group that is a small share of the "
                              "training data."), ("under-representation",), "§12.4"),
    "measurement-noise": ("Measurement noise", ("Features measured less precisely for one "
                          "group, so the model's scores tell its people apart less well."),
                          ("measurement noise",), "§12.4"),
    "reweighing": ("Reweighing", ("Training with weights that make group and label "
                   "independent (Kamiran & Calders 2012)."), ("reweighing",), "§6.1"),
    "levelling-down": ("Levelling down", ("Closing a gap by making the better-off group worse "
                       "off rather than the worse-off group better off."),
                       ("levelling down", "levels down"), "§12.5"),
    "negative-flip": ("Negative flip", ("A person the old model decided right and the new one "
                      "decides wrong; who pays is the group with most of them."),
                      ("who pays", "newly decided wrong"), "§7"),
}

GLOSSARY_PAGE = "learn_glossary"


def term_link(anchor: str, text: str | None = None, page: str = GLOSSARY_PAGE) -> str:
    """A markdown link to the glossary entry ``anchor``."""
    return f"[{text or GLOSSARY[anchor][0]}]({page}#{anchor})"


def link_terms(markdown: str, page: str = GLOSSARY_PAGE) -> str:
    """``markdown`` with the first mention of each glossary term linked to its entry.

    Parameters
    ----------
    markdown : str
        Text already escaped for markdown (spellings of terms contain no markup).
    page : str
        URL path of the glossary page.

    Returns
    -------
    str
    """
    spellings = sorted(((s, a) for a, (_, _, forms, _) in GLOSSARY.items() for s in forms),
                       key=lambda item: -len(item[0]))
    done, links, out = set(), [], markdown
    for spelling, anchor in spellings:
        if anchor in done:
            continue
        flags = 0 if spelling.isupper() else re.IGNORECASE
        pattern = re.compile(rf"(?<![\w\-\[\x00]){re.escape(spelling)}(?![\w\-\x00])", flags)
        match = pattern.search(out)
        if match is None:
            continue
        links.append(f"[{match.group(0)}]({page}#{anchor})")
        first, start = len(links) - 1, match.start()
        # every later mention is masked too (left unlinked), so that a shorter term cannot
        # match inside it ("thresholds" in "group thresholds")

        def mask(m, first=first, start=start):
            if m.start() == start:
                return f"\x00{first}\x00"
            links.append(m.group(0))
            return f"\x00{len(links) - 1}\x00"

        out = pattern.sub(mask, out)
        done.add(anchor)
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], out)
