"""One simulated browser session for ``load_sessions.py``: Streamlit's protobuf protocol over the
websocket at ``ws://HOST:PORT/_stcore/stream``.

What the client relies on (checked against streamlit 1.67, ``runtime/app_session.py``,
``web/server/starlette/starlette_websocket.py``, ``proto/ClientState.proto``):

* The websocket is opened with the subprotocol ``streamlit`` and carries binary frames only:
  ``BackMsg`` from the client, ``ForwardMsg`` from the server. Nothing runs until the client
  sends a ``BackMsg.rerun_script`` (a ``ClientState``), as the browser does on load.
* ``ClientState.page_script_hash`` selects the ``st.navigation`` page; the hashes (and titles)
  come from the ``navigation`` ForwardMsg (``app_pages``) the server sends on every full run.
* A widget change is a rerun whose ``widget_states`` holds a ``WidgetState`` with the widget's
  ``id`` (read from the ``new_element`` delta that drew it) and its value in the field the
  widget registers: a slider ``double_array_value``, a number input ``double_value``, a radio
  ``string_value`` (the formatted option), a button ``trigger_value``.
* The Audit threshold slider lives in an ``st.fragment``: the browser reruns only the fragment,
  by setting ``ClientState.fragment_id`` to the ``Delta.fragment_id`` of the slider's delta.
  The client does the same (the fragment id is read again after every full run of Audit).
* Every run starts with a ``new_session`` message and ends with ``script_finished``; both carry
  ``metadata.run.script_run_id``. A rerun's latency is the time from sending the BackMsg to the
  ``script_finished`` of a run that started after it (``FINISHED_EARLY_FOR_RERUN``, the end of a
  run cut short by ``st.rerun()``, is not the end: the next run is waited for).
* Errors counted: ``Element.exception`` in a delta, a ``session_event`` with a script
  compilation exception, the app's own catch-all error box ("Something went wrong on this
  screen", shell.unexpected_error), ``page_not_found``, a disconnect, a rerun that does not
  finish within the timeout.

Bench scripts only: no test imports this.
"""

from __future__ import annotations

import asyncio
import json
import time

import websockets
from websockets.asyncio.client import connect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

APP_ERROR_TEXT = "Something went wrong on this screen"
THRESHOLD_LABEL = "Decision threshold"
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class RerunTimeout(Exception):
    pass


class Session:
    """A websocket session that reruns the app and records what came back."""

    def __init__(self, url: str, name: str, stats, timeout: float):
        self.url = url.rstrip("/").replace("http://", "ws://").replace("https://", "wss://")
        self.name = name
        self.stats = stats          # shared Stats object (errors, latencies)
        self.timeout = timeout
        self.ws = None
        self.reader = None
        self.pages: dict[str, str] = {}      # title -> page_script_hash
        self.page_hash = ""
        self.widgets: dict[str, tuple[str, str, object]] = {}  # label -> (id, fragment_id, proto)
        self.runs_seen: set[str] = set()
        self.stale_runs: set[str] = set()
        self.waiter: asyncio.Future | None = None
        self.texts: list[str] = []           # text of the elements drawn by the current rerun
        self.closed = False
        self.lost = False                    # the reader has already counted the loss

    # ------------------------------------------------------------------ connection
    async def connect(self) -> None:
        self.ws = await connect(f"{self.url}/_stcore/stream", subprotocols=["streamlit"],
                                max_size=None, open_timeout=self.timeout,
                                ping_interval=20, ping_timeout=self.timeout)
        self.closed = False
        self.reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        self.closed = True
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            try:
                await asyncio.wait_for(self.reader, 5)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - closing anyway
                self.reader.cancel()

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except websockets.ConnectionClosed as exc:
            if not self.closed:
                self.lost = True
                self.stats.error(self.name, f"disconnect: {exc}")
        except Exception as exc:  # noqa: BLE001 - a broken reader is an error of the run
            self.lost = True
            self.stats.error(self.name, f"reader: {type(exc).__name__}: {exc}")
        finally:
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_exception(ConnectionError("websocket closed"))

    # ------------------------------------------------------------------ incoming messages
    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        run_id = msg.metadata.run.script_run_id if msg.metadata.HasField("run") else ""
        if kind == "new_session":
            if run_id:
                self.runs_seen.add(run_id)
            if msg.new_session.page_script_hash:
                self.page_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            for page in msg.navigation.app_pages:
                self.pages[page.page_name] = page.page_script_hash
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "delta":
            self._delta(msg.delta)
        elif kind == "script_finished":
            if msg.script_finished in FINISHED and run_id not in self.stale_runs:
                if self.waiter is not None and not self.waiter.done():
                    self.waiter.set_result(msg.script_finished)
        elif kind == "session_event":
            if msg.session_event.HasField("script_compilation_exception"):
                exc = msg.session_event.script_compilation_exception
                self.stats.error(self.name, f"compile exception: {exc.type}: {exc.message}")
        elif kind == "page_not_found":
            self.stats.error(self.name, f"page not found: {msg.page_not_found.page_name!r}")

    def _delta(self, delta) -> None:
        if not delta.HasField("new_element"):
            return
        el = delta.new_element
        which = el.WhichOneof("type")
        if which == "exception":
            self.stats.error(self.name, f"exception element: {el.exception.type}: "
                                        f"{el.exception.message[:300]}")
        elif which == "alert":
            if APP_ERROR_TEXT in el.alert.body:
                self.stats.error(self.name, f"app error box: {el.alert.body[:200]}")
            self.texts.append(el.alert.body)
        elif which in ("markdown", "text", "heading"):
            body = getattr(el, which).body
            self.texts.append(body)
        elif which in ("slider", "number_input", "radio", "button", "selectbox"):
            w = getattr(el, which)
            self.widgets[w.label] = (w.id, delta.fragment_id, w)
        elif which == "component_instance":  # the Audit threshold component: its label
            w = el.component_instance           # is in its payload
            label = json.loads(w.json_args).get("payload", {}).get("label", "")
            if label:
                self.widgets[label] = (w.id, delta.fragment_id, w)

    # ------------------------------------------------------------------ outgoing reruns
    async def rerun(self, page: str | None = None, widget_states=(), fragment_id: str = "",
                    timeout: float | None = None) -> float:
        """Send one rerun and wait for its script_finished; returns the latency in seconds.

        ``page``: a page title (None: the current page). ``widget_states``: (id, field, value).
        """
        msg = BackMsg()
        cs = msg.rerun_script
        cs.page_script_hash = self.pages[page] if page else self.page_hash
        if fragment_id:
            cs.fragment_id = fragment_id
        for wid, field, value in widget_states:
            ws = cs.widget_states.widgets.add()
            ws.id = wid
            if field == "double_array_value":
                ws.double_array_value.data.extend(value)
            else:
                setattr(ws, field, value)
        self.texts = []
        self.stale_runs = set(self.runs_seen)
        self.waiter = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(asyncio.shield(self.waiter), timeout or self.timeout)
        except asyncio.TimeoutError:
            raise RerunTimeout(f"no script_finished within {timeout or self.timeout:.0f} s") \
                from None
        return time.perf_counter() - t0

    def widget(self, label_start: str):
        """(id, fragment_id, proto) of the last widget drawn whose label starts so."""
        for label, value in self.widgets.items():
            if label.startswith(label_start):
                return value
        return None
