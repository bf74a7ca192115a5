"""Avatars in three sizes (luntan.accounts.avatars): Member.avatar now holds the pictures' version, not a
file's name. An avatar of the former kind (one 192-pixel file, avatars/<uid>-<digest>.webp) is drawn again in
the three sizes from that file, which is then deleted; one that cannot be read goes back to the letter tile."""

import io
import logging

from django.db import migrations, models

logger = logging.getLogger(__name__)


def redraw_former_avatars(apps, schema_editor):
    from django.core.files.storage import default_storage
    from PIL import Image, ImageOps

    from luntan.accounts import avatars

    Member = apps.get_model("accounts", "Member")
    for uid, value in Member.objects.exclude(avatar="").values_list("pk", "avatar"):
        if avatars.VALUE.fullmatch(value):
            continue
        new = ""
        try:
            with default_storage.open(value, "rb") as f:
                opened = Image.open(io.BytesIO(f.read()), formats=avatars.FORMATS)
                opened.load()
            image = opened.convert("RGBA" if opened.mode in ("RGBA", "LA", "PA") else "RGB")
            square = ImageOps.fit(image, (avatars.BIG, avatars.BIG), method=Image.Resampling.LANCZOS)
            made = avatars.draw_set(square)
            avatars.store(uid, made)
            new = made.value
        except Exception:  # a missing or unreadable file: the member gets the letter tile
            logger.warning("avatar %s of member %s could not be drawn again", value, uid, exc_info=True)
        Member.objects.filter(pk=uid).update(avatar=new)
        if value.startswith("avatars/"):
            try:
                default_storage.delete(value)
            except Exception:
                logger.warning("could not delete the former avatar %s", value, exc_info=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_uploads_attachment_types'),
    ]

    operations = [
        migrations.RunPython(redraw_former_avatars, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='member',
            name='avatar',
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name='avatar'),
        ),
    ]
