"""Every torch name the compatibility report lists as present resolves in minitorch.

PRESENT maps a torch namespace to the names tutorials use from it. The test imports each
from minitorch (`import torch` -> `import minitorch as torch` must not break on them) and
checks that torch has the same name, so the list cannot drift from torch's API.
Namespaces under `vision` mirror torchvision, which cannot be installed here; those are
only checked on the minitorch side.
"""
import importlib

import pytest

PRESENT = {
    "": [
        # namespaces
        "accelerator", "autograd", "backends", "cuda", "nn", "optim", "random", "utils",
        # tensors, dtypes, devices
        "Tensor", "Size", "tensor", "as_tensor", "from_numpy", "is_tensor", "device",
        "dtype", "float32", "float64", "float16", "int64", "int32", "uint8", "bool",
        "get_default_dtype", "set_default_dtype", "finfo", "iinfo",
        # creation and random
        "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "rand", "randn",
        "randint", "randperm", "zeros_like", "ones_like", "manual_seed", "seed",
        "initial_seed", "Generator", "get_rng_state", "set_rng_state",
        # grad mode
        "no_grad", "enable_grad", "inference_mode", "set_grad_enabled", "is_grad_enabled",
        # common ops
        "cat", "stack", "matmul", "mm", "bmm", "einsum", "where", "softmax", "argmax",
        "max", "mean", "sum", "allclose", "isclose", "flatten", "reshape", "topk", "sort",
        # process-wide settings (this issue)
        "set_printoptions", "set_num_threads", "get_num_threads",
        # files
        "save", "load",
    ],
    "accelerator": ["is_available", "current_accelerator", "device_count",
                    "current_device_index", "set_device_index", "synchronize"],
    "backends.cudnn": ["benchmark", "deterministic", "enabled", "is_available", "version",
                       "flags"],
    "backends.mps": ["is_available", "is_built"],
    "backends.cuda": ["is_built", "matmul"],
    "cuda": ["is_available", "device_count", "current_device", "set_device",
             "get_device_name", "synchronize", "manual_seed", "manual_seed_all",
             "memory_allocated", "empty_cache"],
    "nn": ["Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "Linear",
           "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d",
           "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm",
           "Dropout", "Embedding", "RNN", "LSTM", "GRU", "ReLU", "ReLU6", "GELU", "Sigmoid",
           "Tanh", "Softmax", "Flatten", "Identity", "CrossEntropyLoss", "MSELoss",
           "NLLLoss", "BCEWithLogitsLoss", "DataParallel", "functional", "init", "utils",
           "parallel"],
    "nn.parallel": ["DataParallel", "data_parallel", "DistributedDataParallel"],
    "special": ["expit", "erf", "erfc", "erfinv", "expm1", "log1p", "gammaln", "digamma",
                "polygamma", "multigammaln", "i0", "i1", "sinc", "softmax", "log_softmax",
                "logsumexp", "xlogy"],
    "distributed": ["init_process_group", "destroy_process_group", "is_initialized",
                    "is_available", "get_rank", "get_world_size", "barrier", "all_reduce",
                    "broadcast", "all_gather", "ReduceOp", "new_group"],
    "nn.utils": ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
                 "vector_to_parameters", "rnn"],
    "nn.init": ["kaiming_normal_", "kaiming_uniform_", "xavier_uniform_", "xavier_normal_",
                "normal_", "uniform_", "zeros_", "ones_", "constant_", "trunc_normal_"],
    "optim": ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS", "lr_scheduler"],
    "optim.lr_scheduler": ["StepLR", "MultiStepLR", "CosineAnnealingLR", "OneCycleLR",
                           "ReduceLROnPlateau", "LambdaLR"],
    "utils.data": ["Dataset", "DataLoader", "TensorDataset", "Subset", "random_split",
                   "Sampler", "RandomSampler", "default_collate", "DistributedSampler"],
    # torchvision's twins
    "vision.models": ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
                      "resnext50_32x4d", "wide_resnet50_2", "vgg11", "vgg11_bn", "vgg13",
                      "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn", "alexnet",
                      "mobilenet_v2", "ResNet", "VGG", "AlexNet", "MobileNetV2",
                      "get_model", "list_models"],
    "vision.ops": ["Conv2dNormActivation"],
    "vision.transforms": ["Compose", "ToTensor", "Normalize", "Resize", "CenterCrop",
                          "RandomCrop", "RandomHorizontalFlip", "RandomResizedCrop"],
    "vision.datasets": ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageFolder",
                        "FakeData"],
    "vision.utils": ["make_grid", "save_image"],
}

CASES = [(space, name) for space, names in PRESENT.items() for name in names]


def _module(root, space):
    return importlib.import_module(root + ("." + space if space else ""))


@pytest.mark.parametrize("space, name", CASES, ids=[f"{s or 'torch'}.{n}" for s, n in CASES])
def test_listed_name_is_present(space, name):
    assert hasattr(_module("minitorch", space), name), f"minitorch.{space}.{name} is missing"
    if not space.startswith("vision"):
        assert hasattr(_module("torch", space), name), f"torch.{space}.{name}: not torch's"


def test_import_torch_as_minitorch_script_runs():
    """The lines a current tutorial starts with, run against minitorch."""
    import minitorch as torch
    device = torch.accelerator.current_accelerator() or torch.device("cpu")
    if torch.backends.mps.is_available():
        device = torch.device("mps")
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.benchmark = False
    torch.set_printoptions(precision=3)
    try:
        assert torch.get_num_threads() >= 1  # (setting it would change the whole process)
        model = torch.nn.DataParallel(torch.nn.Linear(2, 1)).to(device)
        vec = torch.nn.utils.parameters_to_vector(model.parameters())
        assert vec.shape == (3,) and repr(torch.tensor([1.0])) == "tensor([1.])"
    finally:
        torch.set_printoptions(profile="default")


def test_readme_lists_the_tested_namespaces():
    """Every namespace in PRESENT is named on the README's "Present" or "Partial" line,
    and every namespace named there imports from minitorch."""
    import pathlib
    import re

    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("### Compatibility with torch's namespaces", 1)[1]
    listed = " ".join(re.findall(r"- \*\*(?:Present|Partial):\*\*(.*?)(?=\n- \*\*|\n\n)",
                                 section, re.S))
    named = {name for name in re.findall(r"`([a-z][\w.]*)`", listed)
             if not name.startswith("minitorch")}
    named = {"" if name == "torch" else name for name in named}
    assert set(PRESENT) - named == set(), "namespaces tested here but not in the README"
    for name in named:
        importlib.import_module("minitorch" + ("." + name if name else ""))
