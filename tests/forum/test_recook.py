"""Floors cooked before the markup rules became stricter are cooked again by `luntan recook`."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from luntan.forum.models import Floor

pytestmark = pytest.mark.django_db


def test_recook_takes_a_page_of_this_site_out_of_an_old_floors_images(thread, django_capture_on_commit_callbacks):
    # As cooked by the old rule, which let an image of any path of this site through.
    old_html = f'<img src="/thread/{thread.pk}/next/" alt="" loading="lazy" decoding="async">'
    floor = Floor.objects.get(thread=thread, number=1)
    Floor.objects.filter(pk=floor.pk).update(source=f"[img]/thread/{thread.pk}/next/[/img]", html=old_html)
    untouched = Floor.objects.get(pk=floor.pk)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recook", stdout=out)
    assert re.findall(r"\d+", out.getvalue()) == ["1"]
    floor.refresh_from_db()
    assert "<img" not in floor.html and f"[img]/thread/{thread.pk}/next/[/img]" in floor.html
    assert f'src="/thread/{thread.pk}/next/"' not in Client().get(f"/thread/{thread.pk}/").content.decode()
    # Running it again changes nothing.
    assert untouched.html != floor.html
    out = io.StringIO()
    call_command("recook", stdout=out)
    assert re.findall(r"\d+", out.getvalue()) == ["0"]
