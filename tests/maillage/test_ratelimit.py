import pytest
from django.core.cache import cache

from maillage import ratelimit


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_actions_past_the_limit_are_refused_with_the_message_and_429():
    for _ in range(3):
        ratelimit.check("test:a", limit=3, window=60, message="Trop d'essais.")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.check("test:a", limit=3, window=60, message="Trop d'essais.")
    assert str(refused.value) == "Trop d'essais."
    assert refused.value.status == 429


def test_each_key_counts_on_its_own():
    for _ in range(2):
        ratelimit.check("test:b", limit=2, window=60, message="non")
    ratelimit.check("test:c", limit=2, window=60, message="non")  # another agent or action
    assert ratelimit.hit("test:c", window=60) == 2


def test_a_new_window_starts_a_new_count(monkeypatch):
    from django.utils import timezone

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert ratelimit.hit("test:d", window=60) == 1
    assert ratelimit.hit("test:d", window=60) == 2
    monkeypatch.setattr(timezone, "now", lambda: now + timezone.timedelta(seconds=61))
    assert ratelimit.hit("test:d", window=60) == 1
