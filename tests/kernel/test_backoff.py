from bot.kernel.backoff import FIRST, LONGEST, pause, worth_logging


def test_pauses_double_with_jitter_up_to_the_longest() -> None:
    for failures, full in [(1, FIRST), (2, 2 * FIRST), (3, 4 * FIRST), (30, LONGEST)]:
        waits = [pause(failures) for _ in range(200)]
        assert all(0.75 * full <= wait <= full for wait in waits), (failures, min(waits))
        assert len(set(waits)) > 1  # jittered: processes that failed together spread out


def test_a_long_outage_is_logged_now_and_then() -> None:
    assert [n for n in range(1, 61) if worth_logging(n)] == [1, 20, 40, 60]
