"""Who holds my data, step by step: the questions (and the ones skipped), the list with
"may hold", a holder's details, Lotse itself, bad input, and "My requests".

"My requests" runs here against a small implementation of the `Requests` port kept in
memory (the port's contract, bot/conversation/scope.py): the storage behind the real one
is tested with it (tests/rights), the whole way through the channels in tests/flows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.conversation import Input, Requests, Step, StepScope
from bot.conversation.step import StepRunner
from bot.holders import RequestKind
from bot.i18n import Catalogs
from bot.kernel.types import Channel, Reply, Text
from bot.runtime.services import feature_ports
from flows.holders import HoldersFlow
from tests.support.clock import Clock
from tests.support.steps import OPERATOR, Bench, StepPerson, choice_ids, msgids

FLOW = HoldersFlow()
LIST = "These agencies probably hold data about you:"
UNSEEN = (
    "Lotse cannot see what these agencies have stored: their registers are their own. "
    "Only they can tell you, and that is why you can ask them."
)


@dataclass(frozen=True, slots=True)
class Stored:
    """What the chat sees of a request (the shape of bot.rights.RequestView)."""

    request_id: int
    holder: str
    kind: RequestKind
    status: str
    erase_at: datetime
    missing: tuple[str, ...] = ()
    created_at: datetime = datetime(2026, 11, 23, tzinfo=UTC)


@dataclass
class Book:
    """Requests by person id: each person's port sees only their own."""

    rows: dict[int, list[Stored]] = field(default_factory=dict)
    deleted: list[int] = field(default_factory=list)


class InMemoryRequests(Requests):
    def __init__(self, book: Book, person_id: int) -> None:
        self.book, self.person_id = book, person_id

    def _mine(self) -> list[Stored]:
        return self.book.rows.setdefault(self.person_id, [])

    async def mine(self) -> Any:
        return tuple(self._mine())

    async def view(self, request_id: int) -> Any:
        return next((r for r in self._mine() if r.request_id == request_id), None)

    async def delete(self, request_id: int) -> bool:
        found = await self.view(request_id)
        if found is None:
            return False
        self._mine().remove(found)
        self.book.deleted.append(request_id)
        return True


@pytest.fixture
def book() -> Book:
    return Book()


@pytest.fixture
async def bench(
    settings: Settings, clock: Clock, catalogs: Catalogs, book: Book
) -> AsyncIterator[Bench]:
    built = Bench(settings, clock, catalogs)

    def requests(scope: StepScope) -> Requests:
        return InMemoryRequests(book, scope.person_id)

    ports = {**feature_ports(settings), Requests: requests}
    built.runner = StepRunner(router=built.router, catalogs=catalogs, settings=settings,
                              vault=built.vault, operator=OPERATOR, ports=ports)  # fmt: skip
    yield built
    await built.close()


async def answer(someone: StepPerson, *choices: str) -> Step:
    """Enter the flow and pick `choices` in turn; the last step."""
    step = await someone.enter(FLOW)
    for choice in choices:
        assert step.step is not None
        picked = await someone.handle(FLOW, step.step, Input(choice=choice), step.data)
        assert picked is not None, choice
        step = picked
    return step


def listed(reply: Reply) -> list[str]:
    return [c.id.removeprefix("holder:") for c in reply.choices if c.id.startswith("holder:")]


async def test_three_questions_then_the_holders_that_apply(bench: Bench) -> None:
    someone = bench.person()
    first = await someone.enter(FLOW)
    assert (first.flow, first.step) == ("holders", "situation")
    [question] = first.replies
    assert msgids(question)[-1] == "What is your residence status?"
    assert choice_ids(question) == [
        "situation:asylum", "situation:protected", "situation:residence", "situation:eu",
        "situation:ukraine", "back",
    ]  # fmt: skip
    step = await someone.handle(FLOW, "situation", Input(choice="situation:protected"))
    assert step is not None and step.step == "benefits" and step.data == {"situation": "protected"}
    assert choice_ids(step.replies[0]) == ["yes", "no", "unsure", "back"]
    step = await someone.handle(FLOW, "benefits", Input(choice="no"), step.data)
    assert step is not None and step.step == "job"
    step = await someone.handle(FLOW, "job", Input(choice="no"), step.data)
    assert step is not None and step.step == "list"
    # The answers are gone: only the holders listed stay in the state.
    assert step.data == {
        "holders": ["azr", "bamf", "auslaenderbehoerde", "meldebehoerde", "krankenkasse", "lotse"],
        "may": [],
    }
    [reply] = step.replies
    texts = msgids(reply)
    assert texts[0] == LIST and UNSEEN in texts
    assert texts[-1] == "Choose an agency to see how to ask it."
    line = reply.texts[1]
    assert line.params["name"].msgid == "Central Register of Foreign Nationals (AZR)"
    assert line.params["why"].msgid.startswith("Every agency that deals with you")
    cockpit = reply.texts[-2]
    assert cockpit.params["way"].msgid.startswith("If you have an ID card")
    assert cockpit.params["web"].startswith("https://")
    assert listed(reply) == step.data["holders"]
    assert choice_ids(reply)[-2:] == ["requests", "back"]


async def test_a_question_that_cannot_change_the_list_is_skipped(bench: Bench) -> None:
    # With benefits, the employment agency is listed whatever the job answer: no question 3.
    step = await answer(bench.person(), "situation:protected", "yes")
    assert step.step == "list"
    assert "jobcenter" in step.data["holders"] and "bundesagentur" in step.data["holders"]


async def test_not_sure_lists_holders_as_may_hold(bench: Bench) -> None:
    # Benefits "not sure" already lists the employment agency, but only a job makes it
    # certain: the job question is asked still.
    step = await answer(bench.person(), "situation:asylum", "unsure", "no")
    assert step.step == "list"
    assert set(step.data["may"]) == {"bundesagentur", "sozialamt", "familienkasse"}
    working = await answer(bench.person("unit-working"), "situation:asylum", "unsure", "yes")
    assert set(working.data["may"]) == {"sozialamt", "familienkasse"}
    [reply] = step.replies
    names = [t.params["name"].msgid for t in reply.texts if t.msgid == "{name}\n{what} {why}"]
    marked = "{name} (may hold data about you, as you were not sure)"
    assert names.count(marked) == 3 and len(names) == len(step.data["holders"])


async def test_a_holders_details_say_how_to_ask(bench: Bench) -> None:
    someone = bench.person()
    step = await answer(someone, "situation:eu", "no", "no", "holder:azr")
    assert (step.step, step.data["holder"]) == ("details", "azr")
    [reply] = step.replies
    texts = msgids(reply)
    assert texts[0] == "Central Register of Foreign Nationals (AZR)"
    where = reply.texts[1]
    assert where.msgid == "Where to write: {address}"
    assert "Bundesverwaltungsamt" in where.params["address"]
    assert texts[2].startswith("Proof of identity: your signature must be certified")
    online = next(t for t in reply.texts if t.msgid == "{way} {web}")
    assert online.params["way"].msgid.startswith("Online through the federal portal")
    form = next(t for t in reply.texts if t.msgid.startswith("It has its own form"))
    assert "Ausländerzentralregister" in form.params["form"]
    assert "Asking is free. They must answer within one month." in texts
    assert "Who may receive data from it by law:" in texts
    supervisor = reply.texts[-1]
    assert supervisor.msgid.startswith("If they do not answer, you can complain to the authority")
    assert supervisor.params["name"].startswith("Die Bundesbeauftragte für den Datenschutz")
    assert choice_ids(reply) == ["write", "list", "back"]
    write = await someone.handle(FLOW, "details", Input(choice="write"), step.data)
    # The request wizard starts with the holder (flows/rights_request.py).
    assert write is not None and (write.flow, write.step) == ("rights_request", None)
    assert write.data == {"holder": "azr"}
    back = await someone.handle(FLOW, "details", Input(choice="list"), step.data)
    assert back is not None and back.step == "list" and "holder" not in back.data


async def test_a_local_office_not_filled_in_and_the_own_insurer(bench: Bench) -> None:
    someone = bench.person()
    listing = await answer(someone, "situation:residence", "no", "no")
    office = await someone.handle(FLOW, "list", Input(choice="holder:auslaenderbehoerde"),
                                  listing.data)  # fmt: skip
    assert office is not None
    assert msgids(office.replies[0])[1].startswith("Where to write: this office has not been")
    insurer = await someone.handle(FLOW, "list", Input(choice="holder:krankenkasse"),
                                   listing.data)  # fmt: skip
    assert insurer is not None
    assert msgids(insurer.replies[0])[1].startswith("Where to write: your own health insurer")


async def test_lotse_itself_points_to_my_data(bench: Bench) -> None:
    step = await answer(bench.person(), "situation:eu", "no", "no", "holder:lotse")
    [reply] = step.replies
    assert msgids(reply)[1].startswith("What Lotse keeps about you is in “My data”")
    assert choice_ids(reply) == ["my_data", "list", "back"]
    mine = await bench.person().handle(FLOW, "details", Input(choice="my_data"), step.data)
    assert mine is not None and (mine.flow, mine.step) == ("my_data", None)
    # No letter to Lotse, even from a stale "write" choice.
    stale = await bench.person().handle(FLOW, "details", Input(choice="write"), step.data)
    assert stale is not None and stale.flow == "my_data"


async def test_a_holder_that_does_not_exist_shows_the_list_again(bench: Bench) -> None:
    someone = bench.person()
    listing = await answer(someone, "situation:eu", "no", "no")
    for given in (Input(choice="holder:nsa"), Input(text="Finanzamt")):
        step = await someone.handle(FLOW, "list", given, listing.data)
        assert step is not None and step.step == "list" and step.data == listing.data
        [reply] = step.replies
        assert msgids(reply) == [
            "That agency was not found.",
            "Choose an agency to see how to ask it.",
        ]
        assert listed(reply) == listing.data["holders"]
    typed = await someone.handle(FLOW, "list", Input(text="azr"), listing.data)
    assert typed is not None and typed.data["holder"] == "azr"
    # A made-up holder handed over from elsewhere starts with the questions.
    made_up = await someone.enter(FLOW, {"holder": "nsa"})
    assert made_up.step == "situation"


async def test_by_sms_one_message_per_holder_and_short_details(bench: Bench) -> None:
    someone = bench.person("unit-sms", channel=Channel.SMS)
    first = await someone.enter(FLOW)
    assert [len(r.texts) for r in first.replies] == [1, 1]  # the intro alone, then question 1
    assert "back" not in choice_ids(first.replies[-1])
    step = await answer(someone, "situation:eu", "no", "no")
    header, *rest = step.replies
    assert msgids(header) == ["Choose an agency to see how to ask it.", LIST]
    *holders, unseen, cockpit, choose = rest
    names = [r.texts[0].params.get("name") for r in holders if r.texts[0].params]
    assert len([n for n in names if n is not None]) == 4  # AZR, Meldebehörde, insurer, Lotse
    assert all(not r.choices for r in holders)
    assert msgids(unseen) == [UNSEEN]
    assert msgids(cockpit)[0].startswith("With the online function (eID)")
    # Short German names as the choices: the explained names are in the messages above.
    # No "Back" by SMS (the menu keyword works): nine agencies fit three segments so.
    assert not choose.texts
    assert [c.label for c in choose.choices] == ["AZR", "Meldebehörde", "Krankenkasse", "Lotse",
                                                 Text("My requests", {})]  # fmt: skip
    details = await someone.handle(FLOW, "list", Input(choice="holder:azr"), step.data)
    assert details is not None
    assert all(not r.choices for r in details.replies[:-1])
    assert choice_ids(details.replies[-1]) == ["write", "list", "back"]
    recipients = next(r for r in details.replies if r.texts[0].msgid.startswith("Who may"))
    more = list(recipients.texts[1].params.values())[-1]
    assert more.msgid == "and {n} more" and more.n >= 10  # the AZR has many recipients
    lotse = await someone.handle(FLOW, "list", Input(choice="holder:lotse"), step.data)
    assert lotse is not None and [choice_ids(r) for r in lotse.replies] == [
        [],
        ["my_data", "list", "back"],
    ]


async def _prompt(ctx: Any, step: str, data: Any) -> Reply:
    return FLOW.prompt(ctx, step, data)


async def request(book: Book, someone: StepPerson, holder: str, kind: RequestKind) -> int:
    person_id = await someone.person_id()
    assert person_id is not None
    rows = book.rows.setdefault(person_id, [])
    request_id = 100 + sum(len(r) for r in book.rows.values())
    erase = datetime(2027, 2, 21, tzinfo=UTC) + timedelta(days=len(rows))
    missing = ("birth-date",) if kind is RequestKind.CORRECTION else ()
    status = "drafted" if missing else "ready"
    rows.insert(0, Stored(request_id, holder, kind, status, erase, missing))
    return request_id


async def test_my_requests_lists_and_deletes_after_asking(bench: Bench, book: Book) -> None:
    someone = bench.person()
    listing = await answer(someone, "situation:eu", "no", "no")
    empty = await someone.handle(FLOW, "list", Input(choice="requests"), listing.data)
    assert empty is not None and empty.step == "requests"
    assert msgids(empty.replies[0]) == ["You have no requests to agencies."]
    assert choice_ids(empty.replies[0]) == ["list", "back"]
    first = await request(book, someone, "azr", RequestKind.CORRECTION)
    second = await request(book, someone, "krankenkasse", RequestKind.ACCESS)
    step = await someone.handle(FLOW, "list", Input(choice="requests"), listing.data)
    assert step is not None
    [reply] = step.replies
    lines = [t for t in reply.texts if t.msgid.startswith("{number})")]
    assert [line.params["kind"].msgid for line in lines] == ["access to your data", "correction"]
    assert lines[1].params["holder"].msgid == "Central Register of Foreign Nationals (AZR)"
    assert lines[1].params["date"] == datetime(2027, 2, 21, tzinfo=UTC).date()
    assert choice_ids(reply) == ["request:1", "request:2", "list", "back"]
    assert step.data["shown"] == [second, first]  # the ids as numbered, newest first
    again = await someone.read(lambda ctx: _prompt(ctx, "requests", step.data))
    assert choice_ids(again) == ["request:1", "request:2", "list", "back"]
    picked = await someone.handle(FLOW, "requests", Input(choice="request:2"), step.data)
    assert picked is not None and picked.step == "request" and picked.data["request"] == first
    [about] = picked.replies
    assert about.texts[0].params["number"] == 2
    # Not finished: it goes on in the request wizard, with the questions still open.
    assert choice_ids(about) == ["go-on", "delete", "requests"]
    go_on = await someone.handle(FLOW, "request", Input(choice="go-on"), picked.data)
    assert go_on is not None and (go_on.flow, go_on.step) == ("rights_request", None)
    assert go_on.data == {"request": first}
    ready = await someone.handle(FLOW, "requests", Input(choice="request:1"), step.data)
    assert ready is not None and choice_ids(ready.replies[0])[0] == "again"
    ask = await someone.handle(FLOW, "request", Input(choice="delete"), picked.data)
    assert ask is not None and ask.step == "confirm-delete" and ask.data["request"] == first
    assert choice_ids(ask.replies[0]) == ["confirm", "keep"]
    kept = await someone.handle(FLOW, "confirm-delete", Input(choice="keep"), ask.data)
    assert kept is not None and kept.step == "requests" and book.deleted == []
    done = await someone.handle(FLOW, "confirm-delete", Input(choice="confirm"), ask.data)
    assert (
        done is not None
        and msgids(done.replies[0])[0] == "Deleted. Everything you typed for it is gone."
    )
    assert book.deleted == [first] and "request" not in done.data
    back = await someone.handle(FLOW, "requests", Input(choice="list"), done.data)
    assert back is not None and back.step == "list"


async def test_another_persons_request_is_not_found_and_nothing_is_deleted(
    bench: Bench, book: Book
) -> None:
    mine, other = bench.person("unit-mine"), bench.person("unit-other")
    await mine.enter(FLOW)
    await other.enter(FLOW)
    theirs = await request(book, other, "bamf", RequestKind.ACCESS)
    step = await mine.enter(FLOW, {"show": "requests"})
    assert "shown" not in step.data  # nothing listed: no request can be picked
    for choice in ("request:1", "request:abc", f"request:{theirs}"):
        refused = await mine.handle(FLOW, "requests", Input(choice=choice), step.data)
        assert refused is not None and refused.step == "requests"
        assert msgids(refused.replies[0])[0] == "That request was not found. Nothing was deleted."
    # Even steps forged with their id delete nothing and lead nowhere.
    forged = {"request": theirs}
    for at, choice in (("confirm-delete", "confirm"), ("request", "delete"), ("request", "go-on")):
        refused = await mine.handle(FLOW, at, Input(choice=choice), forged)
        assert refused is not None and refused.flow == "holders"
        assert msgids(refused.replies[0])[0] == "That request was not found. Nothing was deleted."
    # A list shown earlier whose request is gone since: not found either.
    gone = await mine.handle(FLOW, "requests", Input(choice="request:1"), {"shown": [theirs]})
    assert gone is not None
    assert msgids(gone.replies[0])[0] == "That request was not found. Nothing was deleted."
    assert book.deleted == [] and len(book.rows[await other.person_id() or 0]) == 1


async def test_back_goes_to_the_main_menu_from_every_step(bench: Bench) -> None:
    someone = bench.person()
    for step in ("situation", "benefits", "job", "list", "details"):
        back = await someone.handle(FLOW, step, Input(choice="back"), {"situation": "eu"})
        assert back is not None and (back.flow, back.step) == ("menu", None)
