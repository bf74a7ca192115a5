from django.contrib.auth.backends import ModelBackend

from luntan.accounts.models import Member, name_key


class UsernameOrEmailBackend(ModelBackend):
    """Signs in with the username (any letter case) or the e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = username.strip()
        lookup = {"email__iexact": login} if "@" in login else {"name_key": name_key(login)}
        candidates = list(Member.objects.filter(**lookup)[:2])
        if len(candidates) != 1:
            Member().set_password(password)  # same work either way: timing does not reveal who exists
            return None
        member = candidates[0]
        if member.check_password(password) and self.user_can_authenticate(member):
            return member
        return None
