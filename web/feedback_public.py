"""`/feedback/answers`: the answers to feedback that agencies chose to publish (R9.1; issue 17)."""
from __future__ import annotations

from flask import Blueprint, render_template

from processes.reports import feedback_answers
from web.context import services

bp = Blueprint("feedback_public", __name__)


@bp.get("/feedback/answers")
def answers() -> str:
    return render_template("portal/feedback_answers.html", answers=feedback_answers.published_answers(services()))
