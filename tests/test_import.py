"""`import minitorch` loads the core only; vision (and with it Pillow), distributions,
linalg, distributed and utils.tensorboard load on first use, as PEP 562's module __getattr__ allows.

Each check runs in a fresh interpreter: this test process has long imported everything.
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(code):
    """Run `code` in a new interpreter that imports this checkout's minitorch; its last
    stdout line is JSON."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


LOADED = """
import json, sys
import minitorch
print(json.dumps(sorted(m for m in sys.modules
                        if m.split('.')[0] in ('minitorch', 'PIL', 'tensorboard'))))
"""


def test_import_minitorch_loads_only_the_core():
    loaded = set(_run(LOADED))
    assert "minitorch.nn" in loaded and "minitorch.optim" in loaded  # the core is there
    for lazy in ("PIL", "minitorch.vision", "minitorch.distributions", "minitorch.linalg",
                 "minitorch.distributed", "minitorch.utils.tensorboard"):
        assert lazy not in loaded, f"`import minitorch` imported {lazy}"


@pytest.mark.parametrize("expression, module", [
    ("minitorch.vision.models.resnet18", "minitorch.vision.models"),
    ("minitorch.vision.transforms.ToTensor", "minitorch.vision.transforms"),
    ("minitorch.distributions.Normal", "minitorch.distributions"),
    ("minitorch.linalg.inv", "minitorch.linalg"),
    ("minitorch.distributed.get_rank", "minitorch.distributed"),
])
def test_lazy_submodules_load_on_first_attribute_access(expression, module):
    found = _run(f"""
import json, sys
import minitorch
obj = {expression}
print(json.dumps([obj.__module__.startswith({module!r}), {module!r} in sys.modules]))
""")
    assert found == [True, True]


def test_lazy_names_are_listed_and_unknown_names_raise():
    import minitorch
    for name in ("vision", "distributions", "linalg", "distributed"):
        assert name in dir(minitorch)
    with pytest.raises(AttributeError, match="module 'minitorch' has no attribute 'visoin'"):
        minitorch.visoin


def test_import_forms_that_users_write_still_work():
    assert _run("""
import json
from minitorch.vision import datasets, transforms
from minitorch import linalg, distributions
from minitorch.utils.tensorboard import SummaryWriter
import minitorch.vision.models as models
print(json.dumps([callable(SummaryWriter), callable(models.resnet18), callable(linalg.inv)]))
""") == [True, True, True]
