"""A printable one-page handout per lesson: self-contained HTML, answers on a second page."""

from __future__ import annotations

from html import escape

from fairdash.learn._texts import LESSONS

_STYLE = """
body { font-family: Georgia, serif; max-width: 46em; margin: 2em auto; line-height: 1.45;
       color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.2em; }
.goal { font-size: 1.1em; border-left: 4px solid #88CCEE; padding-left: 0.6em; }
.small { color: #555; font-size: 0.9em; }
.answers { page-break-before: always; break-before: page; }
li { margin-bottom: 0.35em; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } a { color: #111; } }
"""


def handout_html(key: str) -> str:
    """The handout of lesson ``key`` (a key of :data:`fairdash.learn.LESSONS`).

    Page one: goal, steps, the task and questions, with room to write; page two (a forced page
    break when printed): the answers.

    Returns
    -------
    str
        A complete HTML document with its own print stylesheet and no external resources.
    """
    lesson = LESSONS[key]
    title = f"Lesson {lesson.number}: {lesson.title}"
    items = lambda xs: "".join(f"<li>{escape(x)}</li>" for x in xs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{_STYLE}</style></head><body>
<section class="lesson">
<p class="small">FairDash · Learn · open the lesson in the app: Learn → {escape(title)}</p>
<h1>{escape(title)}</h1>
<p class="goal"><strong>Goal.</strong> {escape(lesson.goal)}</p>
<h2>Steps</h2><ol>{items(lesson.steps)}</ol>
<h2>Try this</h2><p>{escape(lesson.task)} The app tells you when you have it.</p>
<h2>Questions</h2><ol>{items(lesson.questions)}</ol>
<p class="small">Maths: FairDash docs/methods.md {escape(lesson.methods)}. Sources:
{escape(lesson.papers)}. On real data: {escape(lesson.real_data)}.</p>
</section>
<section class="answers">
<h1>Answers: {escape(title)}</h1>
<ol>{items(lesson.answers)}</ol>
</section>
</body></html>
"""
