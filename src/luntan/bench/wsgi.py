"""The WSGI application of the server `luntan bench` starts: the site's own application for every page,
and the ceiling (luntan.bench.ceiling) on its one path. A site never loads this module."""

from luntan.bench import ceiling
from luntan.wsgi import application as site

_ceiling = ceiling.handler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == ceiling.PATH:
        return _ceiling(environ, start_response)
    return site(environ, start_response)
