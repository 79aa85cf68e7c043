"""FakeData: random images, the same ones for the same index every time."""
from __future__ import annotations

import numpy as np
from PIL import Image

from .vision import VisionDataset


class FakeData(VisionDataset):
    """Random (PIL Image, int) samples; item i is a pure function of i + random_offset.

    Args:
        size (int): number of samples. Default: 1000.
        image_size (tuple): (C, H, W). Default: (3, 224, 224).
        num_classes (int): labels are in [0, num_classes). Default: 10.
        transform, target_transform (callable, optional): as in other datasets.
        random_offset (int): shifts the per-index seeds. Default: 0.
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = tuple(image_size)
        self.random_offset = random_offset
        if len(self.image_size) != 3 or self.image_size[0] not in (1, 3, 4):
            raise ValueError(f"image_size must be (C, H, W) with C in 1, 3 or 4, got "
                             f"{self.image_size}")

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        rng = np.random.default_rng(index + self.random_offset)  # not the global stream
        pixels = rng.integers(0, 256, size=self.image_size, dtype=np.uint8)
        target = int(rng.integers(0, self.num_classes))
        hwc = pixels.transpose(1, 2, 0)
        img = Image.fromarray(hwc[:, :, 0] if hwc.shape[2] == 1 else np.ascontiguousarray(hwc))
        return self._apply(img, target)

    def __len__(self):
        return self.size


__all__ = ["FakeData"]
