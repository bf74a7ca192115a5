"""Flash messages as Django keeps them (a signed cookie first, the session for the rest), with the cookie's
signer made only when a message is read from or written to the cookie. Django makes it for every request,
and it costs a guest's kept thread page about 4 % (most pages carry no message at all)."""

from functools import cached_property

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing


class LazyCookieStorage(CookieStorage):
    def __init__(self, *args, **kwargs) -> None:
        BaseStorage.__init__(self, *args, **kwargs)  # CookieStorage's own __init__ only makes the signer

    @cached_property
    def signer(self):
        return signing.get_cookie_signer(salt=self.key_salt)  # type: ignore[attr-defined] # stub lacks it


class LazyFallbackStorage(FallbackStorage):
    storage_classes = (LazyCookieStorage, SessionStorage)
