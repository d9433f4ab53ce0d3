"""A Griffe extension, loaded by mkdocstrings (mkdocs.yml), for nnlib's API reference."""

import re

import griffe

_ROLE = re.compile(r":(?:func|meth|class|data|attr|mod|obj|exc):`(~?)([\w.]+)`")
# Decorators that turn a function into an object, and the label that says so.
DECORATOR_LABELS = {
    "nnlib.activations.activation": "activation",
    "nnlib.activations.Softmax": "activation",
    "nnlib.losses._loss": "loss",
}


class DocstringMarkdown(griffe.Extension):
    """Show nnlib's docstrings as mkdocstrings expects, without editing them.

    - A bare doctest (a paragraph starting with ``>>>``) outside a NumPy
      "Examples" section becomes a ``pycon`` code block; Markdown would read
      ``>>>`` as three nested block quotes.
    - A Sphinx role (``:func:`get```, ``:class:`~nnlib.layers.Dense```)
      becomes an autorefs link when its target is on the reference pages
      (public, with a docstring), and inline code otherwise.
    - A function that a decorator turns into an ``Activation`` or a ``Loss``
      gets the label "activation" or "loss" beside its name.
    - A registry filled at import time (``ACTIVATIONS = {}``) shows no value.
    """

    def on_package(self, *, pkg, **kwargs):
        objects = {}

        def walk(obj):
            objects[obj.path] = obj
            for member in obj.members.values():
                if not member.is_alias:
                    walk(member)

        walk(pkg)
        for obj in objects.values():
            if obj.is_function:
                labels = {DECORATOR_LABELS.get(d.callable_path) for d in obj.decorators}
                obj.labels |= labels - {None}
            if obj.is_attribute and str(obj.value) in ("{}", "[]"):
                obj.value = None  # a registry filled at import time: "= {}" would mislead
            if obj.docstring is not None:
                text = _fence_doctests(obj.docstring.value)
                obj.docstring.value = _ROLE.sub(lambda m: _role_link(m, obj, objects), text)


def _fence_doctests(text):
    lines, out, i = text.split("\n"), [], 0
    in_fence = in_examples = False
    while i < len(lines):
        line, stripped = lines[i], lines[i].strip()
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if stripped.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and stripped and following and set(following) == {"-"}:
            in_examples = stripped.lower() in ("example", "examples")  # a NumPy section title
        starts_doctest = stripped.startswith(">>>") and (i == 0 or not lines[i - 1].strip())
        if starts_doctest and not (in_fence or in_examples):
            indent = line[: len(line) - len(line.lstrip())]
            end = next((j for j in range(i, len(lines)) if not lines[j].strip()), len(lines))
            out += [f"{indent}```pycon", *lines[i:end], f"{indent}```"]
            i = end
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def _role_link(match, obj, objects):
    tilde, name = match.groups()
    shown = name.rsplit(".", 1)[-1] if tilde else name
    scopes = []
    while obj is not None:
        scopes.append(f"{obj.path}.{name}")
        obj = obj.parent
    for path in [name, *scopes]:
        target = objects.get(path)
        if target is not None and _documented(target):
            return f"[`{shown}`][{path}]"
    return f"`{shown}`"


def _documented(obj):
    """Whether mkdocstrings renders ``obj`` (filters: public; no docstring, no entry)."""
    while obj is not None and not obj.is_module:
        if not obj.is_public or obj.docstring is None:
            return False
        obj = obj.parent
    return True
