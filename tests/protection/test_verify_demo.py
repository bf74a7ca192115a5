"""The demo's questions are answerable by the check itself."""

import random

import pytest
from django.utils import timezone

from luntan.protection import challenge
from luntan.protection.demo_questions import QUESTIONS, fill_demo
from luntan.protection.models import VerificationQuestion
from luntan.protection.questions import fold_answer, question_pool


@pytest.mark.django_db
def test_the_demo_questions_are_asked_and_their_answers_accepted(monkeypatch):
    from luntan.core import pagecache

    monkeypatch.setattr(pagecache, "bump", pagecache.bump_now)
    fill_demo(members=[], rng=random.Random(1), now=timezone.now())
    assert VerificationQuestion.objects.count() == len(QUESTIONS)
    asked = {q.text: q for q in question_pool()}
    assert len(asked) == len(QUESTIONS) - 1  # one is switched off
    for text, answers in QUESTIONS[:-1]:
        assert {fold_answer(a) for a in answers} <= asked[text].answers
    assert challenge.issue("register").text
