"""The Compare page: flips of two models equal the library's, the active mitigation offered."""


from fairdash.compare import compare_models, parse_spec
from fairdash.data import load_sample, sample_roles
from fairdash.ui.state import MitigationChoice

PAGE = "app_pages/compare.py"


def test_default_compares_the_base_model_with_boosting(app, open_page, metric, adult):
    at = open_page(app, PAGE)
    assert at.selectbox(key="w_compare_old").value.startswith("Base model")
    assert "Histogram gradient boosting" in at.selectbox(key="w_compare_new").value
    lib = compare_models(*adult[:1], parse_spec("base"), parse_spec("model:hgb"), adult[1])
    assert metric(at, "Negative flip rate").value == f"{lib.overall['nfr']:.2%}"
    assert metric(at, "Positive flip rate").value == f"{lib.overall['pfr']:.2%}"
    text = " ".join(m.value for m in at.markdown)
    assert "Who pays for the update" in text
    matrix = at.table[0].value
    assert list(matrix.index) == ["old right", "old wrong"]
    assert at.session_state["comparison"] == ("base", "model:hgb")


def test_a_registered_method_and_the_active_mitigation(app, open_page, metric, adult):
    app.session_state["mitigation"] = MitigationChoice("thresholds_dp", 0.5)
    at = open_page(app, PAGE)
    active = "Active mitigation: Group thresholds (demographic parity) at strength 0.50"
    assert at.selectbox(key="w_compare_new").value == active
    lib = compare_models(adult[0], parse_spec("base"), parse_spec("thresholds_dp@0.5"),
                         adult[1])
    assert metric(at, "Negative flip rate").value == f"{lib.overall['nfr']:.2%}"
    at.selectbox(key="w_compare_new").set_value(
        "Wasserstein barycenter at full strength").run()
    assert not at.exception
    lib = compare_models(adult[0], parse_spec("base"), parse_spec("barycenter"), adult[1])
    assert metric(at, "Negative flip rate").value == f"{lib.overall['nfr']:.2%}"
    gaps = at.table[-1].value
    assert float(gaps.loc["Demographic parity difference", "new"]) < float(
        gaps.loc["Demographic parity difference", "old"])


def test_a_predictions_column_is_offered(app, open_page, metric, adult):
    """A column of 0/1 decisions in the table (here: the base model's own decisions, so
    nothing flips)."""
    from fairdash.data import table_fingerprint

    frame = load_sample("adult").copy()
    ds, scores = adult
    frame["old_decision"] = (scores >= 0.5).astype(int)
    app.session_state["upload_frame"] = (frame, table_fingerprint(frame))
    from fairdash.ui.state import DataSource

    app.session_state["source"] = DataSource("upload", "adult_with_decisions.csv", "k1")
    app.session_state["roles"] = sample_roles("adult")
    at = open_page(app, PAGE)
    label = "Decisions or scores in column 'old_decision'"
    at.selectbox(key="w_compare_new").set_value(label).run()
    assert not at.exception
    assert metric(at, "Negative flip rate").value == "0.00%"
    assert metric(at, "Decisions changed").value == "0.00%"
