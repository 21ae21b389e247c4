"""Sign-in resists guessing (finding 9): 40 wrong passwords then the right one used to get a token.

Now the account is locked for that address, with a message and the time to wait; a locked try costs
no password hashing; the steward is not locked out from their own address by a stranger's failures;
guessing spread over many addresses and one address spraying many accounts are capped too; and a
delegation of 110 behind one NAT still signs in.
"""

from unittest import mock

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_user
from workspace import signin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing():
    """Hashing's cost is not what these tests measure (hundreds of tries): one PBKDF2 round."""
    with mock.patch.object(PBKDF2PasswordHasher, "iterations", 1):
        yield

ATTACKER = "203.0.113.66"
STEWARD_HOME = "198.51.100.7"


_clients = {}  # one of each per test run: a new client loads the middleware (WhiteNoise scans files)


def token_try(username, password, address=ATTACKER):
    client = _clients.setdefault("api", APIClient())
    data = {"username": username, "password": password}
    return client.post("/api/auth/token/", data, format="json", REMOTE_ADDR=address)


def page_try(username, password, address=ATTACKER):
    client = _clients.setdefault("page", Client())
    client.cookies.clear()
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_forty_wrong_then_right_is_refused_with_the_time_to_wait():
    make_user("steward", password=PASSWORD)
    statuses = [token_try("steward", f"guess-{n}").status_code for n in range(40)]
    assert statuses[:10] == [400] * 10  # wrong password, said as such
    assert set(statuses[10:]) == {429}  # then locked
    right = token_try("steward", PASSWORD)
    assert right.status_code == 429
    body = right.json()
    assert "token" not in body
    assert body["code"] == "rate_limited"
    assert "Too many failed sign-ins" in body["detail"] and "15 minutes" in body["detail"]
    assert 0 < int(right["Retry-After"]) <= 15 * 60


def test_the_sign_in_page_says_so_too():
    make_user("amina", password=PASSWORD)
    for n in range(10):
        assert page_try("amina", f"guess-{n}").status_code == 200
    response = page_try("amina", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_locked_try_costs_no_hashing():
    """A refused try is no lever on the CPU: no password is hashed for it."""
    make_user("amina", password=PASSWORD)
    for n in range(10):
        token_try("amina", f"guess-{n}")
    with mock.patch.object(PBKDF2PasswordHasher, "verify", autospec=True) as verify:
        for n in range(20):
            assert token_try("amina", f"again-{n}").status_code == 429
    assert verify.call_count == 0


def test_a_stranger_cannot_lock_the_steward_out_from_their_own_address():
    make_user("steward", password=PASSWORD)
    for n in range(30):
        token_try("steward", f"guess-{n}", address=ATTACKER)
    assert token_try("steward", PASSWORD, address=ATTACKER).status_code == 429
    assert token_try("steward", PASSWORD, address=STEWARD_HOME).status_code == 200
    assert page_try("steward", PASSWORD, address=STEWARD_HOME).status_code == 302


def test_guessing_spread_over_many_addresses_is_capped():
    make_user("steward", password=PASSWORD)
    limit = signin.settings.SIGNIN_LIMITS["account"][0]
    for n in range(limit):
        token_try("steward", f"guess-{n}", address=f"10.0.{n // 200}.{n % 200}")
    assert token_try("steward", PASSWORD, address="10.9.9.9").status_code == 429


def test_one_address_spraying_many_accounts_is_capped():
    users = [make_user(f"member{n}", password=PASSWORD).username for n in range(3)]
    with override_settings(SIGNIN_LIMITS={"account_address": (10, 900), "account": (50, 900), "address": (12, 900)}):
        for n in range(12):
            assert token_try(f"someone{n}", "Password1").status_code == 400
        assert token_try(users[0], PASSWORD).status_code == 429
        assert token_try(users[1], PASSWORD, address=STEWARD_HOME).status_code == 200


def test_a_delegation_behind_one_nat_signs_in():
    """110 people, one address, each with their password (and a few typos): every one gets in."""
    nat = "192.0.2.10"
    people = [make_user(f"delegate{n}", password=f"{PASSWORD}-{n}") for n in range(110)]
    for n, person in enumerate(people):
        if n % 10 == 0:
            assert token_try(person.username, "typo", address=nat).status_code == 400
        assert token_try(person.username, f"{PASSWORD}-{n}", address=nat).status_code == 200


def test_the_lock_ends_when_its_window_does():
    make_user("amina", password=PASSWORD)
    start = 1_800_000_000.0
    with mock.patch("workspace.signin.time.time", return_value=start):
        for n in range(11):
            token_try("amina", f"guess-{n}")
        assert token_try("amina", PASSWORD).status_code == 429
    with mock.patch("workspace.signin.time.time", return_value=start + 14 * 60):
        assert token_try("amina", PASSWORD).status_code == 429  # 15 minutes from the lock, not the clock
    cache.delete_many([key for key in list(cache._cache) if ":signin:lock:" in key])  # its timeout passed
    with mock.patch("workspace.signin.time.time", return_value=start + 15 * 60 + 1):
        assert token_try("amina", PASSWORD).status_code == 200


def test_the_admin_sign_in_is_counted_too():
    user = make_user("operator", password=PASSWORD)
    user.is_staff = True
    user.save()
    client = Client(REMOTE_ADDR=ATTACKER)
    for n in range(10):
        client.post("/admin/login/", {"username": "operator", "password": f"guess-{n}"})
    response = client.post("/admin/login/", {"username": "operator", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_behind_our_proxy_the_forwarded_address_counts():
    """With HTTPS=1 (nginx in front), the address is the one nginx appended, not one the client forged."""
    request = mock.Mock(META={"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.66"})
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        assert signin.client_address(request) == "203.0.113.66"
    assert signin.client_address(request) == "127.0.0.1"
