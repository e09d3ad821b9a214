"""Typed requests and results wired to components by name, so a tab says *which* component is *which* field.

An action is a handler ``handler(request, progress) -> result`` over two frozen dataclasses. ``endpoint(Request,
handler)`` turns it into the function Gradio calls: its named parameters are the request's fields (a
``TextInput`` field ``corpus`` becomes ``corpus_paste``, ``corpus_files``, … ``corpus_split``), so gradio_client and
MCP users see meaningful names and defaults, and the tab wires components with ``inputs_kwargs={name: component}``.
``outputs(Result, name=component, …)`` lists the components in the result's field order, which is the order the
endpoint returns them in. Adding a field (a second model, say) is one line in the dataclass and one in the tab.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

#: The column choice that means "use a conventional name if there is one" (text, id, label, lang …).
AUTO = "(auto)"


@dataclass(frozen=True)
class TextInput:
    """One paste-or-upload input: pasted lines and/or files, and how to read the files."""

    paste: str = ""
    files: list[str] | None = None
    text_column: str = AUTO
    id_column: str = AUTO
    label_column: str = AUTO
    language_column: str = AUTO
    split: str = "auto"


def _is_text_input(annotation) -> bool:
    return annotation is TextInput or annotation == "TextInput"


def parameter_names(request_cls: type) -> list[str]:
    """The endpoint's parameter names for a request class, in order (TextInput fields flattened)."""
    names = []
    hints = typing.get_type_hints(request_cls)
    for f in dataclasses.fields(request_cls):
        if _is_text_input(hints[f.name]):
            names += [f"{f.name}_{sub.name}" for sub in dataclasses.fields(TextInput)]
        else:
            names.append(f.name)
    return names


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return inspect.Parameter.empty


def build_request(request_cls: type, values: dict):
    """The request from endpoint parameters by name (TextInput groups flattened, as ``parameter_names``)."""
    hints = typing.get_type_hints(request_cls)
    kwargs = {}
    for f in dataclasses.fields(request_cls):
        if _is_text_input(hints[f.name]):
            kwargs[f.name] = TextInput(**{sub.name: values[f"{f.name}_{sub.name}"]
                                          for sub in dataclasses.fields(TextInput)})
        else:
            kwargs[f.name] = values[f.name]
    return request_cls(**kwargs)


def parameters(request) -> dict:
    """A request's endpoint parameters by name: the inverse of ``build_request``."""
    values = {}
    for f in dataclasses.fields(request):
        value = getattr(request, f.name)
        if isinstance(value, TextInput):
            values.update({f"{f.name}_{sub.name}": getattr(value, sub.name) for sub in dataclasses.fields(TextInput)})
        else:
            values[f.name] = value
    return values


def endpoint(request_cls: type, handler: Callable, *, doc: str | None = None) -> Callable:
    """A Gradio function with one named parameter per request field; calls ``handler(request, progress)`` and
    returns the result's fields in order. ``doc`` (else the handler's docstring) describes it to API and MCP
    clients; each field's ``metadata["doc"]`` describes its parameter."""
    hints = typing.get_type_hints(request_cls)
    params, docs = [], []
    for f in dataclasses.fields(request_cls):
        subfields = ([(f"{f.name}_{s.name}", _default(s), s.metadata.get("doc", s.name.replace("_", " ")))
                      for s in dataclasses.fields(TextInput)] if _is_text_input(hints[f.name])
                     else [(f.name, _default(f), f.metadata.get("doc", ""))])
        for name, default, text in subfields:
            params.append(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=None if default is inspect.Parameter.empty else default))
            if text:
                docs.append(f"    {name}: {text}")
    params.append(inspect.Parameter("progress", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=gr.Progress()))
    signature = inspect.Signature(params)

    def call(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        progress = values.pop("progress")
        return _returned(fields_of(handler(build_request(request_cls, values), progress)))

    _describe(call, handler, doc, docs)
    call.__signature__ = signature
    return call


def action(handler: Callable, *, doc: str | None = None) -> Callable:
    """A Gradio function for a handler that takes no request (e.g. a report): returns its result's fields."""

    def call():
        return _returned(fields_of(handler()))

    _describe(call, handler, doc, [])
    return call


def fields_of(result) -> tuple:
    """A result dataclass's field values, in order (what Gradio assigns to the outputs)."""
    return tuple(getattr(result, f.name) for f in dataclasses.fields(result))


def _returned(values: tuple):
    """What Gradio is given: the values, or a lone value by itself (Gradio hands one output whatever it gets, a
    1-tuple included)."""
    return values[0] if len(values) == 1 else values


def _describe(call: Callable, handler: Callable, doc: str | None, docs: list[str]) -> None:
    """Name and describe the Gradio function after the handler: API docs and MCP tools are named from it."""
    target = handler.func if isinstance(handler, functools.partial) else handler
    call.__name__ = target.__name__
    call.__doc__ = (doc or target.__doc__ or "") + ("\n\nArgs:\n" + "\n".join(docs) if docs else "")


def inputs(request_cls: type, **components) -> dict:
    """``inputs_kwargs`` for an endpoint: every parameter name mapped to its component (TextInput groups may be
    given as a ``TextSource``, whose ``components(prefix)`` names them)."""
    mapping = {}
    for name, component in components.items():
        mapping.update(component.components(name) if hasattr(component, "components") else {name: component})
    missing = set(parameter_names(request_cls)) - set(mapping)
    extra = set(mapping) - set(parameter_names(request_cls))
    if missing or extra:
        raise TypeError(f"{request_cls.__name__}: components missing for {sorted(missing)}, unknown {sorted(extra)}")
    return mapping


def outputs(result_cls: type, **components) -> list:
    """The components of a result, in the order of its fields (the order the endpoint returns values in)."""
    names = [f.name for f in dataclasses.fields(result_cls)]
    if set(names) != set(components):
        raise TypeError(f"{result_cls.__name__} has fields {names}; got components for {sorted(components)}")
    return [components[name] for name in names]
