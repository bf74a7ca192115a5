"""`luntan bench`: a synthetic site (site.py), the real server under wrk (server.py, wrk.py) and the
figures it reports (report.py). The ceiling view (views.py) is only wired in when LUNTAN_BENCH is set."""
