"""The ceiling: a bare Django view behind the site's full middleware stack, returning a page-sized string.
No page can be faster than this on the same server, so each page is reported as a share of it. Only
routed when settings.LUNTAN_BENCH is true."""

from django.http import HttpRequest, HttpResponse

CEILING_BYTES = 60 * 1024


def _body() -> bytes:
    head = b"<!doctype html><html lang=\"zh-hans\"><head><meta charset=\"utf-8\"><title>ceiling</title></head><body>"
    tail = b"</body></html>"
    line = "<p>论坛基准测试：这是一段用来填满页面的文字。</p>\n".encode()
    room = CEILING_BYTES - len(head) - len(tail)
    filler = line * (room // len(line))
    return head + filler + b" " * (room - len(filler)) + tail


BODY = _body()


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")
