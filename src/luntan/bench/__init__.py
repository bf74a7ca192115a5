"""`luntan bench`: a synthetic site (site.py), the real server under wrk (server.py, wrk.py, with the ceiling
of ceiling.py served beside the pages by wsgi.py) and the figures it reports (report.py)."""
