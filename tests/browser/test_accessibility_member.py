"""The accessibility walks of test_accessibility.py as a signed-in member, at desktop and at phone width: the
longest of the walks, in a module of their own so that pytest-xdist (one module per worker at a time) runs them
beside the guest's and the moderator's."""

import pytest
from test_accessibility import forum, walk  # noqa: F401 - forum: the fixture the walk reads


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_passes_axe_as_a_member(browser, live_server, forum, width):  # noqa: F811
    walk(browser, live_server, forum, reader="member", width=width)
