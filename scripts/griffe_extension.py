"""A Griffe extension, loaded by mkdocstrings (mkdocs.yml), for nnlib's API reference.

nnlib's docstrings are plain numpydoc with Markdown cross-references, which
mkdocstrings renders as they are. What Griffe's static analysis cannot see is
what happens at import time, and this extension tells it two such facts.
"""

import griffe

# Decorators that turn a function into an object, and the label that says so.
DECORATOR_LABELS = {
    "nnlib.activations.activation": "activation",
    "nnlib.activations.Softmax": "activation",
    "nnlib.losses._loss": "loss",
}


class ImportTimeObjects(griffe.Extension):
    """Label decorated functions and hide the empty value of registries.

    - A function that a decorator turns into an ``Activation`` or a ``Loss``
      gets the label "activation" or "loss" beside its name.
    - A registry filled at import time (``ACTIVATIONS = {}``) shows no value:
      "= {}" would say it is empty.
    """

    def on_package(self, *, pkg, **kwargs):
        for obj in _walk(pkg):
            if obj.is_function:
                labels = {DECORATOR_LABELS.get(d.callable_path) for d in obj.decorators}
                obj.labels |= labels - {None}
            if obj.is_attribute and str(obj.value) in ("{}", "[]"):
                obj.value = None


def _walk(obj):
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)
