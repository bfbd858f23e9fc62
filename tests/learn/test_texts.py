"""The lessons' words, the handouts and the glossary."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fairdash import learn

ROOT = Path(__file__).resolve().parents[2]
METHODS = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")


def _sections() -> set[str]:
    return {m.group(1) for m in re.finditer(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", METHODS, re.MULTILINE)}


@pytest.mark.parametrize("key", list(learn.LESSONS))
def test_every_lesson_has_its_parts_and_a_page(key):
    lesson = learn.LESSONS[key]
    assert lesson.goal.count(". ") == 0 and lesson.goal.endswith(".")  # one sentence
    assert 1 <= len(lesson.steps) and len(lesson.questions) == len(lesson.answers) >= 2
    assert (ROOT / "app_pages" / f"learn_{key}.py").is_file()
    assert lesson.methods.lstrip("§") in _sections(), lesson.methods


@pytest.mark.parametrize("key", list(learn.LESSONS))
def test_handout_is_self_contained_with_answers_on_page_two(key):
    html = learn.handout_html(key)
    lesson = learn.LESSONS[key]

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

        def handle_data(self, data):
            self.text.append(data)

    parser = Parser()
    parser.feed(html)
    text = " ".join(parser.text)
    # no external resources: no scripts, stylesheets, images or remote links
    assert not any(t in ("script", "img", "link", "iframe") for t, _ in parser.tags)
    assert "http" not in html
    assert "page-break-before: always" in html and "@media print" in html
    first, second = html.split('<section class="answers">')
    for part in (lesson.goal, lesson.task, *lesson.steps, *lesson.questions):
        assert escape(part) in first
    for answer in lesson.answers:
        assert escape(answer) in second and escape(answer) not in first
    assert "".join(text.split()).count(lesson.goal.replace(" ", "")) == 1


def test_handout_escapes_markup(monkeypatch):
    from dataclasses import replace

    lesson = replace(learn.LESSONS["rates"], goal="<script>alert(1)</script> & more.")
    monkeypatch.setitem(learn.LESSONS, "rates", lesson)
    html = learn.handout_html("rates")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more." in html


def test_glossary_sections_exist_and_terms_link_once():
    sections = _sections()
    for anchor, (term, definition, forms, section) in learn.GLOSSARY.items():
        assert re.fullmatch(r"[a-z\-]+", anchor)
        assert section.lstrip("§") in sections, (term, section)
        assert definition.endswith(".")
    text = "The true positive rate and the true positive rate again; FPR, and TPR."
    linked = learn.link_terms(text)
    assert linked.count("(learn_glossary#true-positive-rate)") == 1
    assert "[FPR](learn_glossary#false-positive-rate)" in linked
    assert "[the" not in linked
    # a spelling inside a longer word or an existing link is left alone
    assert learn.link_terms("thresholdless") == "thresholdless"
    once = learn.link_terms("base rate")
    assert learn.link_terms(once) == once


def test_every_lesson_term_is_in_the_glossary():
    words = " ".join(" ".join((x.goal, x.task, *x.steps, *x.answers))
                     for x in learn.LESSONS.values()).lower()
    for needed in ("threshold", "selection rate", "true positive rate", "false positive rate",
                   "precision", "equal opportunity", "label bias"):
        assert needed in words
        assert any(needed in [f.lower() for f in forms]
                   for _, _, forms, _ in learn.GLOSSARY.values()), needed
