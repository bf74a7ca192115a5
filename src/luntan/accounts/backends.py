from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import router

from luntan.accounts.models import Member, name_key
from luntan.core.compiled import CompiledQuery
from luntan.core.presence import client_address
from luntan.protection import securitylog, throttle, twofactor

# The member behind a session is read on every page a member opens: its query is compiled once
# (luntan.core.compiled).
_MEMBER_FIELDS = [field.attname for field in Member._meta.concrete_fields]
_member_row = CompiledQuery(Member, lambda pk: Member.objects.filter(pk=pk).values_list(*_MEMBER_FIELDS))


def member_by_id(pk: int) -> Member | None:
    """Member.objects.filter(pk=pk).first(), with the SQL compiled once per database alias."""
    row = _member_row.first(pk)
    return Member.from_db(router.db_for_read(Member), _MEMBER_FIELDS, row) if row else None


class UsernameOrEmailBackend(ModelBackend):
    """Signs in with the username (any letter case) or the e-mail address.

    Every try with a request (the site's form, the admin's) goes through the sign-in limits
    (luntan.protection.throttle), whichever form asks. While they refuse, the password is not checked:
    `request.signin_wait` says how many seconds are left and authenticate() gives up at once."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = username.strip()
        by_email = "@" in login
        key = login.lower() if by_email else name_key(login)
        candidates = list(Member.objects.filter(**{"email__iexact" if by_email else "name_key": key})[:2])
        # One count per account, whether it is named by its username or by its address.
        account = f"member:{candidates[0].pk}" if len(candidates) == 1 else f"login:{key}"
        address = client_address(request) if request is not None else None
        if address is not None:
            wait = throttle.signin_wait(account, address)
            if wait:
                request.signin_wait = wait
                raise PermissionDenied  # authenticate() stops here: no other backend, no password check
        member = self._check(candidates, password)
        if address is not None:
            if member is None:
                throttle.signin_failed(account, address)
            elif not twofactor.enabled_for(member):
                # With two-factor sign-in, the wrong codes are forgotten only once a code passes too.
                throttle.signin_succeeded(account, address)
        if member is None and len(candidates) == 1 and request is not None:
            securitylog.signin_failed(request, member=candidates[0])  # the security log of an existing account
        return member

    def get_user(self, user_id):
        """ModelBackend.get_user, through member_by_id."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        member = member_by_id(pk)
        return member if member is not None and self.user_can_authenticate(member) else None

    def _check(self, candidates: list[Member], password: str) -> Member | None:
        if len(candidates) != 1:
            Member().set_password(password)  # same work either way: timing does not reveal who exists
            return None
        member = candidates[0]
        if member.check_password(password) and self.user_can_authenticate(member):
            return member
        return None
