"""头像 behind Django's storage API: local disk by default, an S3-compatible bucket when LUNTAN_S3_BUCKET is
set. The bucket here is moto's ThreadedMotoServer on a free loopback port (no network, no account): the tests
switch STORAGES["default"] to django-storages' S3 backend pointing at it, upload through the settings page and
read the bucket itself, then fetch the pictures back through the site."""

import io
import runpy
import socket
import uuid
from pathlib import Path

import boto3
import pytest
from django.test import Client
from helpers import signed_in
from moto.server import ThreadedMotoServer
from PIL import Image

from luntan.accounts import avatars, services
from luntan.accounts.models import Member
from luntan.settings import base

from .test_avatar import PAGE, assert_inert_picture, picture, upload

pytestmark = pytest.mark.django_db

KEYS = {"access_key": "testing", "secret_key": "testing", "region": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """A local S3 stand-in for this module's tests, on a port nobody else uses."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """An empty private bucket, and the site's default storage in it. Local MEDIA_ROOT is a folder of the test's
    own, which must stay empty."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # a proxy set for the machine must not take loopback
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    name = f"luntan-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="testing",
                      aws_secret_access_key="testing", region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES,
                         "default": base.s3_storage(bucket=name, endpoint_url=s3_endpoint, **KEYS)}
    return s3, name


def keys(s3, name) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=name).get("Contents", []))


def read(s3, name, key) -> bytes:
    return s3.get_object(Bucket=name, Key=key)["Body"].read()


def test_an_upload_lands_in_the_bucket_in_three_sizes_and_is_served_back(bucket, member, settings,
                                                                        django_capture_on_commit_callbacks):
    s3, name = bucket
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(member).post(PAGE, {"image": upload(picture("JPEG", size=(640, 480)), "照片.jpg",
                                                                 "image/jpeg")})
    assert response.status_code == 302
    member.refresh_from_db()
    version, extension = member.avatar.split(".")
    assert keys(s3, name) == sorted(f"avatars/{member.pk}/{version}-{px}.{extension}" for px in (200, 120, 48))
    for px in (200, 120, 48):
        stored = read(s3, name, avatars.file_name(member.pk, member.avatar, px))
        assert Image.open(io.BytesIO(stored)).size == (px, px)
        served = Client().get(member.avatar_url(px))
        assert assert_inert_picture(served, px=px) == stored  # the very bytes, with the site's own headers
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing on local disk


def test_the_bucket_is_private(bucket, member):
    """Nothing is readable from the bucket's own address: the site is the only door."""
    s3, name = bucket
    services.member_avatar_set(member=member, upload=upload(picture()))
    for key in keys(s3, name):
        grants = s3.get_object_acl(Bucket=name, Key=key)["Grants"]
        assert not [g for g in grants if g["Grantee"].get("URI", "").endswith(("AllUsers", "AuthenticatedUsers"))]


def test_a_new_picture_replaces_the_old_files_after_the_commit_and_remove_deletes_them(
        bucket, member, django_capture_on_commit_callbacks):
    s3, name = bucket
    with django_capture_on_commit_callbacks(execute=True):
        services.member_avatar_set(member=member, upload=upload(picture()))
    first = keys(s3, name)
    former_url = member.avatar_url(48)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.member_avatar_set(member=member, upload=upload(picture(colour=(0, 120, 0))))
    assert len(keys(s3, name)) == 6  # both pictures until the commit's callbacks run
    for callback in callbacks:
        callback()
    now = keys(s3, name)
    assert len(now) == 3 and not set(now) & set(first)
    moved = Client().get(former_url)  # the bucket says 404 for the former picture: the site sends on
    assert moved.status_code == 302 and moved["Location"] == member.avatar_url(48)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_avatar_remove(member=member)
    assert keys(s3, name) == [] and Member.objects.get(pk=member.pk).avatar == ""
    assert Client().get(former_url).status_code == 404


def test_a_refused_upload_puts_nothing_in_the_bucket(bucket, member):
    s3, name = bucket
    response = signed_in(member).post(PAGE, {"image": upload(b"GIF89a not really", "a.gif", "image/gif")})
    assert response.status_code == 400
    assert keys(s3, name) == [] and Member.objects.get(pk=member.pk).avatar == ""


def test_the_settings_choose_s3_from_the_environment(monkeypatch, tmp_path):
    """LUNTAN_S3_* in the environment make the default storage a bucket; without them it is MEDIA_ROOT."""
    monkeypatch.setenv("LUNTAN_VAR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    for variable in ("LUNTAN_S3_BUCKET", "LUNTAN_S3_ENDPOINT_URL", "LUNTAN_S3_ACCESS_KEY", "LUNTAN_S3_SECRET_KEY",
                     "LUNTAN_S3_REGION", "LUNTAN_S3_PREFIX"):
        monkeypatch.delenv(variable, raising=False)
    local = runpy.run_path(base.__file__)["STORAGES"]["default"]
    assert local == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("LUNTAN_S3_BUCKET", "luntan-media")
    monkeypatch.setenv("LUNTAN_S3_ENDPOINT_URL", "https://minio.example.com")
    monkeypatch.setenv("LUNTAN_S3_ACCESS_KEY", "AK")
    monkeypatch.setenv("LUNTAN_S3_SECRET_KEY", "SK")
    monkeypatch.setenv("LUNTAN_S3_REGION", "cn-north-1")
    remote = runpy.run_path(base.__file__)["STORAGES"]["default"]
    assert remote["BACKEND"] == "storages.backends.s3.S3Storage"
    options = remote["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["access_key"], options["secret_key"],
            options["region_name"]) == ("luntan-media", "https://minio.example.com", "AK", "SK", "cn-north-1")
    assert options["default_acl"] is None and options["addressing_style"] == "path"
