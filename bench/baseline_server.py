"""A bare aiohttp server: the same-run baseline every Lotse benchmark is compared with.

It does what any handler must (read and parse the body, answer) and nothing else.
"""

from __future__ import annotations

import sys

from aiohttp import web


async def handle_json(request: web.Request) -> web.Response:
    await request.json()
    return web.json_response({"accepted": True}, status=202)


async def handle_form(request: web.Request) -> web.Response:
    await request.post()
    return web.Response(text="<Response/>", content_type="text/xml")


def main() -> None:
    app = web.Application()
    app.router.add_post("/json", handle_json)
    app.router.add_post("/form", handle_form)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)


if __name__ == "__main__":
    main()
