"""Upgrading across the move of sign-in into ``accounts`` keeps every session signed in."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from tests.factories import make_member, make_workspace

moved = importlib.import_module("accounts.migrations.0001_sessions_name_the_moved_backend")

pytestmark = pytest.mark.django_db


def test_a_session_signed_in_before_the_move_stays_signed_in(client):
    member = make_member(make_workspace())
    user = member.user
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = moved.OLD
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    client.cookies["sessionid"] = store.session_key
    home = reverse("workspace", args=[member.workspace.slug])
    assert client.get(home).status_code == 302  # the old name is no longer a backend: signed out

    moved.rename_backend(django_apps, None)

    assert client.get(home).status_code == 200
    assert SessionStore(session_key=store.session_key).load()[BACKEND_SESSION_KEY] == moved.NEW
