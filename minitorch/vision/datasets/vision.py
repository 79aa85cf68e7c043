"""VisionDataset: the base class of the image datasets (torchvision.datasets.VisionDataset)."""
from __future__ import annotations

import os

from ...utils.data import Dataset
from ..transforms.transforms import batch_transform


class VisionDataset(Dataset):
    """Holds `root`, `transform` and `target_transform`, and prints like torchvision."""

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        self.root = os.path.expanduser(os.fspath(root)) if root is not None else None
        if transforms is not None and (transform is not None or target_transform is not None):
            raise ValueError("Only transforms or transform/target_transform can be passed "
                             "as argument")
        self.transform = transform
        self.target_transform = target_transform
        self.transforms = transforms

    def _apply(self, img, target):
        if self.transforms is not None:
            return self.transforms(img, target)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def _batch(self, indices, images, labels):
        """`[self[i] for i in indices]` for a dataset whose item i is (images[i] as a PIL
        image, labels[i]), with ToTensor (+ Normalize) run once on the whole batch when
        that is the transform: the per-image PIL round trip was most of a fetch. Any
        other transform runs per sample, as in __getitem__."""
        convert = None
        if self.transforms is None and self.transform is not None:
            convert = batch_transform(self.transform)
        if convert is None or not all(type(i) is int for i in indices):
            return [self[i] for i in indices]
        targets = [int(labels[i]) for i in indices]
        if self.target_transform is not None:
            targets = [self.target_transform(t) for t in targets]
        return list(zip(convert(images[indices]).unbind(0), targets))

    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            lines.append(f"Root location: {self.root}")
        lines += [line for line in self.extra_repr().splitlines() if line]
        if self.transform is not None:
            lines.append(f"StandardTransform\nTransform: {self.transform!r}")
        if self.target_transform is not None:
            lines.append(f"Target transform: {self.target_transform!r}")
        pad = " " * self._repr_indent
        return "\n".join([f"Dataset {type(self).__name__}"] + [pad + line for line in lines])
