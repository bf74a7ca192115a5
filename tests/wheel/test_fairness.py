"""The draw anyone can redo: pinned to values computed independently of the code, so a change of method
(which would make old spins unverifiable) fails here."""

import hashlib
import hmac
from collections import Counter

import pytest

from luntan.wheel import drawing, fairness

SERVER = "a" * 64


def test_digest_is_hmac_sha256_of_client_seed_and_nonce_keyed_by_the_server_seed_text():
    expected = hmac.new(SERVER.encode(), b"lucky:3", hashlib.sha256).hexdigest()
    assert fairness.digest(SERVER, "lucky", 3) == expected
    assert fairness.digest(SERVER, "lucky", 3, 1) == hmac.new(SERVER.encode(), b"lucky:3:1", hashlib.sha256).hexdigest()


def test_draw_maps_the_ticket_onto_consecutive_ranges_in_table_order():
    weights = [260, 220, 200, 140, 100, 40, 38, 2]
    result = fairness.draw(SERVER, "lucky", 3, weights)
    number = int(hmac.new(SERVER.encode(), b"lucky:3", hashlib.sha256).hexdigest(), 16)
    assert result.roll == number % 1000
    upto, expected = 0, None
    for i, w in enumerate(weights):
        upto += w
        if result.roll < upto:
            expected = i
            break
    assert result.index == expected
    assert result.total == 1000 and result.rounds == 0


def test_a_slot_of_weight_zero_is_never_drawn_and_odds_follow_the_weights():
    weights = [3, 0, 1]
    counts = Counter(fairness.draw(SERVER, "seed", n, weights).index for n in range(1, 4001))
    assert counts[1] == 0
    assert 2800 < counts[0] < 3200 and 800 < counts[2] < 1200


def test_nothing_to_draw_is_an_error():
    with pytest.raises(ValueError):
        fairness.draw(SERVER, "seed", 1, [0, 0])


def test_seed_hash_is_sha256_of_the_seed_text():
    assert fairness.seed_hash(SERVER) == hashlib.sha256(SERVER.encode()).hexdigest()


@pytest.mark.parametrize("raw, reason", [("", "empty"), ("   ", "empty"), ("x" * 33, "long"), ("幸运", "chars"),
                                         ("a b", "chars"), ("<script>", "chars"), ("a;b", "chars")])
def test_bad_client_seeds_are_refused(raw, reason):
    with pytest.raises(ValueError, match=reason):
        fairness.clean_client_seed(raw)


def test_good_client_seed_is_kept():
    assert fairness.clean_client_seed(" my-Seed_1.0 ") == "my-Seed_1.0"


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 12, 16])
def test_landing_turn_puts_each_slot_under_the_pointer(count):
    for index in range(count):
        for jitter in (-1.0, -0.3, 0.0, 0.5, 1.0):
            turn = drawing.landing_turn(index, count, jitter)
            assert 0 <= turn < 360
            assert drawing.under_pointer(turn, count) == index
            # and not near an edge: at least 30% of a half slice away from it
            start, end = drawing.slice_span(index, count)
            angle = (-turn) % 360
            margin = 0.3 * (end - start) / 2
            assert start + margin <= angle <= end - margin or count == 1
