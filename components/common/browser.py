"""Which browser this is, across reloads: a random token kept in the browser's localStorage.

A Streamlit session ends when the page is reloaded or the tab is closed, so
what a person makes is kept under their browser's token instead
(model/files/browser_store.py). Why localStorage: it survives a reload, a
closed and reopened tab and a sleeping laptop; it belongs to this site in this
browser profile only, so another browser, another profile or another site never
sees it. The token is made in the browser from 128 random bits
(crypto.getRandomValues, which works on plain-http classroom servers too) and is
used on the server only through its hash. A private window gets a token of its
own, gone when the window closes.

The component also copies the token into a same-site cookie: the websocket that
a reloaded page opens carries it, so the first script run after a reload already
knows the browser (its runs and digits show at once) instead of waiting for the
component's JavaScript to send it a run later. On a browser's very first visit,
and in AppTest (which runs no JavaScript), the token is None until then.

The frame (app.py) calls `recognise_browser()` at the start of each script run
and `ask_the_browser()` before the page; everything else reads `browser_token()`.
"""

from __future__ import annotations

import functools

import streamlit as st

from model.files.browser_store import valid_token

STORAGE_KEY = "cnn-lens-browser"
COOKIE = "cnn_lens_browser"
WIDGET_KEY = "browser_token"
TOKEN_KEY = "browser_token_found"  # session state: the token this run found

_JS = f"""
export default function (component) {{
  const {{ setStateValue, data }} = component;
  let token = "";
  try {{
    token = window.localStorage.getItem("{STORAGE_KEY}");
    if (!/^[0-9a-f]{{32}}$/.test(token || "")) {{
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      token = Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
      window.localStorage.setItem("{STORAGE_KEY}", token);
    }}
    document.cookie = "{COOKIE}=" + token + "; path=/; max-age=31536000; SameSite=Strict";
  }} catch (err) {{
    token = "";  // storage turned off: nothing is kept between visits
  }}
  // A state change reruns the script: only when the server does not know the token yet,
  // and only once the script run that drew this is over (see ask_the_browser).
  if (token === (data && data.known)) return;
  const over = () => {{
    const app = document.querySelector('[data-testid="stApp"]');
    return !app || app.dataset.testScriptState !== "running";
  }};
  const answer = () => (over() ? setStateValue("token", token) : setTimeout(answer, 50));
  answer();
}}
"""


@functools.cache
def _component():
    return st.components.v2.component("cnn_lens_browser_token", js=_JS, html="")


def recognise_browser() -> str | None:
    """At the start of every script run, in the frame: which browser this is, if known yet.

    From what the component sent on an earlier run, else from the cookie that the
    reloaded page's websocket carried. Draws nothing.
    """
    sent = st.session_state.get(WIDGET_KEY)
    token = sent.get("token") if sent is not None else None
    if not valid_token(token):
        token = st.context.cookies.get(COOKIE)
    token = token if valid_token(token) else None
    st.session_state[TOKEN_KEY] = token
    return token


def ask_the_browser() -> None:
    """On every script run, before the page: the component that reads (or makes) the token.

    Its answer reruns the script, so it waits until the run that drew it is over (the
    page's root says so in its `data-test-script-state`): sent in the middle of a new
    browser's first run, that rerun carried the values of widgets the browser had only
    just drawn, before their session-state values reached them (the recipe's learning
    rate came back as 0). It answers only when the server does not know its token.
    Mounted before the page, because a page may stop early (st.stop) on any run.
    """
    _component()(key=WIDGET_KEY, data={"known": browser_token()}, on_token_change=lambda: None)


def browser_token() -> str | None:
    """This browser's token as the frame found it in this script run (None while unknown)."""
    return st.session_state.get(TOKEN_KEY)
