"""The words of each lesson: goal, steps, task, questions and answers (also the handouts).

The numbers in the answers are the lessons' own, computed by this package; the tests check
each one against the functions that compute them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    """What a lesson says, independent of the numbers on screen.

    Attributes
    ----------
    key : str
        Short name; the page is ``app_pages/learn_<key>.py``.
    number : int
    title, goal : str
        The goal is one sentence.
    steps : tuple of str
        What to do, in order, for the handout.
    task : str
        The "try this" task.
    questions, answers : tuple of str
        Questions for the room, and their answers (the handout's second page).
    methods : str
        Section of docs/methods.md with the maths.
    papers : str
        Where the idea comes from.
    real_data : str
        What the "do this on real data" button opens.
    """

    key: str
    number: int
    title: str
    goal: str
    steps: tuple
    task: str
    questions: tuple
    answers: tuple
    methods: str
    papers: str
    real_data: str


LESSONS = {
    "rates": Lesson(
        "rates", 1, "What the gaps measure",
        "See how one decision threshold sets every rate that fairness criteria compare: "
        "selection rate, true and false positive rate and precision, per group.",
        ("Look at the people: colour is what truly happened, a filled marker means selected.",
         "Move the threshold and count how each group's markers change from open to filled.",
         "Read the confusion counts per group, then the rates computed from them.",
         "Find the threshold with the highest overall accuracy (the task)."),
        "Find the threshold at which the model decides the most people right overall.",
        ("Which rates does lowering the threshold raise, and which does it lower?",
         "At the most accurate threshold, are the false positive rates of A and B equal?",
         "Why can a threshold of 0 or 1 give a demographic parity gap of zero?"),
        (("Lowering the threshold selects more people: selection rate, TPR and FPR rise; FNR "
         "falls. Precision usually falls, since the extra people are less likely positive."),
         ("No: at 0.53 to 0.55, where 70% of the 100 people are decided right, group A's FPR is "
         "well above B's, because A has more people with middling scores."),
         ("Selecting everybody (or nobody) gives both groups the same selection rate, 100% (or "
         "0%): a zero gap says nothing about whether the decisions are any good.")),
        "§12.1", "Hardt, Price & Srebro (2016); fairlearn's metric definitions",
        "the Audit screen on the Adult census data, at the threshold you chose"),
    "impossible": Lesson(
        "impossible", 2, "You cannot have them all",
        "See that a calibrated score cannot give two groups with different base rates equal "
        "false positive rates, false negative rates and precision at once.",
        ("Set both base rates equal and read the gaps: all zero.",
         "Move one base rate away and watch the FPR and FNR gaps open together.",
         "Read the identity under the chart: it holds for every group at every setting.",
         "Try to close both error-rate gaps with the threshold alone (the task)."),
        "Make the FPR gap and the FNR gap both smaller than 1 percentage point while each "
        "group's selection rate stays between 10% and 90%.",
        ("Which knob closes both gaps, and which cannot?",
         ("The identity has p/(1−p) in it. What does that factor do when the base rates "
         "differ?"),
         "COMPAS was calibrated by race yet had unequal FPRs. Was that a bug?"),
        (("Only making the base rates equal closes both gaps; with different base rates no "
         "threshold on the slider does it."),
         ("FPR = p/(1−p) · (1−PPV)/PPV · (1−FNR): with equal PPV and FNR, the FPRs must differ "
         "in the ratio of the groups' p/(1−p), so the group with the higher base rate has the "
         "higher FPR."),
         ("No: with different base rates it is arithmetic (Chouldechova 2017; Kleinberg, "
         "Mullainathan & Raghavan 2016). One has to choose which criterion matters.")),
        "§12.2", "Chouldechova (2017); Kleinberg, Mullainathan & Raghavan (2016)",
        "the Audit screen on COMPAS (the decile score by race)"),
    "loan": Lesson(
        "loan", 3, "Thresholds per group (the loan game)",
        "Choose a loan threshold for each group and see what each fairness criterion costs "
        "the bank in profit.",
        ("Start from one threshold for both groups; note the profit and the rates.",
         "Press each jump button: the sliders move to the linear program's optimum.",
         "Read the price table: profit lost against the maximum for each criterion.",
         ("Hand-tune both sliders to equal opportunity at nearly the optimum's profit "
         "(the task).")),
        "Find two thresholds that give both groups the same true positive rate (within 3 "
        "points) while earning at least 95% of the equal-opportunity optimum's profit.",
        ("Why does maximum profit use the same threshold (70) for both groups?",
         "Which criterion costs the most, and why?",
         "Why are some of the optimal rules randomised at one score?"),
        (("Profit per loan is +$300 if repaid and −$700 if not, so lending pays exactly when "
         "the chance of repaying is above 70%; the score is calibrated the same way in both "
         "groups, so 70 is the break-even score for both."),
         ("Equalized odds: it must match both TPR and FPR, so the group with the better score "
         "distribution has to give up the most. Here its price is $16,200 against $12,791 "
         "for demographic parity and $11,509 for equal opportunity."),
         ("With whole-number scores, a rate between two thresholds is reached only by lending "
         "to a share of the applicants at one score (Hardt, Price & Srebro 2016).")),
        "§12.3", "Hardt, Price & Srebro (2016); Wattenberg, Viégas & Hardt (2016)",
        "the Mitigate screen with group thresholds for equal opportunity on Adult"),
    "bias": Lesson(
        "bias", 4, "Where bias comes from (bias lab)",
        "Inject one source of bias into synthetic data and see whether an audit against the "
        "observed labels notices it, and which mitigation repairs the truth.",
        ("Pick a kind of bias and set its amount; 0 is the baseline population.",
         "Compare each group's rates against the observed and against the true labels.",
         "Change the mitigation and read both gaps in the table.",
         "Under label bias, find the mitigation that closes the true gap (the task)."),
        "With label bias at 0.5 or more, find a mitigation whose equal-opportunity gap "
        "against the true labels is under 2 percentage points.",
        ("Under label bias, why does the observed audit misread group B?",
         "Why do group thresholds for equal opportunity not repair label bias?",
         "Which kinds of bias does the observed audit see correctly?"),
        (("B's observed positives are only the part of its true positives that were recorded; "
         "the model's selections of the others count as false positives."),
         ("They equalise the TPR measured against the biased labels on the calibration rows: "
         "they fit the bias, so the observed gap moves and the true one stays."),
         ("Measurement noise, a proxy and under-representation leave the labels true, so the "
         "observed audit is the true audit there; only label bias separates them.")),
        "§12.4", "Kamiran & Calders (2012); Hardt, Price & Srebro (2016)",
        "the Audit screen on a synthetic population with the label bias you set"),
    "pays": Lesson(
        "pays", 5, "Levelling down and who pays",
        "See which group's outcomes a mitigation improves and whose it makes worse, down to "
        "the decisions it changes.",
        ("Choose a method and a strength (0 changes nothing).",
         "Read each group's rates before and after, and the decisions that changed.",
         "Find the setting where the group ahead loses true positives (the task).",
         "Read who pays: the group the change newly decides wrong most."),
        "Find a method and strength at which group A, the group ahead, loses true positives "
        "while the gap the method aims at closes.",
        ("Is a smaller gap always better for the group that was behind?",
         "Which method levels down group A's true positive rate here?",
         "Why can a mitigation lower every group's accuracy and still close the gap?"),
        (("No: a gap can close because the group ahead loses, with the group behind no better "
         "off. Read both groups' rates, not only the gap."),
         ("Reweighing: it retrains the model so that A's qualified people are selected less "
         "often while B's are selected more."),
         ("A gap is a difference: moving both groups away from their most accurate threshold "
         "can make them alike and both worse (levelling down).")),
        "§12.5", "Mittelstadt, Wachter & Russell (2023); Hardt, Price & Srebro (2016)",
        "the Mitigate screen on Adult with the method and strength you chose"),
    "bounty": Lesson(
        "bounty", 6, "The groups nobody named (a bias-bounty round)",
        "Find, as a class, a group the model serves badly that no audit of the named groups "
        "shows, and win the bounty by fixing it.",
        ("Read the named groups' error rates: A and B differ by a few points only.",
         "Each team names a group by a group and a region, and submits it.",
         ("The app trains a model on that group and accepts it only if it is clearly better "
         "there; the leaderboard keeps score."),
         ("Find the group whose accepted submission cuts its error by 10 points (the task); "
         "each submission is judged against the list the earlier ones left, so order "
         "matters: start a new round to try again.")),
        "Find a group whose submission is accepted and cuts that group's error by at least "
        "10 percentage points.",
        ("Why did the audit of groups A and B not show this group?",
         "Why is a submission for all of group B accepted but worth less?",
         "Why can an accepted submission never make the overall error worse?"),
        (("The group is an intersection (B in the south, 298 held-out rows): its error of 46% "
         "is diluted in B's 28% and in the south's 30%."),
         ("Most of B is served as well as A; only the southern part gains, so B's error falls "
         "by 4 points while the hidden group's falls from 46% to 23%."),
         ("A submission is accepted only if it lowers its group's error significantly, and the "
         "repair step sends back any earlier group it hurt (Globus-Harris, Kearns & Roth "
         "2022).")),
        "§12.8", "Globus-Harris, Kearns & Roth (2022); Kearns, Neel, Roth & Wu (2018)",
        "the Subgroups screen on Adult, which searches for such groups automatically"),
}
