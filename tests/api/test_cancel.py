"""Cancelling a run stops its embedding, not only its answer: Gradio ends the event's task, and the worker thread
stops at the encoder's next batch (``ui/cancel.py``). Driven by gradio_client's ``job.cancel()``, which is what the
page's Stop button and a closed tab do too. Every wait is on a state (an event set, the queue emptied), none on time."""

from __future__ import annotations

import sys
import threading
import time
import traceback
import uuid

import pytest

from harrier_explorer.backend.fake import HashEncoder
from harrier_explorer.ui.cancel import Cancelled

WAIT = 120  # s: a ceiling on waiting for a state on a busy 2-core machine, never a pause


def threads() -> str:
    """Where every thread is, for a wait that fails: a hang under load then says what it waits on."""
    names = {t.ident: t.name for t in threading.enumerate()}
    return "\n".join(f"--- {names.get(ident, ident)}\n{''.join(traceback.format_stack(frame))}"
                     for ident, frame in sys._current_frames().items())


def waited(event: threading.Event, what: str) -> None:
    assert event.wait(WAIT), f"{what}\n{threads()}"


def wait_until(condition, what) -> None:
    """Wait for ``condition()``; ``what`` (a string, or a function giving one at the time of a failure) says what."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what() if callable(what) else what}\n{threads()}"
        time.sleep(0.05)


def lab_run(tag: str) -> dict:
    return dict(queries_paste="\n".join(f"question {i} {tag}" for i in range(40)),
                corpus_paste="\n".join(f"passage {i} {tag}" for i in range(40)),
                variants=f"(none)\nfind passages {tag}", ablate_words=False, api_name="/lab_run")


def map_build(tag: str) -> dict:
    return dict(documents_paste="\n".join(f"document {i} {tag}" for i in range(80)), api_name="/map_build")


def search(tag: str) -> dict:
    return dict(queries=f"question {tag}", corpus_paste="\n".join(f"passage {i} {tag}" for i in range(80)),
                api_name="/cross_lingual_search")


def bitext(tag: str) -> dict:
    return dict(source_paste="\n".join(f"source {i} {tag}" for i in range(40)),
                target_paste="\n".join(f"target {i} {tag}" for i in range(40)), api_name="/match_bitext")


def ab_compare(tag: str) -> dict:
    return dict(queries_paste="\n".join(f"question {i} {tag}" for i in range(40)),
                corpus_paste="\n".join(f"passage {i} {tag}" for i in range(40)), api_name="/ab_compare")


def align(tag: str) -> dict:
    return dict(text_a=" ".join(f"Sentence {i} {tag}." for i in range(40)),
                text_b=" ".join(f"Satz {i} {tag}." for i in range(40)), api_name="/align_documents")


@pytest.mark.parametrize("call", [lab_run, map_build, search, bitext, ab_compare, align])
def test_cancelling_a_run_stops_its_worker_at_the_next_batch(demo, client, monkeypatch, call):
    started, gate, stopped, finished = (threading.Event() for _ in range(4))
    embed = HashEncoder.embed

    def gated(self, strings, progress=None, on_batch=None):
        def report(done, total):  # the first batch holds until the test has cancelled the run
            started.set()
            gate.wait(WAIT)
            progress(done, total)

        try:
            result = embed(self, strings, report if progress else None, on_batch)
        except Cancelled:
            stopped.set()
            raise
        finished.set()
        return result

    monkeypatch.setattr(HashEncoder, "embed", gated)
    tag = uuid.uuid4().hex  # texts no earlier test embedded: nothing comes from the cache
    job = client.submit(**call(tag))
    try:
        waited(started, "the run never started embedding")
        # gradio_client's cancel names the run by the event id that its own thread records once the queue's answer
        # is read; under load the run can reach the gate first, and a cancel sent then names no run at all.
        wait_until(lambda: job.communicator.event_id, "the client to learn the run's event id")
        job.cancel()
        wait_until(lambda: not demo._queue.event_ids_to_events,
                   lambda: f"the queue to drop the cancelled run (it holds {list(demo._queue.event_ids_to_events)})")
    finally:
        gate.set()  # a failed wait must not leave the worker held into the next case
    waited(stopped, "the worker went on embedding after the run was cancelled")
    assert not finished.is_set()
    # The app keeps serving: the next call answers.
    assert client.predict(base_instruction="retrieval (QA)", domain="", api_name="/lab_propose").startswith("(none)")
