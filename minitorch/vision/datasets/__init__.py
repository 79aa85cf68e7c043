"""`minitorch.vision.datasets` (torchvision.datasets)."""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import MNIST, FashionMNIST, MNISTSubset
from .vision import VisionDataset

__all__ = ["MNIST", "FashionMNIST", "MNISTSubset", "CIFAR10", "CIFAR100", "ImageFolder",
           "DatasetFolder", "FakeData", "VisionDataset"]
