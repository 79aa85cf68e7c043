"""ImageFolder / DatasetFolder: one sub-folder per class (torchvision's layout).

    root/dog/xxx.png
    root/dog/xxy.jpeg
    root/cat/123.png

Classes are the sub-folder names, sorted; `class_to_idx` maps them to 0, 1, ...
"""
from __future__ import annotations

import os

from PIL import Image

from .vision import VisionDataset

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename, extensions):
    return filename.lower().endswith(tuple(extensions))


def find_classes(directory):
    """(sorted class folder names, {name: index})."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None,
                 allow_empty=False):
    """[(path, class_index)] for every valid file, walking class folders in sorted order."""
    directory = os.path.expanduser(directory)
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at "
                         "the same time")
    if extensions is not None:
        def is_valid_file(path):
            return has_file_allowed_extension(path, extensions)
    instances, found = [], set()
    for target_class in sorted(class_to_idx):
        class_index = class_to_idx[target_class]
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_index))
                    found.add(target_class)
    empty = set(class_to_idx) - found
    if empty and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
        if extensions is not None:
            msg += f"Supported extensions are: {', '.join(extensions)}"
        raise FileNotFoundError(msg)
    return instances


def pil_loader(path):
    """Open an image file as an RGB PIL image (the file is closed afterwards).

    A corrupt image raises OSError naming the file (PIL's own errors are OSError,
    SyntaxError, ValueError, struct.error, ... and often name no file); the original
    error stays attached as the cause.
    """
    with open(path, "rb") as f:
        try:
            img = Image.open(f)
            return img.convert("RGB")
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 (PIL's decoders raise many types)
            raise OSError(f"cannot read the image file {path!r}: "
                          f"{type(exc).__name__}: {exc}") from exc


default_loader = pil_loader


class DatasetFolder(VisionDataset):
    """Samples are files under `root/<class>/...`, read with `loader`.

    Args:
        root (str): the folder of class folders.
        loader (callable): path -> sample.
        extensions (tuple of str, optional): allowed file endings.
        transform, target_transform (callable, optional): applied to sample / class index.
        is_valid_file (callable, optional): path -> bool (instead of extensions).
        allow_empty (bool): allow class folders without valid files. Default: False.

    Attributes:
        classes (list): sorted class names. class_to_idx (dict): name -> index.
        samples (list): (path, class_index) pairs. targets (list): the class indices.
    """

    def __init__(self, root, loader, extensions=None, transform=None, target_transform=None,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        self.samples = make_dataset(self.root, class_to_idx, extensions, is_valid_file,
                                    allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.targets = [s[1] for s in self.samples]

    def find_classes(self, directory):
        return find_classes(directory)

    def __getitem__(self, index):
        path, target = self.samples[index]
        return self._apply(self.loader(path), target)

    def __len__(self):
        return len(self.samples)


class ImageFolder(DatasetFolder):
    """Images in class folders, loaded as RGB PIL images: items are (image, class_index).

    >>> ds = ImageFolder("data/train", transform=transforms.Compose([
    ...     transforms.Resize((32, 32)), transforms.ToTensor()]))
    >>> ds.class_to_idx
    {'cat': 0, 'dog': 1}
    """

    def __init__(self, root, transform=None, target_transform=None, loader=default_loader,
                 is_valid_file=None, allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform=transform, target_transform=target_transform,
                         is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.imgs = self.samples


__all__ = ["DatasetFolder", "ImageFolder", "IMG_EXTENSIONS", "default_loader", "pil_loader",
           "find_classes", "make_dataset"]
