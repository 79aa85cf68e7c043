"""SummaryWriter: TensorBoard event files without TensorFlow or tensorboard installed."""
from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
