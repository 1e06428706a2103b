"""A request to a data holder, written as a letter: the kind of request, consent before
anything is typed, each part typed on its own, then the letter on the person's channel.

Entered from "Who holds my data" with `{"holder": slug}`, or with `{"request": id}` to go
on with a request started before (from "My requests"): the questions still open are
asked, or the letter is made again.

What the person types is saved at once, encrypted, through the `Requests` port; the
conversation's state (not encrypted) holds only the request's id, its kind and which
part is asked, and a receipt never repeats what was typed. "Go on later" keeps what was
saved: "My requests" goes on from there (or makes the letter again) or deletes it, as
does choosing the same holder and kind again; it is erased by itself `request_days`
after its last change.

The letter arrives as the export of "My data" does: on the web chat as a link under the
message, on Telegram as a document only after asking (it stays in the chat's history),
by SMS and WhatsApp as a short link. Where the operator posts letters and keeps the
person's address for letters, they may choose instead to have it printed and posted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import holders
from bot.consent import notice_link_text
from bot.conversation import Context, Input, Requests, Step
from bot.holders import Holder, IdentityProof, RequestKind
from bot.kernel.types import Channel, Reply, Text, t
from flows import rights_due as due
from flows import rights_due_words as due_words
from flows import rights_words as w
from flows.common import NO, YES, go
from flows.my_data import BACK

NAME = "rights_request"
#: Where "Back" and the end of a request lead.
HOME = "menu"
#: Channels that get a short link rather than the document.
LINKED = (Channel.SMS, Channel.WHATSAPP)
#: The steps that read what the person writes: no connect code is looked for there.
TEXT_STEPS = frozenset((*w.IDENTITY, *w.DETAILS))
#: Statuses (bot.rights.RequestStatus) in which the letter has not gone yet.
UNSENT = frozenset({"drafted", "ready"})


def holder_of(ctx: Context, slug: object) -> Holder | None:
    holder = holders.catalog(ctx.settings).get(slug) if isinstance(slug, str) else None
    return holder if holder is not None and holder.requests else None


def holder_name(holder: Holder) -> Text:
    return Text(holder.plain_name)


def kinds_of(holder: Holder) -> tuple[RequestKind, ...]:
    return tuple(kind for kind in RequestKind if kind in holder.requests)


def request_kind(value: object) -> RequestKind | None:
    return next((kind for kind in RequestKind if kind.value == value), None)


class RightsRequest:
    name = NAME
    text_steps = TEXT_STEPS

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        if "request" in data:
            return await self._resume(ctx, data["request"])
        holder = holder_of(ctx, data.get("holder"))
        if holder is None:
            return go(HOME, Reply((w.NOT_FOUND,)))
        return self._kinds(ctx, holder)

    # -- the kind, and consent -------------------------------------------------------------

    def _kinds(self, ctx: Context, holder: Holder, *before: Reply) -> Step:
        state = {"holder": holder.slug}
        if ctx.channel is Channel.SMS:
            # One SMS per kind: all of them with the question would pass three segments.
            lines = tuple(Reply((w.kind_line(kind, True),)) for kind in kinds_of(holder))
            return Step((*before, *lines, self.prompt(ctx, "kind", state)), NAME, "kind", state)
        return Step((*before, self.prompt(ctx, "kind", state)), NAME, "kind", state)

    def _consent(self, ctx: Context, holder: Holder, kind: RequestKind) -> Step:
        state = {"holder": holder.slug, "kind": kind.value}
        texts = [w.NEEDS]
        if kind in w.NEEDS_MORE:
            texts.append(w.NEEDS_MORE[kind])
        texts += [w.kept(ctx.settings.request_days), notice_link_text(ctx.settings, ctx.lang)]
        question = self.prompt(ctx, "consent", state)
        if ctx.channel is Channel.SMS:  # the parts apart: together they pass 3 segments
            replies = [Reply(tuple(texts[:-2])), Reply((texts[-2],)), Reply((texts[-1],)), question]
        else:
            replies = [Reply((*texts, *question.texts), question.choices)]
        return Step(tuple(replies), NAME, "consent", state)

    # -- typing ---------------------------------------------------------------------------

    async def _ask(self, ctx: Context, view: Any, *before: Reply) -> Step:
        """The first part still missing, or the letter when none is."""
        if not view.missing:
            return await self._complete(ctx, view, *before)
        part = str(view.missing[0])
        state: dict[str, Any] = {"request": view.request_id, "kind": str(view.kind)}
        if part in w.ADDRESS_PARTS and await ctx.letter_address() is not None:
            state["address"] = True
        replies = list(before)
        if part in ("wrong", "reasons"):
            replies.append(Reply((w.OWN_WORDS,)))
        replies.append(self.prompt(ctx, part, state))
        return Step(tuple(replies), NAME, part, state)

    async def _typed(self, ctx: Context, part: str, data: Mapping[str, Any], text: str) -> Step:
        result = await ctx.port(Requests).set_part(data["request"], part, text)
        if result is None:
            return go(HOME, Reply((w.GONE,)))
        if isinstance(result, str):  # a bot.rights.Problem: nothing was saved
            problem = Reply((w.problem_text(result, part, text),))
            return Step((problem, self.prompt(ctx, part, data)), NAME, part, dict(data))
        return await self._ask(ctx, result, *self._receipt(result))

    def _receipt(self, view: Any, *texts: Text) -> tuple[Reply, ...]:
        if not view.missing:
            return (Reply(texts),) if texts else ()
        return (Reply((*texts, w.saved(len(view.missing)))),)

    async def _own_address(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        view = await ctx.port(Requests).use_letter_address(data["request"])
        if view is None:
            # No address kept any more (or the request is gone): ask as usual.
            return await self._resume(ctx, data["request"])
        return await self._ask(ctx, view, *self._receipt(view, w.ADDRESS_TAKEN))

    async def _later(self, ctx: Context, request_id: Any) -> Step:
        view = await ctx.port(Requests).view(request_id)
        if view is None:
            return go(HOME, Reply((w.GONE,)))
        return go(HOME, Reply((w.for_later(view.erase_at.date()),)))

    async def _resume(self, ctx: Context, request_id: Any) -> Step:
        view = await ctx.port(Requests).view(request_id) if isinstance(request_id, int) else None
        if view is None:
            return go(HOME, Reply((w.GONE,)))
        return await self._ask(ctx, view)

    # -- the letter -------------------------------------------------------------------------

    async def _complete(self, ctx: Context, view: Any, *before: Reply) -> Step:
        holder = holders.catalog(ctx.settings).get(str(view.holder))
        if holder is None:  # taken out of the operator's catalog since
            return go(HOME, *before, Reply((w.NOT_FOUND,)))
        kind = RequestKind(str(view.kind))
        texts = [w.summary(holder_name(holder), kind), w.CONTAINS]
        if kind is not RequestKind.ACCESS:
            texts.append(w.CONTAINS_WORDS)
        summary = [Reply(tuple(texts))]
        if ctx.channel is Channel.SMS:  # the agency's name is long in some languages
            summary = [Reply((texts[0],)), Reply(tuple(texts[1:]))]
        # Where the operator posts letters, the person chooses: here, or by post; where
        # the holder's office is on this installation, also through Lotse.
        posting = await ctx.port(Requests).can_post(view.request_id)
        office = holder.office is not None and str(view.status) in UNSENT
        if ctx.channel is Channel.TELEGRAM or posting or office:
            state = {"request": view.request_id, **({"post": True} if posting else {}),
                     **({"office": holder.slug} if office else {})}  # fmt: skip
            return Step((*before, *summary, self.prompt(ctx, "send", state)), NAME, "send", state)
        unsent = str(view.status) in UNSENT
        return await self._deliver(ctx, view.request_id, holder, *before, *summary, unsent=unsent)

    async def _deliver(
        self, ctx: Context, request_id: int, holder: Holder, *before: Reply, unsent: bool = True
    ) -> Step:
        issued = await ctx.port(Requests).letter(request_id)
        if issued is None:
            return go(HOME, *before, Reply((w.NO_LETTER,)))
        until = issued.expires_at
        if ctx.channel is Channel.TELEGRAM:
            letter = Reply((w.SENT_HERE,), attachment=issued.reference)
        elif ctx.channel in LINKED:
            letter = Reply((w.by_link(issued.link, until),))
        else:
            letter = Reply((w.on_web(until),), attachment=issued.reference)
        steps = [w.NEXT.get(holder.identity_proof, w.NEXT[IdentityProof.SIGNATURE])]
        if holder.address is None:
            steps.append(w.NO_ADDRESS)
        steps.append(w.DUE)
        if ctx.channel is Channel.SMS:
            told: tuple[Reply, ...] = tuple(Reply((text,)) for text in steps)
        else:
            told = (Reply(tuple(steps)),)
        if not unsent:  # made again for a request that went: its clock runs already
            return go(HOME, *before, letter, *told)
        # Then how and when it went: the deadline clock starts from that.
        return due.sent_question(ctx, request_id, due_words.REQUEST, *before, letter, *told)

    # -- the flow's interface -----------------------------------------------------------------

    async def _to_office(self, ctx: Context, request_id: int, holder: Holder) -> Step:
        view = await ctx.port(Requests).send_to_office(request_id)
        if view is None:
            return go(HOME, Reply((w.NO_LETTER,)))
        sent = t(due_words.OFFICE_SENT.msgid, holder=holder_name(holder))
        told = (sent, *filter(None, (due_words.due_text(ctx, view),)), due_words.OFFICE_TELLS)
        if ctx.channel is Channel.SMS:
            return go(HOME, *(Reply((text,)) for text in told))
        return go(HOME, Reply(told))

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if step == "kind":
            holder = holder_of(ctx, data.get("holder"))
            if holder is None:
                return Reply((w.NOT_FOUND,), (BACK,))
            kinds, sms = kinds_of(holder), ctx.channel is Channel.SMS
            choices = (*(w.kind_choice(kind, sms) for kind in kinds), BACK)
            question = w.asked_what(holder_name(holder), sms)
            if sms:
                return Reply((question,), choices)
            return Reply((question, *(w.kind_line(kind, False) for kind in kinds)), choices)
        if step == "consent":
            return Reply((w.AGREE_QUESTION,), (w.AGREE, NO))
        if step == "send":
            post = (w.POST_IT,) if data.get("post") else ()
            office = holder_of(ctx, data.get("office"))
            if office is not None:
                through = t(due_words.OFFICE_OR_LETTER.msgid, holder=holder_name(office))
                return Reply((through,), (due_words.THROUGH_LOTSE, w.HERE, *post))
            if ctx.channel is Channel.TELEGRAM:
                return Reply((w.SEND_HERE,), (YES, *post, NO))
            return Reply((w.HERE_OR_POST,), (w.HERE, *post))
        if step == "reasons":
            kind = request_kind(data.get("kind"))
            question = w.REASONS.get(kind, w.REASONS_OTHER) if kind else w.REASONS_OTHER
        else:
            question = w.QUESTIONS[step]
        offer = (w.USE_ADDRESS,) if step in w.ADDRESS_PARTS and data.get("address") else ()
        return Reply((question,), (*offer, w.LATER))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if step == "kind":
            return await self._chosen_kind(ctx, data, given)
        if step == "consent":
            return await self._agreed(ctx, data, given)
        if step == "send":
            return await self._send(ctx, data, given)
        if step not in TEXT_STEPS or not isinstance(data.get("request"), int):
            return None
        if given.choice == w.LATER.id:
            return await self._later(ctx, data["request"])
        if given.choice == w.USE_ADDRESS.id and step in w.ADDRESS_PARTS and data.get("address"):
            return await self._own_address(ctx, data)
        if given.choice is not None or not given.text:
            return None
        return await self._typed(ctx, step, data, given.text)

    async def _chosen_kind(
        self, ctx: Context, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == BACK.id:
            return go(HOME)
        holder = holder_of(ctx, data.get("holder"))
        if holder is None:
            return go(HOME, Reply((w.NOT_FOUND,)))
        kind = next((k for k in kinds_of(holder) if w.KINDS[k].id == given.choice), None)
        if kind is None:
            return None
        # The same request started before (and agreed to then): it goes on from there,
        # or its letter is made again.
        mine = await ctx.port(Requests).mine()
        same = next((r for r in mine if r.holder == holder.slug and str(r.kind) == kind), None)
        if same is not None:
            return await self._ask(ctx, same, Reply((w.RESUMED,)))
        return self._consent(ctx, holder, kind)

    async def _agreed(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        holder = holder_of(ctx, data.get("holder"))
        if holder is None:
            return go(HOME, Reply((w.NOT_FOUND,)))
        if given.choice == NO.id:
            return self._kinds(ctx, holder, Reply((w.NOTHING_STORED,)))
        kind = request_kind(data.get("kind"))
        if given.choice != w.AGREE.id or kind is None:
            return None
        view = await ctx.port(Requests).start(holder.slug, kind.value)
        if view is None:
            return go(HOME, Reply((w.NOT_FOUND,)))
        return await self._ask(ctx, view)

    async def _send(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        request_id = data.get("request")
        if given.choice == NO.id:
            return go(HOME, Reply((w.NOT_SENT,)))
        if not isinstance(request_id, int):
            return None
        if given.choice == w.POST_IT.id and data.get("post"):
            posted = await ctx.port(Requests).post(request_id)
            return go(HOME, Reply((w.NO_LETTER if posted is None else w.posted(posted.address),)))
        if given.choice not in (YES.id, w.HERE.id, due_words.THROUGH_LOTSE.id):
            return None
        view = await ctx.port(Requests).view(request_id)
        holder = None if view is None else holders.catalog(ctx.settings).get(str(view.holder))
        if view is None or holder is None:
            return go(HOME, Reply((w.GONE,)))
        if given.choice == due_words.THROUGH_LOTSE.id and data.get("office"):
            return await self._to_office(ctx, request_id, holder)
        if given.choice == w.HERE.id and data.get("office") and ctx.channel is Channel.TELEGRAM:
            # The letter, not the office: on Telegram asked first, as always.
            state = {"request": request_id, **({"post": True} if data.get("post") else {})}
            return Step((self.prompt(ctx, "send", state),), NAME, "send", state)
        return await self._deliver(ctx, request_id, holder, unsent=str(view.status) in UNSENT)
