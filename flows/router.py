"""How the flows fit together: where conversations begin, and the words that always work."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.conversation import Context, Flow, Input, Ports, Step
from bot.i18n import CHANNEL_NAMES, Catalogs, fold
from bot.invitations import find_code, is_token
from bot.kernel.types import Channel, Keyword, Reply, t
from bot.transfer import find_transfer_code, result_id
from flows.common import go
from flows.relay import NAME as RELAY
from flows.relay import case_reply, file_refused, left, written
from flows.rights_due import asked_about

MENU = Keyword("keyword-menu")
LANGUAGE = Keyword("keyword-language")
HELP = Keyword("keyword-help")
#: Carrier-style opt-out and opt-in, on channels that push to a phone.
STOP = Keyword("keyword-stop")
START = Keyword("keyword-start")
OPT_OUT_CHANNELS = frozenset({Channel.SMS, Channel.WHATSAPP, Channel.TELEGRAM})
#: After an unexpected error, before the person's home flow starts again.
APOLOGY = t("Sorry, something went wrong on our side. Let us start again.")


#: Text longer than this is a sentence, not someone typing their connect code.
CODE_TEXT_MAX = 24


def invitation_code(given: Input) -> str | None:
    """A link's token or a connect code: a /start payload or session code or token, or
    a short text that is a code ("K7QF-9M2X", "start k7qf9m2x")."""
    if given.payload:
        if is_token(given.payload):
            return given.payload
        # A payload that is no code at all is still answered as a wrong code.
        return find_code(given.payload) or ""
    if given.text and given.choice is None and len(given.text.strip()) <= CODE_TEXT_MAX:
        return find_code(given.text)
    return None


#: A transfer code with the longest installation id (12) and separators.
TRANSFER_TEXT_MAX = 32


def transfer_code(given: Input) -> str | None:
    """A transfer code typed as it is ("KOELN-7KQ2-9XW4-M3PA"): checked before
    invitation codes, whose pattern would find two of its groups."""
    if given.text and given.choice is None and len(given.text.strip()) <= TRANSFER_TEXT_MAX:
        code = find_transfer_code(given.text)
        return None if code is None else str(code)
    return None


def transfer_result(given: Input) -> Step | None:
    """A fetched transfer's result coming back (`transfer-result:<id>`): before any
    invitation payload, which it would otherwise be taken for (a wrong code). The
    payload may be forged (a Telegram /start): the flow reads only the person's own."""
    row_id = result_id(given.payload)
    return None if row_id is None else go("transfer", data={"result": row_id})


def rights_ask(given: Input) -> Step | None:
    """Lotse asking by itself about a request's deadline (`rights-ask:<id>:<stage>`, the
    ask job): like a transfer's result, before any invitation payload. The payload may be
    forged; the flow reads only the person's own request."""
    found = asked_about(given.payload)
    if found is None:
        return None
    request_id, stage = found
    return go("rights_due", data={"request": request_id, "ask": stage or True})


def internal_step(given: Input) -> Step | None:
    """What Lotse itself put into the inbox: it comes whatever question is open."""
    return transfer_result(given) or rights_ask(given) or case_reply(given)


def code_step(given: Input) -> Step | None:
    """A fetched transfer's result, a deadline question, a typed transfer code, an
    invitation code or a link's token: to its flow."""
    result = internal_step(given)
    if result is not None:
        return result
    transfer = transfer_code(given)
    if transfer is not None:
        return go("transfer", data={"code": transfer})
    code = invitation_code(given)
    return None if code is None else go("invitation", data={"code": code})


class FlowRouter:
    def __init__(self, flows: Iterable[Flow], catalogs: Catalogs, ports: Ports) -> None:
        self._flows = {flow.name: flow for flow in flows}
        self._ports = ports
        self._keywords = {
            keyword.name: catalogs.keyword_set(keyword)
            for keyword in (MENU, LANGUAGE, HELP, STOP, START)
        }

    @property
    def ports(self) -> Ports:
        return self._ports

    def flow(self, name: str) -> Flow:
        return self._flows[name]

    def _home(self, ctx: Context) -> str:
        return "menu" if ctx.person.onboarded_at else "onboarding"

    def first_step(self, ctx: Context, given: Input) -> Step | None:
        coded = code_step(given)
        if coded is not None:
            return coded
        if given.start and ctx.channel in OPT_OUT_CHANNELS and ctx.opted_out:
            return self._opt(ctx, START.name)  # e.g. Telegram's Start after /stop
        if ctx.person.onboarded_at is None:
            return go("onboarding")
        if given.start:
            return go("menu", Reply((t("Welcome back!"),)))
        return None

    def _keyword(self, given: Input) -> str | None:
        if given.choice is not None or not given.text:
            return None
        folded = fold(given.text)
        return next((name for name, words in self._keywords.items() if folded in words), None)

    def _reads_text(self, ctx: Context) -> bool:
        """The open question asks the person to write something (a name, a street): a
        name like "Anna Berg" has a connect code's shape and must not be taken for one."""
        flow = self._flows.get(ctx.conversation.flow)
        return ctx.conversation.step in getattr(flow, "text_steps", ())

    def intercept(self, ctx: Context, given: Input) -> Step | None:
        # A result comes whatever question is open (it is no text the person wrote).
        coded = internal_step(given) or (None if self._reads_text(ctx) else code_step(given))
        if coded is not None:
            return coded
        keyword = self._keyword(given)
        if ctx.channel in OPT_OUT_CHANNELS:
            opted = self._opt(ctx, keyword)
            if opted is not None:
                return opted
        if ctx.conversation.flow == RELAY:
            # A person writing to an advice service: only the way out is the bot's.
            if given.unsupported:
                return file_refused(ctx)
            return left() if keyword == MENU.name else written(ctx, given)
        if given.unsupported:
            return self._unsupported(ctx)
        if keyword == MENU.name:
            return go(self._home(ctx))
        onboarded = ctx.person.onboarded_at is not None
        if keyword == HELP.name:
            # Before consent is asked, help must not lead out of onboarding.
            help_text = self.flow("help").prompt(ctx, "show", {})
            return go("help") if onboarded else self._stay(ctx, help_text)
        if keyword == LANGUAGE.name:
            flow = "settings" if onboarded else "onboarding"
            return Step((self.flow(flow).prompt(ctx, "language", {}),), flow, "language", {})
        return None

    def _stay(self, ctx: Context, *replies: Reply) -> Step:
        """Answer without moving: the open question stays open."""
        conversation = ctx.conversation
        if not conversation.flow or not conversation.step:
            return go(self._home(ctx), *replies)
        data = dict(conversation.data)
        prompt = self.flow(conversation.flow).prompt(ctx, conversation.step, data)
        return Step((*replies, prompt), conversation.flow, conversation.step, data)

    def _opt(self, ctx: Context, keyword: str | None) -> Step | None:
        """STOP withdraws consent for this channel at once, confirmed once; after it,
        nothing more is sent there until START."""
        if keyword == STOP.name and ctx.opted_out:
            return Step((), ctx.conversation.flow, ctx.conversation.step, {})
        channel = CHANNEL_NAMES[ctx.channel]
        if keyword == STOP.name:
            ctx.opt_out()
            confirm = Reply(
                (
                    t(
                        "You will get no more messages from us by {channel}. Write "
                        "“{start}” to get them again.",
                        channel=channel,
                        start=START,
                    ),
                ),
                opt_out_notice=True,
            )
            # Only the confirmation: rows written with the opt-out are the last to go.
            return Step((confirm,), ctx.conversation.flow, ctx.conversation.step, {})
        if keyword == START.name and ctx.opted_out:
            ctx.opt_in()
            welcome = Reply(
                (t("Welcome back! You will get our messages by {channel} again.", channel=channel),)
            )
            return go(self._home(ctx), welcome)
        return None

    def _unsupported(self, ctx: Context) -> Step:
        return self._stay(
            ctx, Reply((t("Sorry, I can only read written text. Please write your answer."),))
        )

    def not_understood(self, ctx: Context, flow: str, step: str, data: Mapping[str, Any]) -> Step:
        apology = Reply(
            (
                t("Sorry, I did not understand that."),
                t(
                    "Please choose one of the options below. You can also write “{menu}” for "
                    "the main menu or “{help}” for help.",
                    menu=MENU,
                    help=HELP,
                ),
            )
        )
        return Step((apology, self.flow(flow).prompt(ctx, step, data)), flow, step, data)

    def timed_out(self, ctx: Context) -> Step:
        notice = t("We have not heard from you for a while, so we are starting over.")
        return go(self._home(ctx), Reply((notice,)))

    def failed(self, ctx: Context) -> Step:
        return go(self._home(ctx), Reply((APOLOGY,)))
