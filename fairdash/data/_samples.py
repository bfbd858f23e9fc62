"""The bundled real data sets and their recommended column roles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fairdash.exceptions import DataError

#: Folder of the shipped files (see sample_data/README.md for sources and licences).
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"


@dataclass(frozen=True)
class SampleSpec:
    """A bundled data set and the roles that give a meaningful first picture.

    Attributes
    ----------
    name, title, file : str
    target : str
        Binary outcome column (0/1).
    positive_label : str
        Value of ``target`` that counts as positive, as a string.
    positive_meaning : str
        What a positive prediction means, for plain-language sentences.
    sensitive : tuple of str
        Recommended sensitive column(s).
    features : tuple of str
        Columns a model may use (leaking and identifier columns left out).
    score_columns : tuple of str
        Columns that hold a deployed score or decision, for predictions-only audits.
    note : str
        One-sentence caveat shown beside the data.
    """

    name: str
    title: str
    file: str
    target: str
    positive_label: str
    positive_meaning: str
    sensitive: tuple[str, ...]
    features: tuple[str, ...]
    score_columns: tuple[str, ...] = ()
    note: str = ""


SAMPLES: dict[str, SampleSpec] = {
    "adult": SampleSpec(
        "adult", "Adult census income (UCI, 48,842 people)", "adult.csv.gz", "income_gt_50k", "1",
        "income above $50K", ("sex",),
        ("age", "workclass", "education", "education_num", "marital_status", "occupation",
         "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
         "native_country"),
        note="fnlwgt is a survey weight and income repeats the target, so neither is a feature."),
    "compas": SampleSpec(
        "compas", "COMPAS recidivism (ProPublica, 7,214 defendants)", "compas.csv.gz",
        "two_year_recid", "1", "re-offending within two years", ("race_binary",),
        ("sex", "age", "juv_fel_count", "juv_misd_count", "juv_other_count", "priors_count",
         "c_charge_degree"),
        score_columns=("decile_score", "compas_high_risk"),
        note="decile_score is the deployed COMPAS risk score (1-10): audit it with "
             "'Predictions only' on the Model page."),
    "german": SampleSpec(
        "german", "German credit (UCI Statlog, 1,000 applicants)", "german_credit.csv",
        "good_credit", "1", "being rated a good credit risk", ("age_ge_25",),
        ("checking_account_status", "duration_months", "credit_history", "purpose",
         "credit_amount", "savings", "employment_since", "installment_rate_pct_income",
         "other_debtors", "residence_since", "property", "age", "other_installment_plans",
         "housing", "existing_credits", "job", "people_liable", "telephone", "foreign_worker"),
        note="The 'sex' column follows the UCI code book, which is wrong for 310 rows; prefer "
             "age_ge_25 or foreign_worker as the sensitive column."),
}


def load_sample(name: str) -> pd.DataFrame:
    """Load a bundled data set by name (``"adult"``, ``"compas"`` or ``"german"``).

    Raises
    ------
    DataError
        For an unknown name.
    """
    if name not in SAMPLES:
        raise DataError(f"There is no sample called '{name}'; choose one of "
                        f"{', '.join(SAMPLES)}.")
    return pd.read_csv(SAMPLE_DIR / SAMPLES[name].file)
