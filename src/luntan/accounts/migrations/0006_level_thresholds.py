"""Levels by total credits, as a Discuz! site starts with them, the guests' group, and what the special
groups may not do. Thresholds, stars and names are site data the administrator edits."""

from django.db import migrations

LEVELS = [  # role, threshold, stars
    ("newcomer", 0, 1), ("registered", 50, 2), ("intermediate", 200, 3), ("senior", 500, 4),
    ("gold", 1000, 6), ("veteran", 3000, 8),
]


def set_levels(apps, schema_editor):
    MemberGroup = apps.get_model("accounts", "MemberGroup")
    for role, threshold, stars in LEVELS:
        MemberGroup.objects.filter(role=role, credits_from__isnull=True).update(credits_from=threshold, stars=stars)
    # A silenced member may read and nothing else; moderators and administrators spin more.
    MemberGroup.objects.filter(role="silenced").update(
        can_post=False, daily_mood_votes=0, allow_links=False, allow_images=False, allow_transfer=False,
        wheel_spins_per_day=0, max_signature_chars=0)
    MemberGroup.objects.filter(role="newcomer").update(allow_links=False, max_attachment_kb=512, daily_mood_votes=5,
                                                     wheel_spins_per_day=1)
    MemberGroup.objects.filter(role__in=["admin", "super_moderator", "moderator"]).update(
        daily_mood_votes=100, max_signature_chars=500, max_attachment_kb=10240, wheel_spins_per_day=5)
    if not MemberGroup.objects.filter(role="guest").exists():
        name = "游客" if not MemberGroup.objects.filter(name="游客").exists() else "游客 (guest)"
        MemberGroup.objects.create(
            name=name, role="guest", kind="system", order=5, can_post=False, daily_mood_votes=0,
            max_signature_chars=0, max_attachment_kb=0, allow_links=False, allow_images=False, allow_transfer=False,
            wheel_spins_per_day=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_levels_and_group_rules")]
    operations = [migrations.RunPython(set_levels, migrations.RunPython.noop)]
